/**
 * What execution builds and reports. Plain data, so drafts and reports can be printed and compared in tests.
 */
import type { ActionKind, MarginSwapStep, PlannedAction } from '../decision/types.js';
import type { BlockRef } from '../ingest/SubgraphMirror.js';
import type { Address } from '../model/types.js';
import type { BundleContext } from './buildBundle.js';

/** An EIP-1559 transaction ready to sign. */
export interface TxRequest {
  type: 2;
  chainId: bigint;
  nonce: number;
  to: Address;
  data: string;
  value: 0n;
  gasLimit: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** One planned action as a transaction; `action.sender` is the key that signs it. */
export interface DraftTx {
  action: PlannedAction;
  request: TxRequest;
  /** Set on the freezer's marginSwap that precedes `action` (a completion) in the same bundle. */
  swap?: MarginSwapStep;
}

/** One signer's transactions for one block, in nonce order: they land together or not at all. */
export interface BundleDraft {
  sender: Address;
  txs: DraftTx[];
  replacementUuid: string;
  /** The blocks the bundle is sent for, first to last. */
  targetBlocks: bigint[];
  /** The bundle is valid only in blocks with a timestamp in this range (a completion's window); null: open. */
  minTimestampSec: bigint | null;
  maxTimestampSec: bigint | null;
}

/** An action that gets no transaction this block, and why. */
export interface DroppedAction {
  positionId: bigint;
  kind: ActionKind;
  sender: Address;
  reason: string;
}

export type SubmissionMode = 'bundle' | 'private-rpc' | 'public';

/** A transaction we sent (or had a relay accept inside a bundle). */
export interface SentAction {
  positionId: bigint;
  kind: ActionKind;
  sender: Address;
  nonce: number;
  txHash: string;
  gasLimit: bigint;
  maxFeePerGasWei: bigint;
  maxPriorityFeePerGasWei: bigint;
  expectedProfitWei: bigint;
  mode: SubmissionMode;
  /** Bundle mode: the bundle's replacement key and how many relays accepted it. */
  replacementUuid: string | null;
  relaysAccepted: number;
  /** Bundle mode: the relays and builders that took it. */
  endpoints?: string[];
  firstTargetBlock: bigint;
  lastTargetBlock: bigint;
}

/**
 * How a submission ended: it landed and did its job, landed and reverted (gas lost), someone else did the step
 * first, it never landed, or (public mempool) we replaced it with a no-op because someone else got there.
 */
export type OutcomeKind = 'included' | 'reverted' | 'beaten' | 'dropped' | 'cancelled';

export interface ActionOutcome {
  positionId: bigint;
  kind: ActionKind;
  sender: Address;
  txHash: string;
  outcome: OutcomeKind;
  /** The block it landed in (included, reverted, cancelled), else null. */
  blockNumber: bigint | null;
  /** Gas paid by this transaction (0 when it did not land). */
  gasCostWei: bigint;
  detail: string;
  /** The head block it was first sent at: inclusion latency is blockNumber − sentAtBlock. */
  sentAtBlock?: bigint;
  /** Bundle mode: the relays and builders that took it. */
  endpoints?: string[];
  /** An included completion: the reward in ETH wei the plan valued it at. */
  rewardWei?: bigint;
}

/** What execution did for one head block. */
export interface ExecutionReport {
  headBlock: bigint;
  mode: SubmissionMode | null;
  sent: SentAction[];
  dropped: DroppedAction[];
  outcomes: ActionOutcome[];
  /** Set when the configured mode's endpoints were unreachable and the fallback (or nothing) was used. */
  fallback: string | null;
}

/** The facts one block's sending shares: the head it builds on and the block it targets. */
export interface BlockContext {
  head: BlockRef;
  headBlock: bigint;
  nextBlock: bigint;
  nextTimestampSec: bigint;
  bundle: BundleContext;
}

/** What one submission mode did with a block's actions. */
export interface ModeResult {
  sent: SentAction[];
  dropped: DroppedAction[];
  /** Actions this mode passes on to the next in the fallback list, by sender: none of them was sent. */
  unsent: Map<Address, PlannedAction[]>;
  /** Why `unsent` was passed on: every endpoint down, or (bundles) every one refusing; null when none was. */
  passOn: { cause: 'down' | 'refused'; reason: string } | null;
}
