import type { PlannedAction } from '../decision/types.js';
import type { Address, PositionState } from '../model/types.js';
import type { ClassifiedOutcome, LandedReceipt } from './classifyOutcome.js';
import type { Submission } from './SubmissionBook.js';
import type { BlockContext, ModeResult, SubmissionMode } from './types.js';

/** What settling knows about one submission this block: its receipt (if any of its hashes landed) and the position. */
export interface SettleFacts {
  submission: Submission;
  /** The receipt of the submission's own transaction (not of a cancellation), or null. */
  receipt: LandedReceipt | null;
  position: PositionState | undefined;
  ours: ReadonlySet<Address>;
  headBlock: bigint;
}

/**
 * One way of getting liquidation calls on chain (bundles to builders, a private transaction RPC, the public
 * mempool). The executor holds an ordered list of them: a block's actions go to the first, and what it leaves
 * in `unsent` (its endpoints down, or every one of them refusing) to the next.
 */
export interface Submitter {
  readonly mode: SubmissionMode;
  /**
   * Sends what it can of one block's actions, recording each sent one in the submission book. Never leaves an
   * action both sent and unsent.
   */
  submit(bySender: Map<Address, PlannedAction[]>, context: BlockContext): Promise<ModeResult>;
  /** What became of one of its submissions; null while it may still land (the public mempool tends it here). */
  settle(facts: SettleFacts): Promise<ClassifiedOutcome | null>;
  /** Best effort: withdraws a submission that no longer needs to land from the endpoints still holding it. */
  cancel(submission: Submission): Promise<void>;
}
