import { decidePosition } from './decidePosition.js';
import type { Plan, PlanInput, PlannedAction, SkippedPosition } from './types.js';

const compareIds = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Completions first: they pay the reward, and a freeze not completed within its hour is lost to whoever
 * re-freezes it. Then the rest by profit, highest first. Position id breaks ties so the same input always
 * gives the same plan.
 */
function compareActions(a: PlannedAction, b: PlannedAction): number {
  const rank = (action: PlannedAction) => (action.kind === 'complete' ? 0 : 1);
  return (
    rank(a) - rank(b) ||
    compareIds(b.expectedProfitWei, a.expectedProfitWei) ||
    compareIds(a.positionId, b.positionId)
  );
}

/** The next block's plan: one decision per position, actions ranked, skips kept with their reasons. */
export function planBlock(input: PlanInput): Plan {
  const actions: PlannedAction[] = [];
  const skipped: SkippedPosition[] = [];
  for (const position of input.positions) {
    const decision = decidePosition(position, input);
    if (decision.kind === 'act') actions.push(decision.action);
    else skipped.push(decision.skipped);
  }
  return {
    blockNumber: input.nextBlock.number,
    timestampSec: input.nextBlock.timestampSec,
    actions: actions.sort(compareActions),
    skipped: skipped.sort((a, b) => compareIds(a.positionId, b.positionId)),
  };
}
