import { describe, expect, it } from 'vitest';
import { readDebtVectors } from '../../../test/support/goldenVectors.js';
import { debtLine, debtOnLine } from './DebtLine.js';
import { debtGen1 } from './debtGen1.js';
import { debtGen2 } from './debtGen2.js';

const vectors = readDebtVectors();
const N = 1n << 256n;

describe('debtGen1 equals the real contract on every golden case', () => {
  it('reads the whole public set', () => {
    expect(vectors.cases.length).toBe(vectors.meta.count);
  });

  it.each(vectors.cases.map((c) => [c.id, c.initialBalance, c.interest, c.elapsed, c] as const))(
    'case %i: ib=%s r=%s dt=%i',
    (_id, _ib, _r, _dt, c) => {
      const [ib, r, createdAt, t] = [
        BigInt(c.initialBalance),
        BigInt(c.interest),
        BigInt(c.createdAt),
        BigInt(c.timestamp),
      ];
      expect(debtGen1(ib, r, createdAt, t).toString()).toBe(c.expected);
      expect(debtOnLine(debtLine('gen1', ib, r, createdAt), t).toString()).toBe(c.expected);
    },
  );
});

// Expectations computed independently (arbitrary-precision Python, formulas of the spec) and kept as literals.
const handCases: [string, bigint, bigint, bigint, bigint, bigint, bigint][] = [
  ['one period at 30 %', 1000n, 3000n, 0n, 2592000n, 1300n, 1300n],
  ['one day at 30 %', 10n ** 18n, 3000n, 100n, 86500n, 1010000000000000000n, 1010000000000000000n],
  ['rate 1 rounds differently per generation', 999n, 1n, 0n, 25920000000n, 1998n, 999n],
  ['product ib·r wraps to a value below ib', 2n ** 255n, 2n, 0n, 1n, 2n ** 255n, 2n ** 255n],
  [
    'sum ib + interest wraps',
    N - 1n,
    10000n,
    0n,
    2592000n,
    4467287393414976675292090471014193975820601260248478550904999383019n,
    8934574786829953350584180942028387951641202520496957101809998766042676n,
  ],
  [
    'both wraps',
    N - 5n,
    10n ** 30n,
    0n,
    10n ** 9n,
    4467287393414976675292090471014193975627700025680577316337098148448n,
    44672873934149766752920904710141939758205819701250217607815425928978442n,
  ],
  ['ib·r ≡ 0 mod 2^256', 2n ** 200n, 2n ** 60n, 7n, 1007n, 2n ** 200n, 2n ** 200n],
  [
    'T before createdAt: Δt wraps to 2^256 − 1',
    12345n,
    10n ** 60n,
    10n,
    9n,
    4467287393414500402143942322866045827672453112100330402756851247218n,
    44672873934149766276647756561993791610057864454336637360901845682077595n,
  ],
  ['Δt = 0', 1n, 1n, 5n, 5n, 1n, 1n],
  ['Δt = 2^64', 3n, 7n, 10n, 2n ** 64n, 14945278766n, 3n],
];

describe('debt by hand-checked cases, both generations', () => {
  it.each(handCases)('%s', (_label, ib, r, createdAt, t, gen1, gen2) => {
    expect(debtGen1(ib, r, createdAt, t)).toBe(gen1);
    expect(debtGen2(ib, r, createdAt, t)).toBe(gen2);
    expect(debtOnLine(debtLine('gen1', ib, r, createdAt), t)).toBe(gen1);
    expect(debtOnLine(debtLine('gen2', ib, r, createdAt), t)).toBe(gen2);
  });
});

describe('DebtLine reproduces the literal formulas', () => {
  // Deterministic pseudo-random 256-bit values with many wraps: lines fold two floors into one and must agree.
  let state = 0x1234_5678_9abc_def0n;
  const next = (bits: number) => {
    let out = 0n;
    for (let i = 0; i < Math.ceil(bits / 64); i++) {
      state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      out = (out << 64n) | state;
    }
    return out & ((1n << BigInt(bits)) - 1n);
  };
  const sizes = [8, 32, 64, 100, 128, 160, 200, 256];
  const cases = Array.from({ length: 400 }, (_, i) => {
    const ib = next(sizes[i % sizes.length]!);
    const r = next(sizes[(i * 3 + 1) % sizes.length]!);
    const createdAt = next(40);
    const t = i % 5 === 0 ? next(256) : createdAt + next(i % 2 ? 40 : 20);
    return [i, ib, r, createdAt, t] as const;
  });

  it.each(cases)('random case %i', (_i, ib, r, createdAt, t) => {
    expect(debtOnLine(debtLine('gen1', ib, r, createdAt), t)).toBe(debtGen1(ib, r, createdAt, t));
    expect(debtOnLine(debtLine('gen2', ib, r, createdAt), t)).toBe(debtGen2(ib, r, createdAt, t));
  });
});
