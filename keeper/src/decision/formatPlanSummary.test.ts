import { describe, expect, it } from 'vitest';
import { formatPlanSummary } from './formatPlanSummary.js';
import type { PlanSummary } from './types.js';

const eth = 10n ** 18n;

describe('formatPlanSummary', () => {
  const base: PlanSummary = {
    blockNumber: 101n,
    timestampSec: 1_700_000_012n,
    tracked: 40,
    excluded: 2,
    atRisk: 3,
    candidates: 2,
    actions: 1,
    completions: 1,
    freezes: 0,
    refreezes: 0,
    expectedProfitWei: 0n,
  };
  const profits: Array<[wei: bigint, text: string]> = [
    [0n, '0 ETH'],
    [1n, '0.000000000000000001 ETH'],
    [15n * 10n ** 17n, '1.5 ETH'],
    [12_300_000_000_000_000n, '0.0123 ETH'],
    [-(25n * 10n ** 16n), '-0.25 ETH'],
    [3n * eth, '3 ETH'],
  ];

  it.each(profits)('%s wei', (wei, text) => {
    expect(formatPlanSummary({ ...base, expectedProfitWei: wei })).toBe(
      `block 101 @1700000012: 40 tracked (2 excluded), 3 at risk, 2 candidates, 1 actions ` +
        `(1 complete, 0 freeze, 0 refreeze), expected profit ${text}`,
    );
  });
});
