import { keccak256, toQuantity } from 'ethers';
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
        result.unsent.set(sender, actionsOf(draft));
        break;
      }
      if (simulated.kind === 'refused') {
        for (const action of actionsOf(draft))
          result.dropped.push(droppedAction(action, sender, `simulation refused: ${simulated.reason}`));
        break;
      }
      const failing = new Set(simulated.errors.flatMap((error, i) => (error === null ? [] : [i])));
      if (failing.size === 0) {
        ready.push({ draft, signed });
        break;
      }
      // A completion and the swaps before it stand or fall together: no swap is ever sent without it.
      const failed = new Set<bigint>();
      draft.txs.forEach((tx, i) => {
        if (!failing.has(i) || failed.has(tx.action.positionId)) return;
        failed.add(tx.action.positionId);
        const what = tx.swap ? `its marginSwap of asset ${tx.swap.assetIndex} would revert` : 'would revert';
        result.dropped.push(droppedAction(tx.action, sender, `${what}: ${simulated.errors[i]}`));
      });
      current = actionsOf(draft).filter((action) => !failed.has(action.positionId));
    }
  }
  for (const { draft, signed } of ready) {
    const sent = await sendToRelays(deps.relays, draft, signed);
    if (sent.accepted.length > 0) {
      draft.txs.forEach((tx, i) => {
        // A swap is settled with its completion (it lands in the same block or not at all).
        if (tx.swap !== undefined) return;
        const companionHashes = draft.txs.flatMap((other, j) =>
          other.swap !== undefined && other.action.positionId === tx.action.positionId
            ? [keccak256(signed[j] as string)]
            : [],
        );
        result.sent.push(
          deps.book.record('bundle', tx.action, tx.request, signed[i] as string, context, {
            replacementUuid: draft.replacementUuid,
            relaysAccepted: sent.accepted.length,
            endpoints: sent.accepted,
            lastTargetBlock: draft.targetBlocks[draft.targetBlocks.length - 1] ?? context.nextBlock,
            companionHashes,
          }),
        );
      });
      for (const failure of sent.failures)
        deps.log.warn({ uuid: draft.replacementUuid }, `bundle not taken: ${failure.message}`);
    } else {
      // No endpoint took it: down or refusing, the fallback may still get it into the block.
      const down = sent.failures.every((failure) => !failure.reachable);
      const reason = sent.failures.map((f) => f.message).join('; ') || 'no relay configured';
      if (result.passOn?.cause !== 'down')
        result.passOn = down ? { cause: 'down', reason } : { cause: 'refused', reason };
      result.unsent.set(draft.sender, actionsOf(draft));
    }
  }
  return result;
}

/** The bundle's planned actions, once each (a completion's swaps are its own transactions, not actions). */
function actionsOf(draft: BundleDraft): PlannedAction[] {
  return draft.txs.filter((tx) => tx.swap === undefined).map((tx) => tx.action);
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
