import type { PlannedAction } from '../decision/types.js';
import { freezeWindowSec } from '../decision/freezeWindowSec.js';
import type { Address } from '../model/types.js';
import { actionFees, type FeePolicy } from './actionFees.js';
import { gasLimitFor } from './gasLimitFor.js';
import { liquidateCalldata } from './liquidateCalldata.js';
import { marginSwapCalldata } from './marginSwapCalldata.js';
import { replacementUuid } from './replacementUuid.js';
import type { BundleDraft, DraftTx, DroppedAction } from './types.js';

export interface BundleContext {
  chainId: number;
  marginModule: Address;
  /** The first block the bundle targets (head + 1) and its base fee. */
  nextBlock: bigint;
  nextBaseFeePerGasWei: bigint;
  /** How many consecutive blocks, from `nextBlock`, the bundle is sent for. */
  targetBlocks: number;
  fees: FeePolicy;
  gasLimitMarginBps: bigint;
  /** Who receives the reward; null: the sender itself. */
  rewardReceiver: Address | null;
}

/**
 * One key's actions for the next block as a bundle: nonces from `firstNonce` in plan order (completions first,
 * each preceded by its own `swapsFirst` marginSwaps when the policy planned them),
 * and the timestamp range in which every completion in it still completes (later than its freeze, at most
 * 3600 s after), so no builder can land it where it would revert or turn into a re-freeze. An action whose fees
 * cannot be met is dropped without using a nonce.
 *
 * Every transaction of the bundle carries the same fees: each action's bid (`actionFees`) averaged by its gas.
 * A builder values a bundle by what it pays per gas as a whole, so uneven fees buy nothing, and even ones keep
 * the bundle's transactions together wherever transactions are ordered by fee (anvil's pool, naive builders).
 */
export function buildBundle(
  sender: Address,
  actions: readonly PlannedAction[],
  firstNonce: number,
  context: BundleContext,
): { draft: BundleDraft | null; dropped: DroppedAction[] } {
  const dropped: DroppedAction[] = [];
  const priced: { action: PlannedAction; priorityWei: bigint }[] = [];
  for (const action of actions) {
    const fees = actionFees(
      {
        nextBaseFeePerGasWei: context.nextBaseFeePerGasWei,
        expectedProfitWei: action.expectedProfitWei,
        gasUnits: action.gasUnits,
      },
      context.fees,
    );
    // The plan's bid, when it fixed one (the figure its cost and profit were priced at), within today's room.
    const room = context.fees.maxGasPriceWei - context.nextBaseFeePerGasWei;
    const bid = action.bidPriorityFeePerGasWei;
    const priorityWei =
      fees.ok && bid !== undefined ? (bid < room ? bid : room) : fees.ok ? fees.maxPriorityFeePerGasWei : 0n;
    if (fees.ok) priced.push({ action, priorityWei });
    else dropped.push({ positionId: action.positionId, kind: action.kind, sender, reason: fees.reason });
  }
  if (priced.length === 0) return { draft: null, dropped };
  // A completion's own swaps ride at its bid: their gas is part of what that completion pays for.
  const gasOf = (action: PlannedAction) =>
    (action.swapsFirst ?? []).reduce((sum, swap) => sum + swap.gasUnits, action.gasUnits);
  const totalGas = priced.reduce((sum, p) => sum + gasOf(p.action), 0n);
  const priority = priced.reduce((sum, p) => sum + p.priorityWei * gasOf(p.action), 0n) / totalGas;
  const maxFeeWanted = context.nextBaseFeePerGasWei * context.fees.baseFeeMultiplier + priority;
  const maxFee = maxFeeWanted < context.fees.maxGasPriceWei ? maxFeeWanted : context.fees.maxGasPriceWei;

  let minTimestampSec: bigint | null = null;
  let maxTimestampSec: bigint | null = null;
  const txs: DraftTx[] = [];
  const txRequest = (data: string, gasUnits: bigint): DraftTx['request'] => ({
    type: 2,
    chainId: BigInt(context.chainId),
    nonce: firstNonce + txs.length,
    to: context.marginModule,
    data,
    value: 0n,
    gasLimit: gasLimitFor(gasUnits, context.gasLimitMarginBps),
    maxFeePerGas: maxFee,
    maxPriorityFeePerGas: priority,
  });
  for (const { action } of priced) {
    // The freezer's own swaps go right before the completion they unblock, in this bundle only: it lands whole
    // or not at all, so no swap lands without its completion.
    for (const swap of action.swapsFirst ?? [])
      txs.push({
        action: { ...action, sender },
        request: txRequest(marginSwapCalldata(action.positionId, swap), swap.gasUnits),
        swap,
      });
    if (action.kind === 'complete' && action.completeBySec !== null) {
      const earliest = action.completeBySec - freezeWindowSec + 1n;
      minTimestampSec = minTimestampSec === null || earliest > minTimestampSec ? earliest : minTimestampSec;
      maxTimestampSec =
        maxTimestampSec === null || action.completeBySec < maxTimestampSec
          ? action.completeBySec
          : maxTimestampSec;
    }
    txs.push({
      action: { ...action, sender },
      request: txRequest(
        liquidateCalldata(action.positionId, context.rewardReceiver ?? sender),
        action.gasUnits,
      ),
    });
  }
  const targetBlocks = Array.from({ length: context.targetBlocks }, (_, i) => context.nextBlock + BigInt(i));
  return {
    draft: {
      sender,
      txs,
      replacementUuid: replacementUuid(
        context.chainId,
        context.marginModule,
        txs
          .filter((tx) => tx.swap === undefined)
          .map((tx) => ({ positionId: tx.action.positionId, kind: tx.action.kind })),
      ),
      targetBlocks,
      minTimestampSec,
      maxTimestampSec,
    },
    dropped,
  };
}
