import pino, { type Logger } from 'pino';

/**
 * JSON logs (one object per line, fields first) for machines; pretty lines when a person is watching a
 * terminal. Secrets are `Secret` objects, which serialize as `[redacted]`.
 */
export function createLogger(options: {
  level: string;
  pretty?: boolean;
  destination?: NodeJS.WritableStream | pino.DestinationStream;
}): Logger {
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
