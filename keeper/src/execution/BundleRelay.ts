/** A Flashbots-compatible relay or builder, as execution uses it; `FlashbotsRelay` is the real one. */
export interface BundleRelay {
  /** For logs: the endpoint's URL without credentials. */
  readonly name: string;
  /**
   * eth_callBundle: runs the signed transactions in order on `stateBlock`'s state as block `blockNumber` with
   * `timestampSec`. Throws `SubmissionError` when the relay refuses or cannot be reached.
   */
  simulate(
    signedTxs: readonly string[],
    blockNumber: bigint,
    stateBlock: bigint,
    timestampSec: bigint,
  ): Promise<BundleSimulation>;
  /** eth_sendBundle for one target block; returns the bundle hash. Throws `SubmissionError`. */
  send(signedTxs: readonly string[], targetBlock: bigint, options: BundleOptions): Promise<string>;
  /** eth_cancelBundle: withdraws every bundle sent with this replacement key. */
  cancel(replacementUuid: string): Promise<void>;
}

export interface BundleOptions {
  replacementUuid: string;
  minTimestampSec: bigint | null;
  maxTimestampSec: bigint | null;
}

/** One transaction's simulated result: `error` set when it reverted or failed. */
export interface TxSimulation {
  txHash: string;
  gasUsed: bigint;
  error: string | null;
}

export interface BundleSimulation {
  results: TxSimulation[];
  totalGasUsed: bigint;
  /** What the bundle pays the block's fee recipient (priority fees and transfers). */
  coinbaseDiffWei: bigint;
}

/** eth_sendPrivateTransaction (Flashbots Protect style): one transaction, kept private until it lands. */
export interface PrivateTxSender {
  readonly name: string;
  /** Throws `SubmissionError`. */
  sendPrivateTransaction(signedTx: string, maxBlockNumber: bigint): Promise<void>;
}
