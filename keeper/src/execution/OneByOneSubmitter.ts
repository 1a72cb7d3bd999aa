import type { Logger } from 'pino';
import type { PlannedAction } from '../decision/types.js';
import type { Address } from '../model/types.js';
import { classifyOutcome, type ClassifiedOutcome } from './classifyOutcome.js';
import type { ExecutionSettings } from './executionSettings.js';
import { sendOneByOne, type OneByOneDeps, type OneByOneMode } from './sendOneByOne.js';
import type { SettleFacts, Submitter } from './Submitter.js';
import { tendPublicTx } from './tendPublicTx.js';
import type { BlockContext, ModeResult } from './types.js';

/**
 * One transaction at a time, through a private transaction RPC or the public mempool (`sendOneByOne`). A
 * public transaction without a receipt is tended (fee bumps, a no-op once someone else took the step).
 */
export class OneByOneSubmitter implements Submitter {
  constructor(
    readonly mode: OneByOneMode,
    private readonly deps: OneByOneDeps & { settings: ExecutionSettings; log: Logger },
  ) {}

  submit(bySender: Map<Address, PlannedAction[]>, context: BlockContext): Promise<ModeResult> {
    return sendOneByOne(this.deps, this.mode, bySender, context);
  }

  async settle(facts: SettleFacts): Promise<ClassifiedOutcome | null> {
    const { submission, receipt, position, ours, headBlock } = facts;
    if (receipt === null && this.mode === 'public')
      return tendPublicTx(this.deps, submission, position, ours, headBlock);
    return classifyOutcome(submission, receipt, position, ours, headBlock);
  }

  /**
   * Nothing to withdraw: a private transaction expires at its maxBlockNumber, and a public one is replaced by
   * a no-op when tended (`tendPublicTx`), which needs a block of its own.
   */
  cancel(): Promise<void> {
    return Promise.resolve();
  }
}
