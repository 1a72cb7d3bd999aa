import { describe, expect, it } from 'vitest';
import { debtLine, type DebtLine } from './DebtLine.js';
import { liquidationTime } from './liquidationTime.js';
import { liquidationTimeBound } from './liquidationTimeBound.js';

function lcg(seed: bigint) {
  let state = seed;
  return (bits: number) => {
    let out = 0n;
    for (let i = 0; i < Math.ceil(bits / 64); i++) {
      state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      out = (out << 64n) | (state >> 3n);
    }
    return out & ((1n << BigInt(bits)) - 1n);
  };
}

const t0 = 1_800_000_000n;
const bound = (line: DebtLine, value: bigint, from: bigint) => {
  const at = liquidationTimeBound(line, Number(line.slope), value, from);
  if (at !== undefined) expect(Number.isSafeInteger(at)).toBe(true);
  return at === undefined ? undefined : BigInt(at);
};

describe('liquidationTimeBound', () => {
  it('never exceeds the exact time, and is within a second or two of it where nothing wraps', () => {
    const random = lcg(5n);
    const sizes = [20, 64, 90, 128, 160, 200, 230, 256];
    let applied = 0;
    let tight = 0;
    for (let i = 0; i < 3000; i++) {
      const line = debtLine(
        i % 2 ? 'gen1' : 'gen2',
        random(sizes[i % sizes.length]!),
        random(sizes[(i * 3 + 1) % sizes.length]!),
        t0 - random(26),
      );
      const value = line.initialBalance + random(sizes[(i * 5 + 2) % sizes.length]!);
      const from = t0 + random(16);
      const lower = bound(line, value, from);
      const exact = liquidationTime(line, value, from);
      if (lower === undefined) continue;
      applied++;
      expect(lower >= from).toBe(true);
      if (exact !== null) {
        expect(
          lower <= exact,
          `line ${JSON.stringify(line, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))}`,
        ).toBe(true);
        if (exact - lower <= 2n) tight++;
      }
    }
    expect(applied).toBeGreaterThan(2500);
    expect(tight).toBeGreaterThan(applied / 3);
  });

  const table: [string, DebtLine, bigint, bigint, bigint | undefined][] = [
    ['value below the principal: no bound', debtLine('gen1', 1000n, 3000n, t0), 999n, t0, undefined],
    ['zero slope: no bound', debtLine('gen1', 1000n, 0n, t0), 5000n, t0, undefined],
    ['start before createdAt: no bound', debtLine('gen1', 1000n, 3000n, t0), 5000n, t0 - 1n, undefined],
    [
      'equal value: the first accrual, less the margin',
      debtLine('gen1', 1000n, 3000n, t0),
      1000n,
      t0,
      t0 + 8639n,
    ],
    ['already past: the start', debtLine('gen1', 1000n, 3000n, t0 - 10n ** 6n), 1000n, t0, t0],
    [
      'a tiny slope: capped at 2^52 seconds after createdAt',
      debtLine('gen1', 10n ** 30n, 1n, t0),
      10n ** 60n,
      t0,
      t0 + 2n ** 52n,
    ],
    ['a start beyond 2^52: no bound', debtLine('gen1', 1000n, 3000n, 2n ** 52n), 5000n, 2n ** 52n, undefined],
  ];
  it.each(table)('%s', (_label, line, value, from, expected) => {
    expect(bound(line, value, from)).toBe(expected);
    const exact = liquidationTime(line, value, from);
    if (expected !== undefined && exact !== null) expect(expected <= exact).toBe(true);
  });
});
