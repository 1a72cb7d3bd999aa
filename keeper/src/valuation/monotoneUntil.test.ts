import { describe, expect, it } from 'vitest';
import { debtLine, debtOnLine, type DebtLine } from './DebtLine.js';
import { monotoneUntil } from './monotoneUntil.js';

function lcg(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

describe('monotoneUntil', () => {
  it.each([1, 2, 3, 4])('is sound on tiny words: debt never decreases on [from, U] (seed %i)', (seed) => {
    const random = lcg(seed);
    for (let i = 0; i < 3000; i++) {
      const bits = 3 + random(8);
      const words = 1 << bits;
      const line: DebtLine = {
        initialBalance: BigInt(random(words)),
        slope: BigInt(random(words)),
        divisor: BigInt(1 + random(random(2) ? 4 : words)),
        createdAtSec: BigInt(random(words)),
      };
      const from = BigInt(random(words));
      const until = monotoneUntil(line, from, bits);
      expect(until >= from).toBe(true);
      for (let t = from; t < until; t++) {
        if (debtOnLine(line, t + 1n, bits) < debtOnLine(line, t, bits)) {
          expect({ line, from, until, drop: t }).toBeNull();
        }
      }
    }
  });

  const t0 = 1_800_000_000n;
  const N = 1n << 256n;
  const table: [string, DebtLine, bigint, bigint][] = [
    ['zero interest: forever', debtLine('gen1', 10n ** 18n, 0n, t0), t0, N - 1n],
    [
      'ordinary terms: until the product wraps',
      debtLine('gen1', 10n ** 21n, 3000n, t0),
      t0,
      t0 + (N - 1n) / (3n * 10n ** 24n),
    ],
    ['before createdAt: until Δt restarts', debtLine('gen1', 10n ** 21n, 3000n, t0), t0 - 10n, t0 - 1n],
    [
      'ib near 2^256: until the sum wraps',
      debtLine('gen1', N - 10n, 1n, t0),
      t0,
      t0 + (10n * 25_920_000_000n + (N - 10n) - 1n) / (N - 10n) - 1n,
    ],
  ];
  it.each(table)('%s', (_label, line, from, expected) => {
    expect(monotoneUntil(line, from)).toBe(expected);
  });
});
