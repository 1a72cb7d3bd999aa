import { describe, expect, it } from 'vitest';
import { readDebtVectors } from '../../../test/support/goldenVectors.js';
import { debtLine, debtOnLine, type DebtLine } from './DebtLine.js';
import { liquidationTime, liquidationTimeWrapping } from './liquidationTime.js';

const N = 1n << 256n;

/** The definition itself: scan every second from `from` (only usable where the answer is near or the word tiny). */
function scan(line: DebtLine, value: bigint, from: bigint, until: bigint, bits = 256): bigint | null {
  for (let t = from; t <= until; t++) if (debtOnLine(line, t, bits) > value) return t;
  return null;
}

function lcg(seed: bigint) {
  let state = seed;
  return (bits: number) => {
    let out = 0n;
    for (let i = 0; i < Math.ceil(bits / 64); i++) {
      state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      out = (out << 64n) | (state >> 8n);
    }
    return out & ((1n << BigInt(bits)) - 1n);
  };
}

describe('liquidationTime equals an exhaustive scan on tiny words (every wrap reachable)', () => {
  // With 2^bits seconds in total, scanning from `from` to the last timestamp is the definition, wraps included.
  const random = lcg(7n);
  const cases = Array.from({ length: 600 }, (_, i) => {
    const bits = 3 + (i % 8);
    const divisor = i % 3 === 0 ? 1n + random(2) : 1n + random(bits + 1);
    const line: DebtLine = {
      initialBalance: random(bits),
      slope: i % 17 === 0 ? 0n : random(bits),
      divisor,
      createdAtSec: random(bits),
    };
    return [i, bits, line, random(bits), random(bits)] as const;
  });

  it.each(cases)('case %i (%i-bit words)', (_i, bits, line, value, from) => {
    const expected = scan(line, value, from, (1n << BigInt(bits)) - 1n, bits);
    expect(liquidationTime(line, value, from, bits)).toBe(expected);
    expect(liquidationTimeWrapping(line, value, from, bits)).toBe(expected);
  });

  it('covers every (ib, slope, value) on 4-bit words with divisor 2, for every start', () => {
    let mismatches = 0;
    for (let ib = 0n; ib < 16n; ib++)
      for (let slope = 0n; slope < 16n; slope++)
        for (let value = 0n; value < 16n; value++)
          for (let from = 0n; from < 16n; from += 5n) {
            const line = { initialBalance: ib, slope, divisor: 2n, createdAtSec: 3n };
            if (liquidationTime(line, value, from, 4) !== scan(line, value, from, 15n, 4)) mismatches++;
          }
    expect(mismatches).toBe(0);
  });
});

