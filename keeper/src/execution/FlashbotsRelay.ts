import { FlashbotsBundleProvider, type TransactionSimulation } from '@flashbots/ethers-provider-bundle';
import { FetchRequest, type Provider, type Signer } from 'ethers';
import type {
  BundleOptions,
  BundleRelay,
  BundleSimulation,
  PrivateTxSender,
  TxSimulation,
} from './BundleRelay.js';
import { SubmissionError } from './ExecutionError.js';

type FlashbotsArgs = ConstructorParameters<typeof FlashbotsBundleProvider>;

/** The library reports HTTP failures only inside its message; 4xx means the relay read and refused us. */
const HTTP_STATUS = /Request failed with status (\d{3})/;

function displayName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
}

/**
 * A Flashbots-compatible relay through `@flashbots/ethers-provider-bundle`: requests are signed with the auth
 * key (`X-Flashbots-Signature`), which identifies us to the relay and holds no funds, never with a liquidator
 * key. Every failure becomes a `SubmissionError` saying whether the relay answered or is unreachable.
 */
export class FlashbotsRelay implements BundleRelay, PrivateTxSender {
  readonly name: string;
  private readonly provider: FlashbotsBundleProvider;

  constructor(options: {
    url: string;
    authSigner: Signer;
    chain: Provider;
    chainId: number;
    timeoutMs: number;
  }) {
    this.name = displayName(options.url);
    const request = new FetchRequest(options.url);
    request.timeout = options.timeoutMs;
    // A relay that throttles us is answered in the next block, not by waiting here while the block passes.
    request.retryFunc = async () => false;
    // The library is CommonJS and types itself against ethers' CommonJS build; the objects are the same
    // ethers version (package.json overrides) and it only calls their public methods.
    const [chain, authSigner, connect] = [
      options.chain,
      options.authSigner,
      request,
    ] as unknown as FlashbotsArgs;
    this.provider = new FlashbotsBundleProvider(chain, authSigner, connect, options.chainId);
  }

  async simulate(
    signedTxs: readonly string[],
    blockNumber: bigint,
    stateBlock: bigint,
    timestampSec: bigint,
  ): Promise<BundleSimulation> {
    const response = await this.call('eth_callBundle', () =>
      this.provider.simulate([...signedTxs], Number(blockNumber), Number(stateBlock), Number(timestampSec)),
    );
    if ('error' in response) throw this.refused('eth_callBundle', response.error);
    return {
      results: response.results.map(txSimulation),
      totalGasUsed: BigInt(response.totalGasUsed),
      coinbaseDiffWei: response.coinbaseDiff,
    };
  }

  async send(signedTxs: readonly string[], targetBlock: bigint, options: BundleOptions): Promise<string> {
    const response = await this.call('eth_sendBundle', () =>
      this.provider.sendRawBundle([...signedTxs], Number(targetBlock), {
        replacementUuid: options.replacementUuid,
        ...(options.minTimestampSec === null ? {} : { minTimestamp: Number(options.minTimestampSec) }),
        ...(options.maxTimestampSec === null ? {} : { maxTimestamp: Number(options.maxTimestampSec) }),
      }),
    );
    if ('error' in response) throw this.refused('eth_sendBundle', response.error);
    return response.bundleHash;
  }

  async cancel(replacementUuid: string): Promise<void> {
    const response = await this.call('eth_cancelBundle', () => this.provider.cancelBundles(replacementUuid));
    if ('error' in response) throw this.refused('eth_cancelBundle', response.error);
  }

  async sendPrivateTransaction(signedTx: string, maxBlockNumber: bigint): Promise<void> {
    const response = await this.call('eth_sendPrivateTransaction', () =>
      this.provider.sendPrivateTransaction(
        { signedTransaction: signedTx },
        { maxBlockNumber: Number(maxBlockNumber) },
      ),
    );
    if ('error' in response) throw this.refused('eth_sendPrivateTransaction', response.error);
  }

  private async call<T>(method: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      const status = Number(HTTP_STATUS.exec(message)?.[1] ?? 0);
      const reachable = status >= 400 && status < 500;
      throw new SubmissionError(
        `${method} to ${this.name} ${reachable ? `refused (HTTP ${status})` : 'failed'}: ${message.slice(0, 300)}`,
        this.name,
        reachable,
        { cause },
      );
    }
  }

  private refused(method: string, error: { message: string; code: number }): SubmissionError {
    return new SubmissionError(
      `${method} refused by ${this.name}: ${error.message} (${error.code})`,
      this.name,
      true,
      {
        details: { code: error.code },
      },
    );
  }
}

function txSimulation(result: TransactionSimulation): TxSimulation {
  const failed = result as Partial<{ error: string; revert: string }>;
  const error =
    failed.error || failed.revert ? [failed.error, failed.revert].filter(Boolean).join(': ') : null;
  return { txHash: result.txHash, gasUsed: BigInt(result.gasUsed), error };
}
