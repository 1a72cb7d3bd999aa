import type { Plan, PlannedAction, SkippedPosition } from '../decision/types.js';
import { actionFees, type FeePolicy } from '../execution/actionFees.js';

const BPS = 10_000n;

/**
 * One fee policy for the decision and the executor. The decision prices each call at the forecast priority
 * fee; the executor bids a share of the call's profit (`actionFees`). This re-prices every planned call at that
 * bid, fixes the bid on the action (the executor sends exactly it, so a re-priced profit does not move the bid
 * again), and counts, for a freeze, the bid its completion will make as part of its cost: a freeze earns
 * nothing itself, it is the first half of a liquidation whose reward must pay for both halves and both bids
 * (the completion's bid counted at its upper bound, the profit share of the completion's own profit).
 * A call whose profit no longer clears `minProfitWei` is skipped as unprofitable, unless the operator asked for
 * it above a reward threshold.
 */
export function applyBids(
  plan: Plan,
  fees: { nextBaseFeePerGasWei: bigint; forecastPriorityFeePerGasWei: bigint; policy: FeePolicy },
  minProfitWei: bigint,
): Plan {
  const actions: PlannedAction[] = [];
  const skipped: SkippedPosition[] = [];
  for (const action of plan.actions) {
    const bid = actionFees(
      {
        nextBaseFeePerGasWei: fees.nextBaseFeePerGasWei,
        expectedProfitWei: action.expectedProfitWei,
        gasUnits: action.gasUnits,
      },
      fees.policy,
    );
    // No bid possible (base fee above the ceiling): the executor drops it and says why.
    if (!bid.ok) {
      actions.push(action);
      continue;
    }
    const priority = bid.maxPriorityFeePerGasWei;
    const tipDelta = (priority - fees.forecastPriorityFeePerGasWei) * action.gasUnits;
    let followUpBid = 0n;
    if (action.kind !== 'complete') {
      const ownCost = action.gasUnits * (fees.nextBaseFeePerGasWei + fees.forecastPriorityFeePerGasWei);
      const completionProfit = (action.rewardValueWei ?? 0n) - (action.expectedCostWei - ownCost);
      followUpBid = completionProfit > 0n ? (completionProfit * fees.policy.profitShareBps) / BPS : 0n;
    }
    const costWei = action.expectedCostWei + tipDelta + followUpBid;
    const profitWei = action.expectedProfitWei - tipDelta - followUpBid;
    const priced: PlannedAction = {
      ...action,
      expectedCostWei: costWei,
      expectedProfitWei: profitWei,
      bidPriorityFeePerGasWei: priority,
      detail:
        (action.kind === 'complete' ? '' : 'the first half of a liquidation, earning nothing itself; ') +
        `at our bid of ${priority} wei/gas${followUpBid > 0n ? ` and its completion's (≤ ${followUpBid} wei)` : ''}: ` +
        `cost ${costWei} wei, profit ${profitWei} wei; ${action.detail}`,
    };
    if (profitWei < minProfitWei && action.reason === 'profitable') {
      skipped.push({
        positionId: action.positionId,
        orderId: action.orderId,
        phase: action.phase,
        reason: 'unprofitable',
        candidate: action.kind,
        liquidatableAtSec: action.liquidatableAtSec,
        detail: `profit at our bid ${profitWei} wei < min ${minProfitWei} wei; ${action.detail}`,
      });
      continue;
    }
    actions.push(priced);
  }
  if (skipped.length === 0) return { ...plan, actions };
  const all = [...plan.skipped, ...skipped].sort((a, b) =>
    a.positionId < b.positionId ? -1 : a.positionId > b.positionId ? 1 : 0,
  );
  return { ...plan, actions, skipped: all };
}
