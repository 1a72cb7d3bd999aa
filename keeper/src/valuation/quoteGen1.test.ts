import { describe, expect, it } from 'vitest';
import {
  readOracleVectors,
  type OracleCase,
  type OracleVectors,
} from '../../../test/support/goldenVectors.js';
import type { Address, PoolState } from '../model/types.js';
import { findPoolWithHighestLiquidity } from './findPoolWithHighestLiquidity.js';
import { Gen1SpotModel } from './Gen1SpotModel.js';
import { PoolIndex } from './PoolIndex.js';
import { quoteGen1, type Gen1Profile } from './quoteGen1.js';
import type { QuoteResult } from './QuoteResult.js';

const vectors = readOracleVectors();
const Q96 = 1n << 96n;
const N = 1n << 256n;

const lower = (a: string) => a.toLowerCase() as Address;
/** A stand-in ERC-223 twin: the vectors price ERC-20 addresses only, so twins just need to be distinct. */
const twinOf = (a: string) => `0xee${a.slice(4).toLowerCase()}` as Address;

function poolState(
  tokens: [string, string],
  fee: number,
  address: string,
  sqrt: bigint,
  liquidity: bigint,
): PoolState {
  const [t0, t1] = [lower(tokens[0]), lower(tokens[1])].sort() as [Address, Address];
  return {
    address: lower(address),
    fee,
    token0: t0,
    token1: t1,
    token0Erc223: twinOf(t0),
    token1Erc223: twinOf(t1),
    initialized: true,
    sqrtPriceX96: sqrt,
    tick: 0,
    liquidity,
  };
}

/** Every pool the golden run had: the chosen pools of the cases, and the tie-break pools of the meta. */
function vectorPools(v: OracleVectors): PoolIndex {
  const pools = new Map<string, PoolState>();
  const pairPrice = new Map<string, bigint>();
  const pairKey = (a: string, b: string) => [lower(a), lower(b)].sort().join('/');
  const add = (pool: PoolState) => {
    const key = `${pool.token0}/${pool.token1}/${pool.fee}`;
    const known = pools.get(key);
    if (known && known.address !== pool.address) throw new Error(`two pools for ${key}`);
    pools.set(key, pool);
  };
  for (const c of v.cases) {
    if (c.pool === null || c.fee === null || c.sqrtPriceX96 === null || c.liquidity === null) continue;
    pairPrice.set(pairKey(c.sell, c.buy), BigInt(c.sqrtPriceX96));
    add(poolState([c.sell, c.buy], c.fee, c.pool, BigInt(c.sqrtPriceX96), BigInt(c.liquidity)));
  }
  for (const tie of v.meta.tiePools) {
    for (const [fee, pool] of Object.entries(tie.pools)) {
      const key = `${pairKey(...tie.tokens)}/${fee}`;
      const sqrt = pools.get(key)?.sqrtPriceX96 ?? pairPrice.get(pairKey(...tie.tokens)) ?? Q96;
      add(poolState(tie.tokens, Number(fee), pool.address, sqrt, BigInt(pool.liquidity)));
    }
  }
  return PoolIndex.from(pools.values());
}

const profile: Gen1Profile = {
  kind: 'gen1-spot',
  address: lower('0x0165878a594ca255338adfa4d48449f69242eb8f'),
  factory: lower('0xe7f1725e7734ce288f8367e1bb143e90bb3f0512'),
  feeTiers: [500, 3000, 10000],
  pricePrecisionDecimals: 5n,
};
const index = vectorPools(vectors);

function expectedOf(c: OracleCase): QuoteResult | 'require' {
  if (c.result !== 'revert') return { ok: true, amount: BigInt(c.result) };
  if (c.revertKind?.startsWith('invalid opcode')) return { ok: false, revert: 'division-by-zero' };
  return 'require';
}

describe('quoteGen1 equals the real oracle on every golden case', () => {
  it('reads the whole public set', () => {
    expect(vectors.cases.length).toBe(vectors.meta.count);
    expect(index.size).toBeGreaterThanOrEqual(42);
  });

  it.each(vectors.cases.map((c) => [c.id, c.category, c.note, c] as const))(
    'case %i (%s: %s)',
    (_id, _category, _note, c) => {
      const [buy, sell, amount] = [lower(c.buy), lower(c.sell), BigInt(c.amount)];
      const got = quoteGen1(profile, index, buy, sell, amount);
      const expected = expectedOf(c);
      if (expected === 'require') {
        expect(got.ok).toBe(false);
        expect(got.ok ? null : got.revert).toMatch(/^(same-token|zero-token|no-pool)$/);
      } else {
        expect(got).toEqual(expected);
      }
      // The model's split path (pair price, then amount) must agree with the one-shot quote.
      const model = new Gen1SpotModel(profile);
      const out = model.amountOut(model.price(index, buy, sell), amount);
      expect(out).toBe(got.ok ? got.amount : -1n);
      if (c.pool !== null) {
        const pool = findPoolWithHighestLiquidity(profile.feeTiers, index, buy, sell);
        expect(typeof pool === 'string' ? pool : [pool.address, pool.fee, pool.liquidity.toString()]).toEqual(
          [lower(c.pool), c.fee, c.liquidity],
        );
      }
    },
  );
});

