import { keccak256 } from 'ethers';
import type { ActionKind, InFlightAction, PlannedAction } from '../decision/types.js';
import type { Address } from '../model/types.js';
import type { Eip1559Fees } from './bumpFees.js';
import type { BlockContext, SentAction, SubmissionMode, TxRequest } from './types.js';

/** One transaction we sent, until it is settled. */
export interface Submission {
  positionId: bigint;
  kind: ActionKind;
  sender: Address;
  nonce: number;
  mode: SubmissionMode;
  request: TxRequest;
  /** Every hash sent for this nonce (fee bumps), oldest first. */
  txHashes: string[];
  /** Public mempool: the no-op that replaces it once someone else took the step. */
  cancelHash: string | null;
  cancelFees: Eip1559Fees | null;
  sentAtBlock: bigint;
  lastSentBlock: bigint;
  firstTargetBlock: bigint;
  lastTargetBlock: bigint;
  replacementUuid: string | null;
  /** Bundle mode: the relays and builders that took it (for per-builder metrics). */
  endpoints: string[];
  /** The reward in ETH wei the plan valued the action's position at (null: not valued). */
  rewardValueWei: bigint | null;
  /** Bundle mode: our marginSwaps placed before this completion; they land with it, and their gas is its cost. */
  companionHashes: string[];
}

/**
 * Our unsettled submissions, and the decision's view of them (`KeeperCore.inFlight`) kept in step: recording
 * one marks its position in flight until its last target block; settling it clears the mark, unless a newer
 * submission for the position has replaced it.
 */
export class SubmissionBook {
  private readonly byHash = new Map<string, Submission>();

  constructor(private readonly inFlight: Map<bigint, InFlightAction>) {}

  get size(): number {
    return this.byHash.size;
  }

  entries(): [string, Submission][] {
    return [...this.byHash];
  }

  record(
    mode: SubmissionMode,
    action: PlannedAction,
    request: TxRequest,
    raw: string,
    context: BlockContext,
    extra: {
      replacementUuid: string | null;
      relaysAccepted: number;
      lastTargetBlock: bigint;
      endpoints?: string[];
      companionHashes?: string[];
    },
  ): SentAction {
    const txHash = keccak256(raw);
    const sender = action.sender.toLowerCase() as Address;
    this.byHash.set(txHash, {
      positionId: action.positionId,
      kind: action.kind,
      sender,
      nonce: request.nonce,
      mode,
      request,
      txHashes: [txHash],
      cancelHash: null,
      cancelFees: null,
      sentAtBlock: context.headBlock,
      lastSentBlock: context.headBlock,
      firstTargetBlock: context.nextBlock,
      lastTargetBlock: extra.lastTargetBlock,
      replacementUuid: extra.replacementUuid,
      endpoints: extra.endpoints ?? [],
      rewardValueWei: action.rewardValueWei,
      companionHashes: extra.companionHashes ?? [],
    });
    this.inFlight.set(action.positionId, {
      kind: action.kind,
      sender,
      sentAtBlock: context.headBlock,
      lastTargetBlock: extra.lastTargetBlock,
    });
    return {
      positionId: action.positionId,
      kind: action.kind,
      sender,
      nonce: request.nonce,
      txHash,
      gasLimit: request.gasLimit,
      maxFeePerGasWei: request.maxFeePerGas,
      maxPriorityFeePerGasWei: request.maxPriorityFeePerGas,
      expectedProfitWei: action.expectedProfitWei,
      mode,
      replacementUuid: extra.replacementUuid,
      relaysAccepted: extra.relaysAccepted,
      endpoints: extra.endpoints ?? [],
      firstTargetBlock: context.nextBlock,
      lastTargetBlock: extra.lastTargetBlock,
    };
  }

  /** Still pending past its planned last block (public mempool): keeps the decision from planning it again. */
  extend(submission: Submission, lastTargetBlock: bigint): void {
    submission.lastTargetBlock = lastTargetBlock;
    const record = this.inFlight.get(submission.positionId);
    if (record && record.sentAtBlock === submission.sentAtBlock) record.lastTargetBlock = lastTargetBlock;
  }

  settle(hash: string): void {
    const submission = this.byHash.get(hash);
    if (!submission) return;
    this.byHash.delete(hash);
    const record = this.inFlight.get(submission.positionId);
    if (record && record.sentAtBlock === submission.sentAtBlock && record.kind === submission.kind)
      this.inFlight.delete(submission.positionId);
  }
}
