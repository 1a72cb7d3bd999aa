import { toQuantity } from 'ethers';
import { RpcAnswerError, type RpcClient } from '../chain/RpcClient.js';
import type { PlannedAction } from '../decision/types.js';
import type { Address } from '../model/types.js';
import { buildBundle } from './buildBundle.js';
import type { PrivateTxSender } from './BundleRelay.js';
import { droppedAction } from './droppedAction.js';
import { SubmissionError } from './ExecutionError.js';
import type { KeyRing } from './KeyRing.js';
import type { NonceManager } from './NonceManager.js';
import { nonceAt } from './nonceAt.js';
import type { SubmissionBook } from './SubmissionBook.js';
import type { BlockContext, ModeResult, SubmissionMode, TxRequest } from './types.js';

export type OneByOneMode = Exclude<SubmissionMode, 'bundle'>;

export interface OneByOneDeps {
  rpc: Pick<RpcClient, 'send'>;
  privateRpc: PrivateTxSender | null;
  keys: KeyRing;
  book: SubmissionBook;
  nonces: NonceManager;
  /** How many blocks a private transaction may wait for (its maxBlockNumber, from the next block). */
  targetBlocks: number;
}

/**
 * The private-RPC and public-mempool modes: each call its own transaction, nonces past our unsettled ones,
 * each simulated with eth_call at the next block's timestamp (no bundle to simulate them together; they are
 * independent positions) and dropped when it would revert. A refused send stops the key's later ones, which
 * would only wait behind the nonce gap. A public transaction stays in flight until settled; a private one
 * until its maxBlockNumber.
 */
export async function sendOneByOne(
  deps: OneByOneDeps,
  mode: OneByOneMode,
  bySender: Map<Address, PlannedAction[]>,
  context: BlockContext,
): Promise<ModeResult> {
  const result: ModeResult = { sent: [], dropped: [], unsent: new Map(), passOn: null };
  const lastTargetBlock =
    mode === 'public' ? context.headBlock + 2n : context.headBlock + BigInt(deps.targetBlocks);
  for (const [sender, actions] of bySender) {
    if (result.passOn !== null) {
      result.unsent.set(sender, actions);
      continue;
    }
    deps.nonces.forgetBelow(sender, await nonceAt(deps.rpc, sender, 'latest'));
    const nonce = deps.nonces.next(sender, await nonceAt(deps.rpc, sender, 'pending'));
    // One by one, a swap could land without the completion it was for: the swap-first policy needs a bundle.
    let current = actions.filter((action) => (action.swapsFirst ?? []).length === 0);
    for (const action of actions)
      if ((action.swapsFirst ?? []).length > 0)
        result.dropped.push(
          droppedAction(action, sender, `swap-then-complete needs a bundle, not ${mode} transactions`),
        );
    while (current.length > 0) {
      const built = buildBundle(sender, current, nonce, context.bundle);
      result.dropped.push(...built.dropped);
      if (built.draft === null) break;
      const draft = built.draft;
      const errors: (string | null)[] = [];
      for (const tx of draft.txs) errors.push(await simulateCall(deps.rpc, tx.request, sender, context));
      const failing = new Set(errors.flatMap((error, i) => (error === null ? [] : [i])));
      if (failing.size > 0) {
        draft.txs.forEach((tx, i) => {
          if (failing.has(i))
            result.dropped.push(droppedAction(tx.action, sender, `would revert: ${errors[i]}`));
        });
        current = draft.txs.filter((_, i) => !failing.has(i)).map((tx) => tx.action);
        continue;
      }
      const signed = await deps.keys.sign(
        draft.txs.map((tx) => tx.request),
        sender,
      );
      for (const [i, tx] of draft.txs.entries()) {
        const raw = signed[i] as string;
        try {
          await sendRaw(deps, mode, raw, lastTargetBlock);
        } catch (err) {
          if (!(err instanceof SubmissionError)) throw err;
          const rest = draft.txs.slice(i).map((t) => t.action);
          if (!err.reachable) {
            result.passOn = { cause: 'down', reason: err.message };
            result.unsent.set(sender, rest);
          } else {
            for (const action of rest)
              result.dropped.push(droppedAction(action, sender, `refused: ${err.message}`));
          }
          break;
        }
        deps.nonces.take(sender, tx.request.nonce);
        result.sent.push(
          deps.book.record(mode, tx.action, tx.request, raw, context, {
            replacementUuid: null,
            relaysAccepted: 0,
            lastTargetBlock,
          }),
        );
      }
      break;
    }
  }
  return result;
}

/** One signed transaction to the private RPC or the public mempool; throws `SubmissionError`. */
export async function sendRaw(
  deps: Pick<OneByOneDeps, 'rpc' | 'privateRpc'>,
  mode: OneByOneMode,
  raw: string,
  maxBlock: bigint,
): Promise<void> {
  if (mode === 'private-rpc') {
    if (deps.privateRpc === null)
      throw new SubmissionError('no private RPC configured', 'private-rpc', false);
    await deps.privateRpc.sendPrivateTransaction(raw, maxBlock);
    return;
  }
  try {
    await deps.rpc.send('eth_sendRawTransaction', [raw]);
  } catch (err) {
    // The node answered (nonce too low, underpriced): a fact about the transaction, not an outage.
    const reachable = err instanceof RpcAnswerError;
    throw new SubmissionError(`eth_sendRawTransaction: ${(err as Error).message}`, 'rpc', reachable, {
      cause: err,
    });
  }
}

/** eth_call as the next block would run it (the head's state, the predicted timestamp); null when it succeeds. */
async function simulateCall(
  rpc: Pick<RpcClient, 'send'>,
  request: TxRequest,
  sender: Address,
  context: BlockContext,
): Promise<string | null> {
  try {
    await rpc.send('eth_call', [
      { from: sender, to: request.to, data: request.data, gas: toQuantity(request.gasLimit) },
      { blockHash: context.head.hash },
      {},
      { time: toQuantity(context.nextTimestampSec) },
    ]);
    return null;
  } catch (err) {
    if (err instanceof RpcAnswerError) return err.message;
    throw err;
  }
}
