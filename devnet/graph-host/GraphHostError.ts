/**
 * An error of the graph host: a bad build or manifest, a bad argument, a chain it cannot follow. Like
 * DevnetError it keeps the cause for the log and structured details for callers.
 */
export class GraphHostError extends Error {
  override readonly name: string = 'GraphHostError';
  readonly details: Record<string, unknown>;

  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.details = options.details ?? {};
  }
}
