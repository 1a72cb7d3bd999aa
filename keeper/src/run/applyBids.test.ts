import { describe, expect, it } from 'vitest';
import type { Plan, PlannedAction } from '../decision/types.js';
import type { FeePolicy } from '../execution/actionFees.js';
import { makeAction } from '../execution/testActions.js';
import { applyBids } from './applyBids.js';

const GWEI = 10n ** 9n;
const policy: FeePolicy = {
  profitShareBps: 1000n,
  minPriorityFeePerGasWei: GWEI / 10n,
  maxGasPriceWei: 500n * GWEI,
  baseFeeMultiplier: 2n,
};
const plan = (actions: PlannedAction[]): Plan => ({
  blockNumber: 11n,
  timestampSec: 1n,
  actions,
  skipped: [],
});

describe('applyBids', () => {
  it('a completion is priced at the bid the executor makes: a tenth of its profit over its gas', () => {
    const gas = 200_000n;
    const base = 10n * GWEI;
    const forecastTip = GWEI;
    const cost = gas * (base + forecastTip);
    const reward = 10n ** 17n;
    const action = makeAction({
      kind: 'complete',
      gasUnits: gas,
      rewardValueWei: reward,
      expectedCostWei: cost,
      expectedProfitWei: reward - cost,
    });
    const priced = applyBids(
      plan([action]),
      { nextBaseFeePerGasWei: base, forecastPriorityFeePerGasWei: forecastTip, policy },
      0n,
    );
    const [out] = priced.actions;
    const bid = ((reward - cost) * 1000n) / 10_000n / gas;
    expect(out?.bidPriorityFeePerGasWei).toBe(bid);
    expect(out?.expectedCostWei).toBe(gas * (base + bid));
    expect(out?.expectedProfitWei).toBe(reward - gas * (base + bid));
    // Never above the operator's ceiling, whatever the profit.
    const rich = { ...action, expectedProfitWei: 10n ** 20n };
    const [capped] = applyBids(
      plan([rich]),
      { nextBaseFeePerGasWei: base, forecastPriorityFeePerGasWei: forecastTip, policy },
      0n,
    ).actions;
    expect(capped?.bidPriorityFeePerGasWei).toBe(policy.maxGasPriceWei - base);
  });

  it("a freeze also carries its completion's bid: the reward pays both halves; below the minimum it is skipped", () => {
    const gas = 100_000n;
    const completionGas = 200_000n;
    const base = 10n * GWEI;
    const tip = GWEI;
    const cost = (gas + completionGas) * (base + tip);
    const reward = 10n ** 16n;
    const action = makeAction({
      kind: 'freeze',
      gasUnits: gas,
      rewardValueWei: reward,
      expectedCostWei: cost,
      expectedProfitWei: reward - cost,
    });
    const fees = { nextBaseFeePerGasWei: base, forecastPriorityFeePerGasWei: tip, policy };
    const [out] = applyBids(plan([action]), fees, 0n).actions;
    const bid = ((reward - cost) * 1000n) / 10_000n / gas;
    const completionProfit = reward - completionGas * (base + tip);
    const expectedCost = cost + (bid - tip) * gas + (completionProfit * 1000n) / 10_000n;
    expect(out?.expectedCostWei).toBe(expectedCost);
    expect(out?.expectedProfitWei).toBe(reward - expectedCost);
    const tooHigh = applyBids(plan([action]), fees, reward - expectedCost + 1n);
    expect(tooHigh.actions).toEqual([]);
    expect(tooHigh.skipped.map((s) => s.reason)).toEqual(['unprofitable']);
  });
});
