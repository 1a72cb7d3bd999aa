/** An error in the devnet tooling, with the underlying cause kept for the log. */
export class DevnetError extends Error {
  override readonly name = 'DevnetError';
  readonly details: Record<string, unknown>;

  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.details = options.details ?? {};
  }
}
