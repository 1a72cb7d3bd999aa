import { describe, expect, it } from 'vitest';
import { firstResidueInRange } from './firstResidueInRange.js';

function bruteForce(a: number, m: number, lo: number, hi: number): bigint | null {
  // a·x mod m has period m, so the least x, if any, is below m.
  for (let x = 0; x < m; x++) {
    const r = (a * x) % m;
    if (r >= lo && r <= hi) return BigInt(x);
  }
  return null;
}

describe('firstResidueInRange', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 17, 24, 30, 32])(
    'matches brute force for every a, lo ≤ hi with m = %i',
    (m) => {
      let checked = 0;
      for (let a = 0; a < 2 * m; a++) {
        for (let lo = 0; lo < m; lo++) {
          for (let hi = lo; hi < m; hi++) {
            const got = firstResidueInRange(BigInt(a), BigInt(m), BigInt(lo), BigInt(hi));
            if (got !== bruteForce(a % m, m, lo, hi)) {
              expect({ a, m, lo, hi, got }).toEqual({ a, m, lo, hi, got: bruteForce(a % m, m, lo, hi) });
            }
            checked++;
          }
        }
      }
      expect(checked).toBe(m * m * (m + 1));
    },
  );

  const N = 1n << 256n;
  const large: [string, bigint, bigint, bigint, bigint, bigint | null][] = [
    ['lo = 0 is x = 0', 12345n, N, 0n, 5n, 0n],
    ['no wrap needed', 1000n, N, 5000n, 5000n, 5n],
    ['a = 0 never leaves 0', 0n, N, 1n, N - 1n, null],
    ['a = 2^255 reaches only 0 and 2^255', 1n << 255n, N, 1n, (1n << 255n) - 1n, null],
    ['a = 2^255 hits 2^255 at x = 1', 1n << 255n, N, 1n << 255n, 1n << 255n, 1n],
    ['a = 2^256 − 1 counts down from the top', N - 1n, N, 5n, 5n, N - 5n],
    ['a = 2^256 − 1, top interval', N - 1n, N, N - 3n, N - 1n, 1n],
    ['odd a reaches every residue', 3n, N, 1n, 1n, (2n * N + 1n) / 3n],
    ['even a misses odd residues', 6n, N, 1n, 1n, null],
  ];
  it.each(large)('%s', (_label, a, m, lo, hi, expected) => {
    const x = firstResidueInRange(a, m, lo, hi);
    expect(x).toBe(expected);
    if (x !== null) {
      const r = (a * x) % m;
      expect(r >= lo && r <= hi).toBe(true);
    }
  });
});