describe('quoteGen1 by hand-checked cases', () => {
  // Tokens chosen so that raw ERC-20 order and ERC-223 twin order disagree: A < B but twin(A) > B.
  const A = lower('0x1000000000000000000000000000000000000001');
  const B = lower('0x2000000000000000000000000000000000000002');
  const A223 = lower('0x3000000000000000000000000000000000000003');
  const B223 = lower('0x0500000000000000000000000000000000000005');
  const pool = (fee: number, sqrtPriceX96: bigint, liquidity: bigint, address: string): PoolState => ({
    address: lower(address),
    fee,
    token0: A,
    token1: B,
    token0Erc223: A223,
    token1Erc223: B223,
    initialized: true,
    sqrtPriceX96,
    tick: 0,
    liquidity,
  });
  const price2 = pool(3000, 2n * Q96, 10n, '0x00000000000000000000000000000000000000a1'); // P = 4·2^192: 4 B per A
  const pools = PoolIndex.from([price2]);
  const p = (over: Partial<Gen1Profile> = {}): Gen1Profile => ({ ...profile, ...over });

  const table: [string, Gen1Profile, PoolIndex, Address, Address, bigint, QuoteResult][] = [
    ['buy B, sell A (A < B): X = 4·a', p(), pools, B, A, 1000n, { ok: true, amount: 4000n }],
    ['buy A, sell B (B > A): a² / X', p(), pools, A, B, 1000n, { ok: true, amount: 250n }],
    // Trap: the ERC-223 twin of A is above B, so selling A223 for B takes the inverse path on a price that is
    // already "B per A": the contract answers 1000²/4000 = 250 where 4000 would be right. Kept on purpose.
    ['trap: sell A223 for B is inverted', p(), pools, B, A223, 1000n, { ok: true, amount: 250n }],
    ['trap: sell B223 for A is not inverted', p(), pools, A, B223, 1000n, { ok: true, amount: 4000n }],
    // Selling B for A should give 10/4; B223 < A223, so the contract takes the direct path and answers 4·10.
    [
      'trap: twins on both sides find the pool, direct path',
      p(),
      pools,
      A223,
      B223,
      10n,
      { ok: true, amount: 40n },
    ],
    [
      'leading digits: 123456789 → 12345·10^4',
      p(),
      pools,
      B,
      A,
      123_456_789n,
      { ok: true, amount: 493_800_000n },
    ],
    ['amount exactly 10^5 is not truncated', p(), pools, B, A, 100_000n, { ok: true, amount: 400_000n }],
    ['amount 10^5 + 1 keeps 5 digits', p(), pools, B, A, 100_001n, { ok: true, amount: 400_000n }],
    [
      'precision 0: 19 → 1·10',
      p({ pricePrecisionDecimals: 0n }),
      pools,
      B,
      A,
      19n,
      { ok: true, amount: 40n },
    ],
    [
      'precision 0: 29 → 2 → 0',
      p({ pricePrecisionDecimals: 0n }),
      pools,
      B,
      A,
      29n,
      { ok: true, amount: 0n },
    ],
    [
      'precision 18: exact',
      p({ pricePrecisionDecimals: 18n }),
      pools,
      B,
      A,
      123_456_789n,
      { ok: true, amount: 493_827_156n },
    ],
    [
      'precision 300: limit wraps to 0, every amount quotes 0',
      p({ pricePrecisionDecimals: 300n }),
      pools,
      B,
      A,
      5n,
      { ok: true, amount: 0n },
    ],
    [
      'precision 300 on the inverse path divides by zero',
      p({ pricePrecisionDecimals: 300n }),
      pools,
      A,
      B,
      5n,
      { ok: false, revert: 'division-by-zero' },
    ],
    ['amount 0, direct: 0', p(), pools, B, A, 0n, { ok: true, amount: 0n }],
    [
      'amount 0, inverse: 0/0 divides by zero',
      p(),
      pools,
      A,
      B,
      0n,
      { ok: false, revert: 'division-by-zero' },
    ],
    ['a² wraps: amount 2^200 inverse', p(), pools, A, B, 1n << 200n, { ok: true, amount: 0n }],
    ['same token', p(), pools, A, A, 1n, { ok: false, revert: 'same-token' }],
    [
      'same token via a twin is not the same address',
      p(),
      pools,
      A,
      A223,
      1n,
      { ok: false, revert: 'no-pool' },
    ],
    [
      'zero buy address',
      p(),
      pools,
      lower('0x0000000000000000000000000000000000000000'),
      A,
      1n,
      { ok: false, revert: 'zero-token' },
    ],
    [
      'zero sell address is allowed to look (no pool)',
      p(),
      pools,
      A,
      lower('0x0000000000000000000000000000000000000000'),
      1n,
      { ok: false, revert: 'no-pool' },
    ],
    [
      'fee tier not in the oracle list',
      p({ feeTiers: [500, 10000] }),
      pools,
      B,
      A,
      1n,
      { ok: false, revert: 'no-pool' },
    ],
    ['empty fee tier list', p({ feeTiers: [] }), pools, B, A, 1n, { ok: false, revert: 'no-pool' }],
  ];

  it.each(table)('%s', (_label, prof, idx, buy, sell, amount, expected) => {
    expect(quoteGen1(prof, idx, buy, sell, amount)).toEqual(expected);
  });

  it('prices with sqrtPriceX96² mod 2^256 (wraps from 2^128 on)', () => {
    const sqrt = (1n << 128n) + 3n; // square = 2^256 + 6·2^128 + 9 → 6·2^128 + 9 after the wrap
    const idx = PoolIndex.from([pool(3000, sqrt, 1n, '0x00000000000000000000000000000000000000a2')]);
    const amount = 1n << 70n;
    expect(quoteGen1(profile, idx, B, A, 99_999n)).toEqual({
      ok: true,
      amount: (((6n * (1n << 128n) + 9n) * 99_999n) % N) >> 192n,
    });
    expect(quoteGen1(p({ pricePrecisionDecimals: 30n }), idx, B, A, amount)).toEqual({
      ok: true,
      amount: (((6n * (1n << 128n) + 9n) * amount) % N) >> 192n,
    });
  });

  it('an uninitialised pool prices at 0', () => {
    const idx = PoolIndex.from([
      { ...pool(3000, 5n * Q96, 0n, '0x00000000000000000000000000000000000000a3'), initialized: false },
    ]);
    expect(quoteGen1(profile, idx, B, A, 10n)).toEqual({ ok: true, amount: 0n });
    expect(quoteGen1(profile, idx, A, B, 10n)).toEqual({ ok: false, revert: 'division-by-zero' });
  });

  const tiers = (liquidity: [bigint | null, bigint | null, bigint | null]) =>
    PoolIndex.from(
      liquidity.flatMap((l, i) =>
        l === null
          ? []
          : [
              pool(
                [500, 3000, 10000][i]!,
                BigInt(i + 1) * Q96,
                l,
                `0x00000000000000000000000000000000000000b${i}`,
              ),
            ],
      ),
    );
  const choice: [string, [bigint | null, bigint | null, bigint | null], number[], number][] = [
    ['deepest wins', [5n, 9n, 7n], [500, 3000, 10000], 3000],
    ['tie goes to the later tier', [9n, 9n, 7n], [500, 3000, 10000], 3000],
    ['tie of three goes to the last', [9n, 9n, 9n], [500, 3000, 10000], 10000],
    ['all zero: the last existing', [0n, 0n, null], [500, 3000, 10000], 3000],
    ['later in the oracle order, not the fee order', [9n, 9n, 9n], [10000, 3000, 500], 500],
    ['a missing tier is skipped', [null, 1n, 0n], [500, 3000, 10000], 3000],
    ['a tier listed twice counts twice', [7n, 7n, null], [3000, 500, 3000], 3000],
  ];
  it.each(choice)('pool choice: %s', (_label, liquidity, feeTiers, fee) => {
    const chosen = findPoolWithHighestLiquidity(feeTiers, tiers(liquidity), B, A);
    expect(typeof chosen === 'string' ? chosen : chosen.fee).toBe(fee);
    const expectedQuote = BigInt([500, 3000, 10000].indexOf(fee) + 1) ** 2n * 10n;
    expect(quoteGen1(p({ feeTiers }), tiers(liquidity), B, A, 10n)).toEqual({
      ok: true,
      amount: expectedQuote,
    });
  });
});