describe('liquidationTime on 256-bit words', () => {
  const E18 = 10n ** 18n;
  const t0 = 1_800_000_000n;
  const table: [string, DebtLine, bigint, bigint, bigint | null][] = [
    ['zero interest, healthy: never', debtLine('gen1', 1000n, 0n, t0), 1000n, t0, null],
    ['zero interest, already underwater: now', debtLine('gen1', 1000n, 0n, t0), 999n, t0 + 5n, t0 + 5n],
    [
      'equal is not liquidatable, one accrual later is',
      debtLine('gen1', 1000n, 3000n, t0),
      1000n,
      t0,
      t0 + 8640n,
    ],
    ['value at uint256 max: never', debtLine('gen1', E18, 3000n, t0), N - 1n, t0, null],
    // 1e21·3000 per second over 2592e7: debt 1000e18 + floor(3e24·Δ / 2.592e10); at Δ = 864000 debt equals the value exactly (safe), so 864001.
    [
      'closed form, 10 % of the loan',
      debtLine('gen1', 1000n * E18, 3000n, t0),
      1100n * E18,
      t0,
      t0 + 864_001n,
    ],
    ['gen 2 rounds the rate first', debtLine('gen2', 999n, 1n, t0), 999n, t0, null],
    ['gen 2 closed form', debtLine('gen2', 10n ** 6n, 10_000n, t0), 2n * 10n ** 6n, t0, t0 + 2_592_003n],
    ['start before createdAt (Δt wraps to huge)', debtLine('gen1', 10n, 1n, t0), 10n, t0 - 1n, t0 - 1n],
  ];

  it.each(table)('%s', (_label, line, value, from, expected) => {
    const at = liquidationTime(line, value, from);
    expect(at).toBe(expected);
    expect(liquidationTimeWrapping(line, value, from)).toBe(expected);
    if (at !== null) {
      expect(debtOnLine(line, at) > value).toBe(true);
      if (at > from) expect(debtOnLine(line, at - 1n) <= value).toBe(true);
    }
  });

  it('the answer is the first second: debt at every earlier second is at most the value', () => {
    const line = debtLine('gen1', 1000n * E18, 3000n, t0);
    const at = liquidationTime(line, 1000n * E18 + 123_456_789n, t0)!;
    expect(at - t0).toBeLessThan(10_000n);
    expect(scan(line, 1000n * E18 + 123_456_789n, t0, at)).toBe(at);
  });

  // Golden positions whose ib·r is ~2^260: the product wraps every second, so debt is a pseudo-random walk.
  const golden = readDebtVectors().cases.filter((c) => BigInt(c.initialBalance) * BigInt(c.interest) >= N);
  const hugeLines = [...new Map(golden.map((c) => [c.positionId, c])).values()].map((c) =>
    debtLine('gen1', BigInt(c.initialBalance), BigInt(c.interest), BigInt(c.createdAt)),
  );

  it('golden wrap positions exist', () => {
    expect(hugeLines.length).toBeGreaterThan(0);
  });

  // Values from below ib (liquidatable at once) up to the top of the reachable debts (1 second in ~10^4).
  const wrapCases = hugeLines.flatMap((line, i) => {
    const maxInterest = (N - 1n) / line.divisor;
    const values = [0n, line.initialBalance - 1n, line.initialBalance + maxInterest / 2n];
    for (const share of [100n, 1000n, 10_000n])
      values.push(line.initialBalance + maxInterest - maxInterest / share);
    values.push(line.initialBalance + maxInterest);
    return values.map((value) => [i, value, line] as const);
  });

  it.each(wrapCases)('golden wrap position %i, value %s: exact against a scan', (_i, value, line) => {
    const from = line.createdAtSec + 1n;
    const at = liquidationTime(line, value, from);
    expect(at).toBe(liquidationTimeWrapping(line, value, from));
    const horizon = at === null ? from + 200_000n : at;
    expect(scan(line, value, from, horizon)).toBe(at);
  });

  it('finds a second beyond a million where debt wraps once per second', () => {
    // Only interest values near the top qualify: expect roughly 2^22 seconds, far beyond a monotone search.
    const line = hugeLines[0]!;
    const maxInterest = (N - 1n) / line.divisor;
    const value = line.initialBalance + maxInterest - maxInterest / 2n ** 22n;
    const from = line.createdAtSec;
    const at = liquidationTime(line, value, from)!;
    expect(at).not.toBeNull();
    expect(debtOnLine(line, at) > value).toBe(true);
    expect(at - from).toBeGreaterThan(1000n);
  });

  it('agrees with the general search on random 256-bit lines, wrapping or not', () => {
    const random = lcg(99n);
    const sizes = [16, 64, 100, 128, 180, 230, 256];
    let checked = 0;
    for (let i = 0; i < 300; i++) {
      const line = debtLine(
        i % 2 ? 'gen1' : 'gen2',
        random(sizes[i % sizes.length]!),
        random(sizes[(i * 5 + 2) % sizes.length]!),
        t0 - random(24),
      );
      const value = random(sizes[(i * 3 + 1) % sizes.length]!);
      const from = t0 + random(20);
      const at = liquidationTime(line, value, from);
      expect(at).toBe(liquidationTimeWrapping(line, value, from));
      if (at !== null) {
        expect(debtOnLine(line, at) > value).toBe(true);
        if (at > from) expect(debtOnLine(line, at - 1n) <= value).toBe(true);
      }
      checked++;
    }
    expect(checked).toBe(300);
  });
});
