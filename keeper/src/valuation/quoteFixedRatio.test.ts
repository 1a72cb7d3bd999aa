import { describe, expect, it } from 'vitest';
import type { Address } from '../model/types.js';
import { FixedRatioModel } from './FixedRatioModel.js';
import { PoolIndex } from './PoolIndex.js';
import { fixedRatioKey, quoteFixedRatio, type FixedRatioProfile } from './quoteFixedRatio.js';

const N = 1n << 256n;
const A = '0x1000000000000000000000000000000000000001' as Address;
const B = '0x2000000000000000000000000000000000000002' as Address;
const C = '0x3000000000000000000000000000000000000003' as Address;

const profile: FixedRatioProfile = {
  kind: 'fixed-ratio',
  address: '0x00000000000000000000000000000000000000f1' as Address,
  factory: '0x00000000000000000000000000000000000000f2' as Address,
  ratios: new Map([
    [fixedRatioKey(A, B), { numerator: 3n, denominator: 2n }],
    [fixedRatioKey(A, C), { numerator: 0n, denominator: 1n }],
    [fixedRatioKey(C, A), { numerator: N - 1n, denominator: 1n }],
    [fixedRatioKey(C, B), { numerator: 5n, denominator: 0n }],
  ]),
};

describe('quoteFixedRatio', () => {
  const table: [string, Address, Address, bigint, bigint][] = [
    ['set ratio, floor', A, B, 7n, 10n],
    ['direction matters: the reverse is unset, 1:1', B, A, 7n, 7n],
    ['zero price', A, C, 10n ** 30n, 0n],
    ['product wraps: amount·(2^256 − 1) ≡ −amount', C, A, 3n, N - 3n],
    ['zero denominator counts as unset', C, B, 9n, 9n],
    ['same token is 1:1 and does not revert', A, A, 42n, 42n],
    ['amount·numerator wraps before the division', A, B, N - 1n, (((N - 1n) * 3n) % N) / 2n],
  ];
  it.each(table)('%s', (_label, buy, sell, amount, expected) => {
    expect(quoteFixedRatio(profile, buy, sell, amount)).toEqual({ ok: true, amount: expected });
    const model = new FixedRatioModel(profile);
    const pools = new PoolIndex();
    expect(model.amountOut(model.price(pools, buy, sell), amount)).toBe(expected);
    expect(model.quote(pools, buy, sell, amount)).toEqual({ ok: true, amount: expected });
  });

  it('keys are case-insensitive and directional', () => {
    expect(fixedRatioKey(A.toUpperCase() as Address, B)).toBe(fixedRatioKey(A, B));
    expect(fixedRatioKey(A, B)).not.toBe(fixedRatioKey(B, A));
  });

  it('samePrice treats unset and a zero denominator alike', () => {
    const model = new FixedRatioModel(profile);
    expect(
      model.samePrice(
        { revert: null, ratio: undefined },
        { revert: null, ratio: { numerator: 1n, denominator: 0n } },
      ),
    ).toBe(true);
    expect(
      model.samePrice(
        { revert: null, ratio: undefined },
        { revert: null, ratio: { numerator: 1n, denominator: 1n } },
      ),
    ).toBe(false);
    expect(
      model.samePrice(
        { revert: null, ratio: { numerator: 2n, denominator: 4n } },
        { revert: null, ratio: { numerator: 1n, denominator: 2n } },
      ),
    ).toBe(false);
  });
});
