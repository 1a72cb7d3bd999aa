/**
 * The keeper's one error family (viem's habit): a short message for the log line, structured details, and the
 * cause chain kept so the boundary that catches it can print every link. Caught at two boundaries only (per
 * block, per position); only startup and configuration errors end the process.
 */
export class KeeperError extends Error {
  override readonly name: string = 'KeeperError';
  readonly details: Record<string, unknown>;

  constructor(shortMessage: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(shortMessage, { cause: options.cause });
    this.details = options.details ?? {};
  }

  /** The one-line summary (the message without any cause). */
  get shortMessage(): string {
    return this.message;
  }

  /**
   * Walks the cause chain from this error outwards to the root: with a predicate, the first link it accepts
   * (or null); without one, the root cause. Stops on a cycle.
   */
  walk(predicate?: (err: unknown) => boolean): unknown {
    const chain = causeChain(this);
    if (predicate) return chain.find(predicate) ?? null;
    return chain[chain.length - 1];
  }
}

/** Bad configuration: the keeper refuses to start. */
export class ConfigError extends KeeperError {
  override readonly name = 'ConfigError';
}

/** Every link of an error's cause chain, outermost first (stops on a cycle and after 20 links). */
export function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = err;
  while (current !== undefined && current !== null && !chain.includes(current) && chain.length < 20) {
    chain.push(current);
    current = typeof current === 'object' ? (current as { cause?: unknown }).cause : undefined;
  }
  return chain;
}

/** The first link of the cause chain that is an instance of `type`. */
export function findCause<T>(err: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  return causeChain(err).find((link): link is T => link instanceof type);
}

function describeLink(link: unknown): string {
  if (link instanceof Error) {
    const details = link instanceof KeeperError ? link.details : {};
    const detailText = Object.entries(details)
      .map(([key, value]) => `${key}=${typeof value === 'bigint' ? value.toString() : JSON.stringify(value)}`)
      .join(' ');
    return `${link.name}: ${link.message}${detailText ? ` (${detailText})` : ''}`;
  }
  return `thrown ${typeof link}: ${String(link)}`;
}

/** One line per link of the cause chain ("error → cause → root"), for the per-block and per-position logs. */
export function formatErrorChain(err: unknown): string {
  return causeChain(err).map(describeLink).join(' ← caused by ');
}
