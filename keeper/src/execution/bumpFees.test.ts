import { describe, expect, it } from 'vitest';
import { bumpFees } from './bumpFees.js';
import { gwei } from './testActions.js';

describe('bumpFees', () => {
  it.each([
    ['12.5 %', 20n * gwei, 2n * gwei, 1250n, 100n * gwei, [22_500_000_000n, 2_250_000_000n]],
    ['rounds up', 10n, 3n, 1000n, 100n, [11n, 4n]],
    ['at least 1 wei', 1n, 0n, 1000n, 100n, [2n, 1n]],
    [
      'exactly at the ceiling',
      20n * gwei,
      2n * gwei,
      1250n,
      22_500_000_000n,
      [22_500_000_000n, 2_250_000_000n],
    ],
  ] as const)('%s', (_name, maxFee, priority, bps, ceiling, expected) => {
    expect(bumpFees({ maxFeePerGas: maxFee, maxPriorityFeePerGas: priority }, bps, ceiling)).toEqual({
      maxFeePerGas: expected[0],
      maxPriorityFeePerGas: expected[1],
    });
  });

  it('gives no replacement above the ceiling', () => {
    expect(
      bumpFees({ maxFeePerGas: 20n * gwei, maxPriorityFeePerGas: 2n * gwei }, 1250n, 22n * gwei),
    ).toBeNull();
  });

  it('gives no replacement whose priority fee would pass its max fee', () => {
    expect(bumpFees({ maxFeePerGas: 2n, maxPriorityFeePerGas: 2n }, 1000n, 100n)).toEqual({
      maxFeePerGas: 3n,
      maxPriorityFeePerGas: 3n,
    });
    expect(bumpFees({ maxFeePerGas: 10n, maxPriorityFeePerGas: 10n }, 5000n, 14n)).toBeNull();
  });
});
