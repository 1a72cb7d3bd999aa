import { describe, expect, it } from 'vitest';
import { MAX_OWN_FREEZES, decidePosition } from './decidePosition.js';
import { ME, OTHER, T0, gwei, liquidatableAt, makeContext, makeInput, makePosition } from './testFixtures.js';
import type { DecisionPolicy } from './types.js';

/** Profit at least 0: what a real keeper runs with. */
const policy: DecisionPolicy = {
  minProfitWei: 0n,
  alwaysLiquidateAboveRewardWei: null,
  lenders: [],
  orderIds: [],
  rewardFloorWei: 0n,
};
const context = makeContext({ policy });
const reward = 10n ** 16n;
const expiredOurs = makePosition({ frozenAtSec: T0 - 3600n, frozenBy: ME });

describe('decidePosition: money already spent on a position', () => {
  it('counts gas already spent against the reward of a further freeze', () => {
    const fresh = decidePosition(makeInput({ rewardValueWei: reward }), context);
    expect(fresh.kind).toBe('act');
    const cost = fresh.kind === 'act' ? fresh.action.expectedCostWei : 0n;
    const almostAll = decidePosition(
      makeInput({ rewardValueWei: reward, spent: { gasSpentWei: reward - cost, freezesLanded: 0 } }),
      context,
    );
    expect(almostAll.kind).toBe('act');
    if (almostAll.kind === 'act') expect(almostAll.action.expectedProfitWei).toBe(0n);
    const over = decidePosition(
      makeInput({ rewardValueWei: reward, spent: { gasSpentWei: reward - cost + 1n, freezesLanded: 0 } }),
      context,
    );
    expect(over.kind).toBe('skip');
    if (over.kind === 'skip') {
      expect(over.skipped.reason).toBe('unprofitable');
      expect(over.skipped.detail).toMatch(/already spent/);
    }
  });

  it('does not count the freeze against its own completion (sunk; the completion is what pays)', () => {
    const completable = makeInput({
      position: makePosition({ frozenAtSec: T0, frozenBy: ME }),
      rewardValueWei: reward,
      spent: { gasSpentWei: reward, freezesLanded: 1 },
    });
    const decision = decidePosition(completable, context);
    expect(decision.kind).toBe('act');
    if (decision.kind === 'act') expect(decision.action.kind).toBe('complete');
  });

  it(`re-freezes an expired freeze of ours at most until ${MAX_OWN_FREEZES} of ours have landed`, () => {
    const once = decidePosition(
      makeInput({ position: expiredOurs, spent: { gasSpentWei: 100n * gwei, freezesLanded: 1 } }),
      context,
    );
    expect(once.kind).toBe('act');
    if (once.kind === 'act') expect(once.action.kind).toBe('refreeze');
    const again = decidePosition(
      makeInput({
        position: expiredOurs,
        spent: { gasSpentWei: 100n * gwei, freezesLanded: MAX_OWN_FREEZES },
      }),
      context,
    );
    expect(again.kind).toBe('skip');
    if (again.kind === 'skip') expect(again.skipped.reason).toBe('completion-failed-in-window');
  });

  it("still freezes over someone else's expired freeze", () => {
    const decision = decidePosition(
      makeInput({
        position: makePosition({ frozenAtSec: T0 - 3600n, frozenBy: OTHER }),
        valuation: liquidatableAt(),
        spent: { gasSpentWei: 0n, freezesLanded: MAX_OWN_FREEZES },
      }),
      context,
    );
    expect(decision.kind).toBe('act');
  });

  it.each([
    ['a large reward: bounded by the freeze count', 10n ** 18n, MAX_OWN_FREEZES],
    ['a small reward: bounded by the spend', 10n ** 16n, 1],
  ])(
    'seed scenario, %s: a completion that always fails cannot make us pay for freeze after freeze',
    (_, reward, expected) => {
      // Each block: our freeze expires, we are asked again; the ledger grows as freezes land.
      let spent = { gasSpentWei: 0n, freezesLanded: 0 };
      let paidFreezes = 0;
      for (let block = 0; block < 127; block++) {
        const position = spent.freezesLanded === 0 ? makePosition() : expiredOurs;
        const decision = decidePosition(makeInput({ position, rewardValueWei: reward, spent }), context);
        if (decision.kind !== 'act') continue;
        paidFreezes += 1;
        spent = {
          gasSpentWei: spent.gasSpentWei + decision.action.expectedCostWei,
          freezesLanded: spent.freezesLanded + 1,
        };
      }
      expect(paidFreezes).toBe(expected);
      expect(spent.gasSpentWei).toBeLessThan(reward);
    },
  );
});
