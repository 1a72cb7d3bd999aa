/** Erases the terminal line the cursor is on and returns to its start. */
const CLEAR_LINE = '\r\x1b[2K';

/**
 * Everything the keeper writes to a person's terminal goes through here, so that one status line (the sync
 * progress, the latest quiet block) stays at the bottom and updates in place while permanent lines (block
 * lines with a plan, log lines) scroll above it: each permanent write first erases the status line, then
 * redraws it. Not a terminal: no status line at all, permanent lines only.
 */
export class TerminalOutput {
  private status = '';

  constructor(
    private readonly out: Pick<NodeJS.WritableStream, 'write'>,
    private readonly err: Pick<NodeJS.WritableStream, 'write'>,
    /** Whether `out` is a terminal (cursor control understood). */
    readonly tty: boolean,
  ) {}

  static forProcess(): TerminalOutput {
    return new TerminalOutput(process.stdout, process.stderr, process.stdout.isTTY === true);
  }

  /** A permanent line on stdout. */
  line(text: string): void {
    this.permanent(this.out, text);
  }

  /** A permanent line on stderr (logs). */
  logLine(text: string): void {
    this.permanent(this.err, text);
  }

  /** Replaces the status line (a terminal only; elsewhere the caller prints what matters). */
  setStatus(text: string): void {
    if (!this.tty) return;
    this.status = text;
    this.out.write(`${CLEAR_LINE}${text}`);
  }

  /** Turns the status line into a permanent line (e.g. the finished progress bar). */
  commitStatus(): void {
    if (!this.tty || this.status === '') return;
    this.out.write(`${CLEAR_LINE}${this.status}\n`);
    this.status = '';
  }

  clearStatus(): void {
    if (!this.tty || this.status === '') return;
    this.out.write(CLEAR_LINE);
    this.status = '';
  }

  get hasStatus(): boolean {
    return this.status !== '';
  }

  private permanent(stream: Pick<NodeJS.WritableStream, 'write'>, text: string): void {
    const body = text.endsWith('\n') ? text : `${text}\n`;
    if (!this.tty || this.status === '') {
      stream.write(body);
      return;
    }
    this.out.write(CLEAR_LINE);
    stream.write(body);
    this.out.write(this.status);
  }
}
