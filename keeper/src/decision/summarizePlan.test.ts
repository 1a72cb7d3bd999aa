import { describe, expect, it } from 'vitest';
import type { PositionState, PositionValuation } from '../model/types.js';
import { planBlock } from './planBlock.js';
import { summarizePlan } from './summarizePlan.js';
import {
  LENDER2,
  ME,
  NEXT_BLOCK,
  NEXT_SEC,
  T0,
  healthyUntil,
  liquidatableAt,
  makeContext,
  makeInput,
  makeOrder,
  makePosition,
  permissivePolicy,
  reverting,
  unvaluedYet,
} from './testFixtures.js';
import type { PlanSummary, PositionInput } from './types.js';

const eth = 10n ** 18n;
const entry = (
  positionId: bigint,
  valuation: PositionValuation,
  position: Partial<PositionState> = {},
  rewardValueWei = eth,
  lender = makeOrder().owner,
): PositionInput =>
  makeInput({
    position: makePosition({ positionId, ...position }),
    order: makeOrder({ owner: lender }),
    valuation,
    rewardValueWei,
  });

/** One of each: actions, an unprofitable candidate, healthy ones at several horizons, closed, excluded. */
const positions: PositionInput[] = [
  entry(1n, liquidatableAt()),
  entry(2n, liquidatableAt(), { frozenAtSec: T0, frozenBy: ME }),
  entry(3n, liquidatableAt(), {}, 0n),
  entry(4n, healthyUntil(NEXT_SEC + 12n)),
  entry(5n, healthyUntil(NEXT_SEC + 13n)),
  entry(6n, healthyUntil(null)),
  entry(7n, liquidatableAt(), { open: false }),
  entry(8n, liquidatableAt(), { open: false, frozenAtSec: T0, frozenBy: ME }),
  entry(9n, liquidatableAt(), {}, eth, LENDER2),
  entry(10n, reverting),
  entry(11n, unvaluedYet),
];
const plan = planBlock({
  ...makeContext({ policy: { ...permissivePolicy, minProfitWei: 0n, lenders: [makeOrder().owner] } }),
  positions,
});

describe('summarizePlan', () => {
  const horizons: Array<[blocks: bigint, atRisk: number]> = [
    [0n, 0],
    [1n, 3], // the three liquidatable at the next block
    [2n, 4], // + liquidatable 12 s later
    [3n, 5], // + 13 s later
    [1000n, 5], // never-liquidatable, unvalued, reverting, closed and excluded never count
  ];

  it.each(horizons)('within %s blocks: %i at risk', (blocks, atRisk) => {
    expect(summarizePlan(plan, { atRiskWithinBlocks: blocks, secondsPerBlock: 12n }).atRisk).toBe(atRisk);
  });

  it('counts tracked, excluded, candidates and actions', () => {
    const summary = summarizePlan(plan, { atRiskWithinBlocks: 1n, secondsPerBlock: 12n });
    const actionProfit = plan.actions.reduce((sum, action) => sum + action.expectedProfitWei, 0n);
    expect(summary).toEqual({
      blockNumber: NEXT_BLOCK,
      timestampSec: NEXT_SEC,
      tracked: 8,
      excluded: 1,
      atRisk: 3,
      candidates: 3,
      actions: 2,
      completions: 1,
      freezes: 1,
      refreezes: 0,
      expectedProfitWei: actionProfit,
    } satisfies PlanSummary);
    expect(actionProfit > 0n).toBe(true);
  });
});
