import type { ActionKind, Plan, PlanSummary, PositionPhase, SkipReason } from './types.js';

const closedPhases: ReadonlySet<PositionPhase> = new Set(['closed', 'done']);
const filterReasons: ReadonlySet<SkipReason> = new Set([
  'excluded-lender',
  'excluded-order',
  'below-reward-floor',
]);

/**
 * Counts for the dry run's line per block. A position is at risk when, at current prices, it is
 * liquidatable by the timestamp of the last of the next `atRiskWithinBlocks` blocks (1: the next block).
 */
export function summarizePlan(
  plan: Plan,
  horizon: { atRiskWithinBlocks: bigint; secondsPerBlock: bigint },
): PlanSummary {
  const horizonEndSec =
    horizon.atRiskWithinBlocks > 0n
      ? plan.timestampSec + (horizon.atRiskWithinBlocks - 1n) * horizon.secondsPerBlock
      : null;
  const atRisk = (liquidatableAtSec: bigint | null) =>
    horizonEndSec !== null && liquidatableAtSec !== null && liquidatableAtSec <= horizonEndSec;

  let tracked = plan.actions.length;
  let excluded = 0;
  let atRiskCount = plan.actions.filter((action) => atRisk(action.liquidatableAtSec)).length;
  let candidates = plan.actions.length;
  for (const skipped of plan.skipped) {
    if (closedPhases.has(skipped.phase)) continue;
    if (filterReasons.has(skipped.reason)) {
      excluded++;
      continue;
    }
    tracked++;
    if (atRisk(skipped.liquidatableAtSec)) atRiskCount++;
    if (skipped.candidate !== null) candidates++;
  }
  const count = (kind: ActionKind) => plan.actions.filter((action) => action.kind === kind).length;
  return {
    blockNumber: plan.blockNumber,
    timestampSec: plan.timestampSec,
    tracked,
    excluded,
    atRisk: atRiskCount,
    candidates,
    actions: plan.actions.length,
    completions: count('complete'),
    freezes: count('freeze'),
    refreezes: count('refreeze'),
    expectedProfitWei: plan.actions.reduce((sum, action) => sum + action.expectedProfitWei, 0n),
  };
}
