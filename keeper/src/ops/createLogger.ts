import pino, { type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';

/**
 * JSON logs (one object per line, fields first) for machines; pretty lines when a person is watching a
 * terminal. Secrets are `Secret` objects, which serialize as `[redacted]`.
 *
 * `prettyLine` formats each entry in-process (pino-pretty's formatter, synchronously, not its worker
 * transport) and hands the text to the caller, which owns the terminal: a log line then never lands in the
 * middle of the status line or the progress bar.
 */
export function createLogger(options: {
  level: string;
  pretty?: boolean;
  destination?: NodeJS.WritableStream | pino.DestinationStream;
  prettyLine?: (text: string) => void;
}): Logger {
  if (options.prettyLine) {
    const format = prettyFactory({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
    const write = options.prettyLine;
    return pino(
      { level: options.level, base: undefined },
      { write: (json: string) => write(format(json).trimEnd()) },
    );
  }
  const pretty = options.pretty ?? (process.stdout.isTTY === true && options.destination === undefined);
  if (pretty) {
    return pino({
      level: options.level,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return pino(
    { level: options.level, base: undefined },
    (options.destination ?? process.stdout) as pino.DestinationStream,
  );
}
