import { toQuantity } from 'ethers';
import type { Logger } from 'pino';
import type { RpcClient } from '../chain/RpcClient.js';
import type { PlannedAction } from '../decision/types.js';
import type { Address } from '../model/types.js';
import { buildBundle } from './buildBundle.js';
import type { BundleRelay } from './BundleRelay.js';
import type { BundleSimulator } from './BundleSimulator.js';
import { droppedAction } from './droppedAction.js';
import { SubmissionError } from './ExecutionError.js';
import type { KeyRing } from './KeyRing.js';
import { nonceAt } from './nonceAt.js';
import type { SubmissionBook } from './SubmissionBook.js';
import type { BlockContext, BundleDraft, ModeResult } from './types.js';

export interface BundleSenderDeps {
  rpc: Pick<RpcClient, 'send'>;
  relays: readonly BundleRelay[];
  /** Local (our RPC) by default; the relay's eth_callBundle only when configured. */
  simulator: BundleSimulator;
  keys: KeyRing;
  book: SubmissionBook;
  log: Logger;
}

/**
 * Bundle mode for one block: per key, its actions as one bundle, simulated for the next block at its
 * timestamp (on our own RPC by default, eth_callBundle at a relay when configured); a call that would revert is dropped and the rest
 * re-signed with closed-up nonces until the bundle simulates clean; then it goes to every relay for each target
 * block. A key's actions are left unsent, for the fallback, when no relay took its bundle (all down or all
 * refusing) or the simulator could not be reached.
 */
export async function sendBundles(
  deps: BundleSenderDeps,
  bySender: Map<Address, PlannedAction[]>,
  context: BlockContext,
): Promise<ModeResult> {
  const result: ModeResult = { sent: [], dropped: [], unsent: new Map(), passOn: null };
  const ready: { draft: BundleDraft; signed: string[] }[] = [];
  for (const [sender, actions] of bySender) {
    if (result.passOn?.cause === 'down') {
      result.unsent.set(sender, actions);
      continue;
    }
    const nonce = await nonceAt(deps.rpc, sender, toQuantity(context.head.number));
    let current = actions;
    while (current.length > 0) {
      const built = buildBundle(sender, current, nonce, context.bundle);
      result.dropped.push(...built.dropped);
      if (built.draft === null) break;
      const draft = built.draft;
      const signed = await deps.keys.sign(
        draft.txs.map((tx) => tx.request),
        sender,
      );
      const simulated = await deps.simulator.simulate(signed, context);
      if (simulated.kind === 'down') {
        result.passOn = { cause: 'down', reason: simulated.reason };
        result.unsent.set(
          sender,
          draft.txs.map((tx) => tx.action),
        );
        break;
      }
      if (simulated.kind === 'refused') {
        for (const tx of draft.txs)
          result.dropped.push(droppedAction(tx.action, sender, `simulation refused: ${simulated.reason}`));
        break;
      }
      const failing = new Set(simulated.errors.flatMap((error, i) => (error === null ? [] : [i])));
      if (failing.size === 0) {
        ready.push({ draft, signed });
        break;
      }
      draft.txs.forEach((tx, i) => {
        if (failing.has(i))
          result.dropped.push(droppedAction(tx.action, sender, `would revert: ${simulated.errors[i]}`));
      });
      current = draft.txs.filter((_, i) => !failing.has(i)).map((tx) => tx.action);
    }
  }
  for (const { draft, signed } of ready) {
    const sent = await sendToRelays(deps.relays, draft, signed);
    if (sent.accepted.length > 0) {
      draft.txs.forEach((tx, i) =>
        result.sent.push(
          deps.book.record('bundle', tx.action, tx.request, signed[i] as string, context, {
            replacementUuid: draft.replacementUuid,
            relaysAccepted: sent.accepted.length,
            endpoints: sent.accepted,
            lastTargetBlock: draft.targetBlocks[draft.targetBlocks.length - 1] ?? context.nextBlock,
          }),
        ),
      );
      for (const failure of sent.failures)
        deps.log.warn({ uuid: draft.replacementUuid }, `bundle not taken: ${failure.message}`);
    } else {
      // No endpoint took it: down or refusing, the fallback may still get it into the block.
      const down = sent.failures.every((failure) => !failure.reachable);
      const reason = sent.failures.map((f) => f.message).join('; ') || 'no relay configured';
      if (result.passOn?.cause !== 'down')
        result.passOn = down ? { cause: 'down', reason } : { cause: 'refused', reason };
      result.unsent.set(
        draft.sender,
        draft.txs.map((tx) => tx.action),
      );
    }
  }
  return result;
}

/** Every relay, every target block, at once; a relay counts as taking it when it took any of them. */
async function sendToRelays(
  relays: readonly BundleRelay[],
  draft: BundleDraft,
  signed: string[],
): Promise<{ accepted: string[]; failures: SubmissionError[] }> {
  const options = {
    replacementUuid: draft.replacementUuid,
    minTimestampSec: draft.minTimestampSec,
    maxTimestampSec: draft.maxTimestampSec,
  };
  const accepted = new Set<string>();
  const failures: SubmissionError[] = [];
  await Promise.all(
    relays.flatMap((relay) =>
      draft.targetBlocks.map(async (block) => {
        try {
          await relay.send(signed, block, options);
          accepted.add(relay.name);
        } catch (err) {
          if (!(err instanceof SubmissionError)) throw err;
          failures.push(err);
        }
      }),
    ),
  );
  return { accepted: [...accepted], failures: failures.filter((f) => !accepted.has(f.endpoint)) };
}
