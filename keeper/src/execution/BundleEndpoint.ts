import { keccak256 } from 'ethers';
import type { BundleClient } from './BundleClient.js';
import type {
  BundleOptions,
  BundleRelay,
  BundleSimulation,
  PrivateTxSender,
  TxSimulation,
} from './BundleRelay.js';
import { SubmissionError } from './ExecutionError.js';

interface CallBundleResult {
  txHash?: unknown;
  gasUsed?: unknown;
  error?: unknown;
  revert?: unknown;
}

/**
 * One relay or builder as execution uses it, over our own `BundleClient`: every eth_sendBundle carries
 * `builders` (the relay shares the bundle with them; a builder taking it directly ignores the field),
 * `replacementUuid`, the timestamp window and an empty `revertingTxHashes` (no transaction of ours may revert).
 */
export class BundleEndpoint implements BundleRelay, PrivateTxSender {
  readonly name: string;

  constructor(
    readonly client: BundleClient,
    /** Names in Flashbots' list of builders, for `builders`; empty sends the field not at all. */
    readonly builders: readonly string[] = [],
  ) {
    this.name = client.name;
  }

  async simulate(
    signedTxs: readonly string[],
    blockNumber: bigint,
    stateBlock: bigint,
    timestampSec: bigint,
  ): Promise<BundleSimulation> {
    const result = (await this.client.callBundle({
      txs: signedTxs,
      blockNumber,
      stateBlockNumber: stateBlock,
      timestampSec,
    })) as { results?: CallBundleResult[]; totalGasUsed?: unknown; coinbaseDiff?: unknown } | null;
    if (!result || !Array.isArray(result.results))
      throw new SubmissionError(`eth_callBundle at ${this.name}: no results`, this.name, true);
    const results: TxSimulation[] = result.results.map((r, i) => {
      const failed = [r.error, r.revert].filter((x) => typeof x === 'string' && x.length > 0);
      return {
        txHash: typeof r.txHash === 'string' ? r.txHash : keccak256(signedTxs[i] ?? '0x'),
        gasUsed: BigInt(typeof r.gasUsed === 'number' || typeof r.gasUsed === 'string' ? r.gasUsed : 0),
        error: failed.length > 0 ? failed.join(': ') : null,
      };
    });
    const big = (x: unknown) => BigInt(typeof x === 'number' || typeof x === 'string' ? x : 0);
    return { results, totalGasUsed: big(result.totalGasUsed), coinbaseDiffWei: big(result.coinbaseDiff) };
  }

  send(signedTxs: readonly string[], targetBlock: bigint, options: BundleOptions): Promise<string> {
    return this.client.sendBundle({
      txs: signedTxs,
      blockNumber: targetBlock,
      minTimestampSec: options.minTimestampSec,
      maxTimestampSec: options.maxTimestampSec,
      revertingTxHashes: [],
      replacementUuid: options.replacementUuid,
      builders: this.builders,
    });
  }

  async cancel(replacementUuid: string): Promise<void> {
    await this.client.cancelBundle(replacementUuid);
  }

  async sendPrivateTransaction(signedTx: string, maxBlockNumber: bigint): Promise<void> {
    await this.client.sendPrivateTransaction({
      signedTx,
      maxBlockNumber,
      fast: this.builders.length === 0,
      builders: this.builders,
    });
  }
}
