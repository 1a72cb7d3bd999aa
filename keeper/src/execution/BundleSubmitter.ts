import type { Logger } from 'pino';
import type { PlannedAction } from '../decision/types.js';
import type { Address } from '../model/types.js';
import type { BundleRelay } from './BundleRelay.js';
import { classifyOutcome, type ClassifiedOutcome } from './classifyOutcome.js';
import { sendBundles, type BundleSenderDeps } from './sendBundles.js';
import type { SettleFacts, Submitter } from './Submitter.js';
import type { Submission } from './SubmissionBook.js';
import type { BlockContext, ModeResult } from './types.js';

/** Bundles to every configured relay and builder (`sendBundles`); withdrawn with eth_cancelBundle. */
export class BundleSubmitter implements Submitter {
  readonly mode = 'bundle' as const;

  constructor(private readonly deps: BundleSenderDeps & { log: Logger }) {}

  submit(bySender: Map<Address, PlannedAction[]>, context: BlockContext): Promise<ModeResult> {
    return sendBundles(this.deps, bySender, context);
  }

  async settle(facts: SettleFacts): Promise<ClassifiedOutcome | null> {
    const { submission, receipt, position, ours, headBlock } = facts;
    return classifyOutcome(submission, receipt, position, ours, headBlock);
  }

  async cancel(submission: Submission): Promise<void> {
    const uuid = submission.replacementUuid;
    if (uuid === null) return;
    await Promise.all(
      this.deps.relays.map((relay: BundleRelay) =>
        relay.cancel(uuid).catch((err: unknown) => {
          this.deps.log.debug({ relay: relay.name, err: (err as Error).message }, 'eth_cancelBundle failed');
        }),
      ),
    );
  }
}
