import { describe, expect, it } from 'vitest';
import { actionFees, type FeePolicy } from './actionFees.js';
import { gwei } from './testActions.js';

const policy: FeePolicy = {
  profitShareBps: 1000n,
  minPriorityFeePerGasWei: 1n * gwei,
  maxGasPriceWei: 100n * gwei,
  baseFeeMultiplier: 2n,
};

describe('actionFees', () => {
  const cases: Array<
    [
      name: string,
      baseFee: bigint,
      profit: bigint,
      gas: bigint,
      over: Partial<FeePolicy>,
      fees: [bigint, bigint] | string,
    ]
  > = [
    // 10 % of 0.01 ETH over 100,000 gas = 10 gwei per gas
    ['share of the profit per gas', 10n * gwei, 10n ** 16n, 100_000n, {}, [30n * gwei, 10n * gwei]],
    ['a small profit bids the floor', 10n * gwei, 10n ** 12n, 100_000n, {}, [21n * gwei, 1n * gwei]],
    ['no profit bids the floor', 10n * gwei, 0n, 100_000n, {}, [21n * gwei, 1n * gwei]],
    [
      'a loss (always-liquidate threshold) bids the floor',
      10n * gwei,
      -(10n ** 16n),
      100_000n,
      {},
      [21n * gwei, 1n * gwei],
    ],
    // 10 % of 1 ETH / 100,000 = 1,000 gwei: squeezed to 100 − 10
    [
      'the priority fee is capped under the ceiling',
      10n * gwei,
      10n ** 18n,
      100_000n,
      {},
      [100n * gwei, 90n * gwei],
    ],
    ['the max fee stops at the ceiling', 40n * gwei, 10n ** 16n, 100_000n, {}, [90n * gwei, 10n * gwei]],
    [
      'a base fee at the ceiling minus the floor still sends',
      99n * gwei,
      10n ** 16n,
      100_000n,
      {},
      [100n * gwei, 1n * gwei],
    ],
    [
      'a base fee leaving no room for the floor sends nothing',
      99n * gwei + 1n,
      10n ** 16n,
      100_000n,
      {},
      'exceeds the max gas price',
    ],
    ['zero base fee (a devnet)', 0n, 10n ** 16n, 100_000n, {}, [10n * gwei, 10n * gwei]],
    ['multiplier 3', 10n * gwei, 10n ** 16n, 100_000n, { baseFeeMultiplier: 3n }, [40n * gwei, 10n * gwei]],
    [
      'share 0 bids the floor',
      10n * gwei,
      10n ** 16n,
      100_000n,
      { profitShareBps: 0n },
      [21n * gwei, 1n * gwei],
    ],
    ['share 50 %', 10n * gwei, 10n ** 16n, 100_000n, { profitShareBps: 5000n }, [70n * gwei, 50n * gwei]],
    ['rounds the bid down to whole wei', 0n, 10n, 3n, { minPriorityFeePerGasWei: 0n }, [0n, 0n]],
    ['floor 0 and a tiny bid', 0n, 3_000_000n, 1_000n, { minPriorityFeePerGasWei: 0n }, [300n, 300n]],
  ];
  it.each(cases)('%s', (_name, baseFee, profit, gas, over, expected) => {
    const fees = actionFees(
      { nextBaseFeePerGasWei: baseFee, expectedProfitWei: profit, gasUnits: gas },
      { ...policy, ...over },
    );
    if (typeof expected === 'string') {
      expect(fees.ok).toBe(false);
      if (!fees.ok) expect(fees.reason).toContain(expected);
    } else {
      expect(fees).toEqual({ ok: true, maxFeePerGasWei: expected[0], maxPriorityFeePerGasWei: expected[1] });
    }
  });

  it('never lets the priority fee exceed the max fee, nor the max fee the ceiling', () => {
    for (const baseFee of [0n, 1n, 5n * gwei, 50n * gwei, 99n * gwei])
      for (const profit of [-1n, 0n, 10n ** 10n, 10n ** 16n, 10n ** 20n]) {
        const fees = actionFees(
          { nextBaseFeePerGasWei: baseFee, expectedProfitWei: profit, gasUnits: 90_000n },
          policy,
        );
        expect(fees.ok).toBe(true);
        if (!fees.ok) continue;
        expect(fees.maxPriorityFeePerGasWei).toBeLessThanOrEqual(fees.maxFeePerGasWei);
        expect(fees.maxFeePerGasWei).toBeLessThanOrEqual(policy.maxGasPriceWei);
        expect(fees.maxFeePerGasWei).toBeGreaterThanOrEqual(baseFee + fees.maxPriorityFeePerGasWei);
        expect(fees.maxPriorityFeePerGasWei).toBeGreaterThanOrEqual(policy.minPriorityFeePerGasWei);
      }
  });

  it('refuses zero gas', () => {
    expect(() =>
      actionFees({ nextBaseFeePerGasWei: 0n, expectedProfitWei: 1n, gasUnits: 0n }, policy),
    ).toThrow(RangeError);
  });
});
