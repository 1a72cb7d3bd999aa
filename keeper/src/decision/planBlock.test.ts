import { describe, expect, it } from 'vitest';
import type { PositionState, PositionValuation } from '../model/types.js';
import { planBlock } from './planBlock.js';
import {
  BASE,
  ME,
  NEXT_BLOCK,
  NEXT_SEC,
  OTHER,
  T0,
  healthyUntil,
  liquidatableAt,
  makeContext,
  makeInput,
  makeOrder,
  makePosition,
  permissivePolicy,
  unvaluedYet,
} from './testFixtures.js';
import type { PlanInput, PositionInput } from './types.js';

const entry = (
  positionId: bigint,
  rewardValueWei: bigint,
  position: Partial<PositionState> = {},
  valuation: PositionValuation = liquidatableAt(),
): PositionInput =>
  makeInput({
    position: makePosition({ positionId, ...position }),
    order: makeOrder(),
    valuation,
    rewardValueWei,
  });

const ourFreeze = { frozenAtSec: T0, frozenBy: ME };
const expired = { frozenAtSec: NEXT_SEC - 4000n, frozenBy: OTHER };
const eth = 10n ** 18n;

/** Profit must be positive here, so a worthless reward is skipped. */
const input = (positions: PositionInput[]): PlanInput => ({
  ...makeContext({ policy: { ...permissivePolicy, minProfitWei: 0n } }),
  positions,
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('planBlock', () => {
  it('targets the next block', () => {
    expect(planBlock(input([]))).toEqual({
      blockNumber: NEXT_BLOCK,
      timestampSec: NEXT_SEC,
      actions: [],
      skipped: [],
    });
  });

  it('puts completions first, even when a freeze pays more', () => {
    const plan = planBlock(input([entry(1n, 5n * eth), entry(2n, eth / 100n, ourFreeze)]));
    expect(plan.actions.map((a) => [a.positionId, a.kind])).toEqual([
      [2n, 'complete'],
      [1n, 'freeze'],
    ]);
  });

  it('ranks freezes and re-freezes together by expected profit', () => {
    const plan = planBlock(
      input([
        entry(1n, 1n * eth),
        entry(2n, 3n * eth, expired),
        entry(3n, 2n * eth),
        entry(4n, eth / 2n, expired),
      ]),
    );
    expect(plan.actions.map((a) => [a.positionId, a.kind])).toEqual([
      [2n, 'refreeze'],
      [3n, 'freeze'],
      [1n, 'freeze'],
      [4n, 'refreeze'],
    ]);
  });

  it('ranks completions by expected profit too', () => {
    const plan = planBlock(input([entry(1n, eth, ourFreeze), entry(2n, 2n * eth, ourFreeze)]));
    expect(plan.actions.map((a) => a.positionId)).toEqual([2n, 1n]);
  });

  it('breaks profit ties by position id, beyond 2^53 too', () => {
    const big = 2n ** 64n;
    const plan = planBlock(
      input([
        entry(big + 1n, eth),
        entry(big, eth),
        entry(9n, eth),
        entry(big + 2n, eth, ourFreeze),
        entry(10n, eth, ourFreeze),
      ]),
    );
    expect(plan.actions.map((a) => a.positionId)).toEqual([10n, big + 2n, 9n, big, big + 1n]);
  });

  it('gives the same plan whatever the input order', () => {
    const positions = [
      entry(5n, eth),
      entry(3n, eth, ourFreeze),
      entry(8n, 2n * eth, expired),
      entry(1n, 0n),
      entry(4n, eth, {}, healthyUntil(null)),
    ];
    const expected = planBlock(input(positions));
    expect(expected.actions.map((a) => a.positionId)).toEqual([3n, 8n, 5n]);
    expect(expected.skipped.map((s) => s.positionId)).toEqual([1n, 4n]);
    for (const order of permutations(positions)) {
      expect(planBlock(input(order))).toEqual(expected);
    }
  });

  it('accounts for every position exactly once', () => {
    const positions = [
      entry(1n, eth),
      entry(2n, eth, ourFreeze),
      entry(3n, eth, {}, healthyUntil(null)),
      entry(4n, eth, { open: false }),
      entry(5n, eth, {}, unvaluedYet),
    ];
    const plan = planBlock(input(positions));
    const ids = [...plan.actions.map((a) => a.positionId), ...plan.skipped.map((s) => s.positionId)];
    expect(ids.sort((a, b) => (a < b ? -1 : 1))).toEqual([1n, 2n, 3n, 4n, 5n]);
    expect(plan.skipped.map((s) => [s.positionId, s.reason])).toEqual([
      [3n, 'healthy'],
      [4n, 'closed'],
      [5n, 'unvalued'],
    ]);
  });

  it('never acts on an unvalued position, whatever its freeze', () => {
    const situations: Array<Partial<PositionState>> = [
      {},
      ourFreeze,
      expired,
      { frozenAtSec: T0, frozenBy: OTHER, assets: [BASE], balances: [1n] },
    ];
    const plan = planBlock(
      input(situations.map((position, i) => entry(BigInt(i), 100n * eth, position, unvaluedYet))),
    );
    expect(plan.actions).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['unvalued', 'unvalued', 'unvalued', 'unvalued']);
  });

  it('keeps skips in position-id order with their reasons', () => {
    const plan = planBlock(
      input([
        entry(9n, 0n),
        entry(2n, eth, {}, healthyUntil(NEXT_SEC + 60n)),
        entry(5n, eth, { open: false }),
      ]),
    );
    expect(plan.skipped.map((s) => [s.positionId, s.reason, s.candidate])).toEqual([
      [2n, 'healthy', null],
      [5n, 'closed', null],
      [9n, 'unprofitable', 'freeze'],
    ]);
  });
});
