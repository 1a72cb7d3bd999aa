/**
 * The keeper's one error family: a short message for the log line, the cause chain kept, and structured
 * details. Caught at two boundaries only (per block, per position).
 */
export class KeeperError extends Error {
  override readonly name: string = 'KeeperError';
  readonly details: Record<string, unknown>;

  constructor(shortMessage: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(shortMessage, { cause: options.cause });
    this.details = options.details ?? {};
  }
}

/** Bad configuration: the keeper refuses to start. */
export class ConfigError extends KeeperError {
  override readonly name = 'ConfigError';
}
