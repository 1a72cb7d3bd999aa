import { FallbackProvider, JsonRpcProvider, Network, type AbstractProvider } from 'ethers';
import { KeeperError } from '../errors/KeeperError.js';

/** A JSON-RPC error the node answered with (a revert, a bad request): failing over would not help. */
export class RpcAnswerError extends KeeperError {
  override readonly name = 'RpcAnswerError';
  constructor(
    message: string,
    readonly code: number | undefined,
    readonly data: string | undefined,
  ) {
    super(message);
  }
}

/**
 * The keeper's RPC endpoints in configuration order. `provider` is ethers' FallbackProvider (quorum 1) for
 * ordinary calls; `send` is raw JSON-RPC with the same failover, for what ethers cannot express (eth_call
 * with block overrides).
 */
export class RpcClient {
  readonly providers: JsonRpcProvider[];
  readonly provider: AbstractProvider;

  constructor(
    readonly urls: string[],
    readonly chainId: number,
  ) {
    if (urls.length === 0) throw new KeeperError('no RPC URL configured');
    const network = Network.from(chainId);
    this.providers = urls.map(
      (url) =>
        new JsonRpcProvider(url, network, { staticNetwork: network, batchMaxCount: 1, pollingInterval: 250 }),
    );
    this.provider =
      this.providers.length === 1
        ? (this.providers[0] as JsonRpcProvider)
        : new FallbackProvider(
            this.providers.map((provider, i) => ({
              provider,
              priority: i + 1,
              stallTimeout: 1500,
              weight: 1,
            })),
            network,
            { quorum: 1 },
          );
  }

  /** Raw JSON-RPC: the first endpoint that answers wins; an answered error is returned as RpcAnswerError. */
  async send(method: string, params: unknown[]): Promise<unknown> {
    const failures: string[] = [];
    for (const provider of this.providers) {
      try {
        return await provider.send(method, params);
      } catch (err) {
        const e = err as {
          error?: { code?: number; message?: string; data?: string };
          info?: { error?: { code?: number; message?: string; data?: string } };
        };
        const answered = e.error ?? e.info?.error;
        if (answered && typeof answered.code === 'number') {
          throw new RpcAnswerError(answered.message ?? 'JSON-RPC error', answered.code, answered.data);
        }
        failures.push(`${provider._getConnection().url}: ${(err as Error).message}`);
      }
    }
    throw new KeeperError(`every RPC failed for ${method}: ${failures.join('; ')}`);
  }

  destroy(): void {
    for (const provider of this.providers) provider.destroy();
    if (this.provider instanceof FallbackProvider) this.provider.destroy();
  }
}
