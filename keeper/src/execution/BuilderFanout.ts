import type { BundleClient, SendBundleRequest } from './BundleClient.js';
import { SubmissionError } from './ExecutionError.js';

/** What one endpoint did with a bundle. */
export type FanoutResult =
  { builder: string; ok: true; bundleHash: string } | { builder: string; ok: false; error: SubmissionError };

/**
 * One bundle to several endpoints at once: each builder that takes bundles directly, and the relay with
 * `builders` naming the others, so the bundle reaches whoever builds the target block. One endpoint failing
 * never stops the others; the caller gets every endpoint's result (for per-builder metrics) and decides
 * what "sent" means (here: at least one endpoint took it).
 */
export class BuilderFanout {
  constructor(
    private readonly clients: readonly BundleClient[],
    /** Names for the relay's `builders` field; sent to every endpoint (builders ignore it). */
    private readonly relayBuilders: readonly string[] = [],
  ) {
    if (clients.length === 0) throw new RangeError('a fanout needs at least one endpoint');
  }

  async send(request: Omit<SendBundleRequest, 'builders'>): Promise<FanoutResult[]> {
    const withBuilders: SendBundleRequest =
      this.relayBuilders.length > 0 ? { ...request, builders: this.relayBuilders } : request;
    return Promise.all(
      this.clients.map(async (client): Promise<FanoutResult> => {
        try {
          return { builder: client.name, ok: true, bundleHash: await client.sendBundle(withBuilders) };
        } catch (err) {
          return { builder: client.name, ok: false, error: asSubmissionError(err, client.name) };
        }
      }),
    );
  }

  /** eth_cancelBundle at every endpoint; returns each endpoint's failure, if any. */
  async cancel(replacementUuid: string): Promise<FanoutResult[]> {
    return Promise.all(
      this.clients.map(async (client): Promise<FanoutResult> => {
        try {
          await client.cancelBundle(replacementUuid);
          return { builder: client.name, ok: true, bundleHash: '' };
        } catch (err) {
          return { builder: client.name, ok: false, error: asSubmissionError(err, client.name) };
        }
      }),
    );
  }
}

/** Whether any endpoint took the bundle. */
export function anyAccepted(results: readonly FanoutResult[]): boolean {
  return results.some((r) => r.ok);
}

function asSubmissionError(err: unknown, endpoint: string): SubmissionError {
  if (err instanceof SubmissionError) return err;
  // A bug of ours (a signer that failed), not the endpoint's: kept as the cause, reported per endpoint.
  return new SubmissionError(
    `${endpoint}: ${err instanceof Error ? err.message : String(err)}`,
    endpoint,
    true,
    {
      cause: err,
    },
  );
}
