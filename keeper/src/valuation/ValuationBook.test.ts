import { describe, expect, it } from 'vitest';
import type {
  Address,
  OracleProfile,
  OrderState,
  PoolState,
  PositionState,
  PositionValuation,
} from '../model/types.js';
import { createOracleModel } from './createOracleModel.js';
import type { DebtModel } from './DebtLine.js';
import { PoolIndex } from './PoolIndex.js';
import { fixedRatioKey } from './quoteFixedRatio.js';
import { ValuationBook, type ValuationChanges } from './ValuationBook.js';
import { valuePosition } from './valuePosition.js';

const Q96 = 1n << 96n;
const E18 = 10n ** 18n;
const T0 = 1_800_000_000n;
const addr = (hex: string) => `0x${hex.padStart(40, '0')}` as Address;

const BASE = addr('2000');
const BASE2 = addr('2500');
const X = addr('1000');
const Y = addr('3000');
const Z = addr('4000');
const twin = (a: Address) => addr(`f${a.slice(-4)}`);
const GEN1 = addr('0a');
const GEN1B = addr('0b');
const FIXED = addr('0c');
const ONCHAIN = addr('0d');

const gen1Profile: OracleProfile = {
  kind: 'gen1-spot',
  address: GEN1,
  factory: addr('fa'),
  feeTiers: [500, 3000, 10000],
  pricePrecisionDecimals: 5n,
};
const gen1bProfile: OracleProfile = {
  kind: 'gen1-spot',
  address: GEN1B,
  factory: addr('fa'),
  feeTiers: [3000, 500],
  pricePrecisionDecimals: 3n,
};
const fixedProfile = (numerator: bigint): OracleProfile => ({
  kind: 'fixed-ratio',
  address: FIXED,
  factory: addr('fa'),
  ratios: new Map([[fixedRatioKey(BASE, X), { numerator, denominator: 1n }]]),
});
const onchainProfile: OracleProfile = { kind: 'onchain', address: ONCHAIN, reason: 'unknown code' };

let poolCounter = 0;
function pool(a: Address, b: Address, fee: number, sqrtPriceX96: bigint, liquidity: bigint): PoolState {
  const [token0, token1] = a < b ? [a, b] : [b, a];
  poolCounter += 1;
  return {
    address: addr(`c0${poolCounter.toString(16)}`),
    fee,
    token0,
    token1,
    token0Erc223: twin(token0),
    token1Erc223: twin(token1),
    initialized: true,
    sqrtPriceX96,
    tick: 0,
    liquidity,
  };
}

function order(orderId: bigint, oracle: Address, baseAsset = BASE): OrderState {
  return {
    orderId,
    owner: addr('01'),
    baseAsset,
    oracle,
    interestRate: 3000n,
    whitelist: addr('00'),
    collateralAssets: [X],
    alive: true,
    rewardAsset: baseAsset,
    rewardAmount: 1n,
    deadlineSec: T0 * 2n,
    balance: 0n,
  };
}

function position(
  positionId: bigint,
  orderId: bigint,
  assets: Address[],
  balances: bigint[],
  over: Partial<PositionState> = {},
): PositionState {
  return {
    positionId,
    orderId,
    owner: addr('02'),
    createdAtSec: T0,
    deadlineSec: T0 + 2_592_000n,
    initialBalance: 1000n * E18,
    interest: 3000n,
    open: true,
    frozenAtSec: 0n,
    frozenBy: addr('00'),
    assets,
    balances,
    ...over,
  };
}

/** The same world, kept naively, valued from scratch for comparison. */
class Mirror {
  readonly orders = new Map<bigint, OrderState>();
  readonly positions = new Map<bigint, PositionState>();
  readonly pools = new Map<Address, PoolState>();
  readonly oracles = new Map<Address, OracleProfile>();

  apply(changes: ValuationChanges): void {
    for (const p of changes.oracles ?? []) this.oracles.set(p.address, p);
    for (const p of changes.pools ?? []) this.pools.set(p.address, p);
    for (const o of changes.orders ?? []) this.orders.set(o.orderId, o);
    for (const id of changes.removedPositionIds ?? []) this.positions.delete(id);
    for (const p of changes.positions ?? []) {
      if (p.open) this.positions.set(p.positionId, p);
      else this.positions.delete(p.positionId);
    }
  }

  value(positionId: bigint, ts: bigint, debtModel: DebtModel): PositionValuation {
    const p = this.positions.get(positionId)!;
    const o = this.orders.get(p.orderId);
    if (!o) return { kind: 'unvalued', reason: '' };
    const profile = this.oracles.get(o.oracle);
    const model = profile ? createOracleModel(profile) : null;
    if (!model) return { kind: 'unvalued', reason: '' };
    return valuePosition(p, o, model, PoolIndex.from(this.pools.values()), ts, debtModel);
  }
}

/** Every held position's valuation and the candidate list must equal a from-scratch valuation. */
function expectSameAsScratch(book: ValuationBook, mirror: Mirror, ts: bigint, debtModel: DebtModel = 'gen1') {
  expect(book.size).toBe(mirror.positions.size);
  const liquidatable: { id: bigint; at: bigint }[] = [];
  for (const id of mirror.positions.keys()) {
    const expected = mirror.value(id, ts, debtModel);
    const got = book.valuation(id, ts);
    if (expected.kind === 'valued') {
      expect(got, `position ${id}`).toEqual(expected);
      if (expected.liquidatable) liquidatable.push({ id, at: 0n });
    } else {
      expect(got?.kind, `position ${id}`).toBe(expected.kind);
    }
  }
  expect(new Set(book.candidates(ts))).toEqual(new Set(liquidatable.map((l) => l.id)));
}

describe('ValuationBook: targeted updates', () => {
  function world() {
    poolCounter = 0;
    const pools = {
      x500: pool(X, BASE, 500, 2n * Q96, 10n ** 20n),
      x3000: pool(X, BASE, 3000, 3n * Q96, 10n ** 18n),
      y3000: pool(Y, BASE, 3000, Q96, 10n ** 20n),
    };
    const mirror = new Mirror();
    const book = new ValuationBook();
    const changes: ValuationChanges = {
      oracles: [gen1Profile, fixedProfile(5n), onchainProfile],
      pools: Object.values(pools),
      orders: [order(1n, GEN1), order(2n, FIXED), order(3n, ONCHAIN)],
      positions: [
        position(10n, 1n, [BASE, X], [0n, 300n * E18]), // 1200 BASE at P = 4
        position(11n, 1n, [BASE, Y], [100n * E18, 950n * E18]),
        position(12n, 1n, [BASE, X, Y], [0n, 100n * E18, 700n * E18]),
        position(20n, 2n, [BASE, X], [0n, 300n * E18]),
        position(30n, 3n, [BASE, X], [0n, 300n * E18]),
      ],
    };
    book.update(changes, T0);
    mirror.apply(changes);
    return { book, mirror, pools };
  }

  it('values everything on the first update', () => {
    const { book, mirror } = world();
    expectSameAsScratch(book, mirror, T0);
    expect(book.positionIds('unvalued')).toEqual([30n]);
  });

  const table: [string, (w: ReturnType<typeof world>) => ValuationChanges, number, number[]][] = [
    [
      'a move of the chosen X pool revalues the gen-1 positions holding X only',
      ({ pools }) => ({ pools: [{ ...pools.x500, sqrtPriceX96: Q96 }] }),
      2,
      [10, 12],
    ],
    [
      'a liquidity change that keeps the choice revalues nobody',
      ({ pools }) => ({ pools: [{ ...pools.x3000, liquidity: 10n ** 19n }] }),
      0,
      [],
    ],
    [
      'a deeper other tier takes over and revalues (its price differs)',
      ({ pools }) => ({ pools: [{ ...pools.x3000, liquidity: 10n ** 21n }] }),
      2,
      [10, 12],
    ],
    [
      'a new pool for the pair joins the choice',
      () => ({ pools: [pool(X, BASE, 10000, 3n * Q96, 10n ** 22n)] }),
      2,
      [10, 12],
    ],
    ['a pool of unrelated tokens revalues nobody', () => ({ pools: [pool(Y, Z, 3000, Q96, 1n)] }), 0, []],
    [
      'the fixed-ratio profile changing revalues its positions only',
      () => ({ oracles: [fixedProfile(3n)] }),
      1,
      [20],
    ],
    ['an order switching oracle revalues its positions', () => ({ orders: [order(2n, GEN1)] }), 1, [20]],
    [
      'an order change that keeps the oracle revalues nobody',
      () => ({ orders: [{ ...order(1n, GEN1), balance: 5n }] }),
      0,
      [],
    ],
    [
      'a position change revalues that position',
      () => ({ positions: [position(11n, 1n, [BASE, Y], [100n * E18, 10n * E18])] }),
      1,
      [11],
    ],
    [
      'the on-chain oracle getting a model values its positions',
      () => ({ oracles: [{ ...gen1Profile, address: ONCHAIN }] }),
      1,
      [30],
    ],
  ];

  it.each(table)('%s', (_label, change, revalued, changedIds) => {
    const w = world();
    const before = new Map([...w.mirror.positions.keys()].map((id) => [id, w.book.valuation(id, T0 + 12n)]));
    const changes = change(w);
    const summary = w.book.update(changes, T0 + 12n);
    w.mirror.apply(changes);
    expect(summary.revalued).toBe(revalued);
    expectSameAsScratch(w.book, w.mirror, T0 + 12n);
    const changed = [...before].filter(
      ([id, v]) => JSON.stringify(w.book.valuation(id, T0 + 12n), big) !== JSON.stringify(v, big),
    );
    expect(changed.map(([id]) => Number(id))).toEqual(changedIds);
  });

  it('closing and removing positions takes them out of the queue', () => {
    const { book, mirror } = world();
    const late = T0 + 10n ** 9n;
    expect(book.candidates(late).length).toBeGreaterThan(0);
    const changes: ValuationChanges = {
      positions: [{ ...mirror.positions.get(10n)!, open: false }],
      removedPositionIds: [11n, 12n],
    };
    book.update(changes, T0 + 1n);
    mirror.apply(changes);
    expect(book.valuation(10n, late)).toBeUndefined();
    expect(book.candidates(late)).toEqual([20n]);
    expectSameAsScratch(book, mirror, late);
  });

  it('candidates are exactly the liquidatable ones as time passes', () => {
    const { book, mirror } = world();
    let previous = -1;
    for (let ts = T0; ts < T0 + 400n * 86_400n; ts += 86_400n) {
      const ids = book.candidates(ts);
      expect(ids.length).toBeGreaterThanOrEqual(previous);
      previous = ids.length;
      expectSameAsScratch(book, mirror, ts);
    }
    expect(previous).toBe(4);
  });

  it('a look-ahead leaves the book as it was: the next block costs only what changed', () => {
    const { book, mirror, pools } = world();
    const late = T0 + 10n ** 9n;
    expect(new Set(book.candidates(late))).toEqual(new Set([10n, 11n, 12n, 20n]));
    expect(book.candidates(T0)).toEqual([]);
    const changes: ValuationChanges = { pools: [{ ...pools.y3000, sqrtPriceX96: Q96 / 2n }] };
    const summary = book.update(changes, T0 + 12n);
    mirror.apply(changes);
    expect(summary.revalued).toBe(2);
    expectSameAsScratch(book, mirror, T0 + 12n);
    expectSameAsScratch(book, mirror, late);
  });

  it('going back to an earlier second re-times everything and stays exact', () => {
    const { book, mirror } = world();
    const late = T0 + 400n * 86_400n;
    book.update({}, late);
    expect(book.candidates(late)).toHaveLength(4);
    expect(book.candidates(T0)).toEqual([]);
    expectSameAsScratch(book, mirror, T0);
    expectSameAsScratch(book, mirror, late);
  });

  it('names the pool the oracle prices through', () => {
    const { book, pools } = world();
    expect(book.pricingPool(10n, 1)).toBe(pools.x500.address);
    expect(book.pricingPool(20n, 1)).toBeNull();
  });
});

describe('ValuationBook: debt that wraps around 2^256', () => {
  it('re-times a candidate whose debt wrapped back below its value', () => {
    // ib·r ≈ 2^260: the product wraps every second, so debt jumps around; a candidate at one second may not
    // be one a second later, and the queue must follow exactly.
    const huge = 1606938044258990275541962092341162602522202993782792835313721n;
    const mirror = new Mirror();
    const book = new ValuationBook();
    const positions = Array.from({ length: 40 }, (_, i) =>
      position(BigInt(i), 1n, [BASE], [BigInt(i) * 10n ** 64n], { initialBalance: E18, interest: huge }),
    );
    const changes: ValuationChanges = { oracles: [gen1Profile], orders: [order(1n, GEN1)], positions };
    book.update(changes, T0 + 1n);
    mirror.apply(changes);
    let flips = 0;
    let last = new Set<bigint>();
    for (let ts = T0 + 1n; ts < T0 + 300n; ts++) {
      const now = new Set(book.candidates(ts));
      for (const id of last) if (!now.has(id)) flips++;
      last = now;
      if (ts % 37n === 0n) expectSameAsScratch(book, mirror, ts);
      for (const id of mirror.positions.keys()) {
        expect(now.has(id)).toBe((mirror.value(id, ts, 'gen1') as { liquidatable: boolean }).liquidatable);
      }
    }
    expect(flips).toBeGreaterThan(0);
  });

  it('answers valuation() exactly at later seconds without a candidates() call in between', () => {
    const huge = 1606938044258990275541962092341162602522202993782792835313721n;
    const mirror = new Mirror();
    const book = new ValuationBook();
    const positions = Array.from({ length: 20 }, (_, i) =>
      position(BigInt(i), 1n, [BASE], [BigInt(i) * 2n * 10n ** 65n], { initialBalance: E18, interest: huge }),
    );
    const changes: ValuationChanges = { oracles: [gen1Profile], orders: [order(1n, GEN1)], positions };
    book.update(changes, T0 + 1n);
    mirror.apply(changes);
    for (let ts = T0 + 1n; ts < T0 + 200n; ts += 3n) {
      for (const id of mirror.positions.keys()) {
        expect(book.valuation(id, ts)).toEqual(mirror.value(id, ts, 'gen1'));
      }
    }
  });
});

describe('ValuationBook: a pool whose tokens are corrected', () => {
  it('re-prices the pairs it used to serve', () => {
    poolCounter = 0;
    const wrong = pool(X, BASE, 3000, 2n * Q96, E18);
    const book = new ValuationBook();
    const mirror = new Mirror();
    const first: ValuationChanges = {
      oracles: [gen1Profile],
      pools: [wrong],
      orders: [order(1n, GEN1)],
      positions: [position(1n, 1n, [BASE, X], [0n, 500n * E18])],
    };
    book.update(first, T0);
    mirror.apply(first);
    expect(book.valuation(1n, T0)?.kind).toBe('valued');
    const corrected: ValuationChanges = {
      pools: [{ ...wrong, token0: BASE, token1: Z, token0Erc223: twin(BASE), token1Erc223: twin(Z) }],
    };
    book.update(corrected, T0 + 1n);
    mirror.apply(corrected);
    expect(book.valuation(1n, T0 + 1n)?.kind).toBe('reverts');
    expectSameAsScratch(book, mirror, T0 + 1n);
  });
});

const HUGE_INTEREST = 1606938044258990275541962092341162602522202993782792835313721n;

describe('ValuationBook: random update sequences equal a from-scratch valuation', () => {
  function lcg(seed: number) {
    let state = seed >>> 0;
    return (n: number) => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % n;
    };
  }

  it.each([
    [1, 'gen1'],
    [2, 'gen1'],
    [3, 'gen2'],
    [4, 'gen1'],
    [5, 'gen2'],
    [6, 'gen1'],
    [7, 'gen1'],
    [8, 'gen2'],
    [9, 'gen1'],
    [10, 'gen1'],
  ] as const)('seed %i, %s debt', (seed, debtModel) => {
    poolCounter = 0;
    const random = lcg(seed);
    const pick = <T>(items: readonly T[]): T => items[random(items.length)]!;
    const tokens = [X, Y, Z, twin(X), twin(Y)];
    const bases = [BASE, BASE2];
    const oracles = [GEN1, GEN1B, FIXED, ONCHAIN];
    const mirror = new Mirror();
    const book = new ValuationBook({ debtModel });
    const poolList: PoolState[] = [];
    for (const a of [X, Y, Z]) {
      for (const b of bases) {
        for (const fee of [500, 3000, 10000]) {
          if (random(3) === 0) continue;
          poolList.push(pool(a, b, fee, Q96 / 2n + BigInt(random(4)) * Q96, BigInt(random(3)) * E18));
        }
      }
    }
    const randomPosition = (id: bigint): PositionState => {
      const orderId = BigInt(random(6));
      const base = orderId % 2n === 0n ? BASE : BASE2;
      const held = [base];
      for (const t of tokens) if (random(3) === 0 && !held.includes(t)) held.push(t);
      // One in six overflows the contract's debt product every second (debt then jumps around below ~4.5e66).
      const wraps = random(6) === 0;
      const scale = wraps ? 10n ** 48n : 1n;
      return position(
        id,
        orderId,
        held,
        held.map((_, i) =>
          i === 0 ? BigInt(random(900)) * E18 * scale : BigInt(random(400) + 1) * E18 * scale,
        ),
        {
          interest: wraps ? HUGE_INTEREST : BigInt(pick([0, 3000, 30_000, 1])),
          createdAtSec: T0 - BigInt(random(10 ** 6)),
        },
      );
    };
    const initial: ValuationChanges = {
      oracles: [gen1Profile, gen1bProfile, fixedProfile(2n), onchainProfile],
      pools: poolList,
      orders: Array.from({ length: 6 }, (_, i) =>
        order(BigInt(i), oracles[i % 3]!, i % 2 === 0 ? BASE : BASE2),
      ),
      positions: Array.from({ length: 60 }, (_, i) => randomPosition(BigInt(i))),
    };
    let ts = T0;
    book.update(initial, ts);
    mirror.apply(initial);
    expectSameAsScratch(book, mirror, ts, debtModel);
    for (let step = 0; step < 120; step++) {
      ts += random(6) === 0 ? -BigInt(random(200_000)) : BigInt(random(random(3) === 0 ? 5 * 86_400 : 60));
      const changes: ValuationChanges = {};
      const kind = random(8);
      if (kind <= 2) {
        changes.pools = Array.from({ length: 1 + random(3) }, () => {
          const p = pick(poolList);
          const moved = {
            ...p,
            sqrtPriceX96: random(2) ? (p.sqrtPriceX96 * BigInt(90 + random(21))) / 100n : p.sqrtPriceX96,
            liquidity: random(2) ? BigInt(random(3)) * E18 : p.liquidity,
          };
          poolList[poolList.indexOf(p)] = moved;
          return moved;
        });
      } else if (kind === 3) {
        const closed = random(4) === 0 ? [{ ...randomPosition(BigInt(random(70))), open: false }] : [];
        changes.positions = [randomPosition(BigInt(random(70))), ...closed];
      } else if (kind === 4) {
        changes.removedPositionIds = [BigInt(random(70))];
      } else if (kind === 5) {
        const id = BigInt(random(6));
        changes.orders = [order(id, pick(oracles), id % 2n === 0n ? BASE : BASE2)];
      } else if (kind === 6) {
        changes.oracles = [
          pick([
            fixedProfile(BigInt(random(5))),
            { ...gen1bProfile, pricePrecisionDecimals: BigInt(random(8)) },
          ]),
        ];
      } else {
        const fresh = pool(
          pick([X, Y, Z]),
          pick(bases),
          pick([500, 3000, 10000]),
          Q96 * BigInt(1 + random(3)),
          E18,
        );
        if (
          !poolList.some((p) => p.token0 === fresh.token0 && p.token1 === fresh.token1 && p.fee === fresh.fee)
        ) {
          poolList.push(fresh);
          changes.pools = [fresh];
        }
      }
      book.update(changes, ts);
      mirror.apply(changes);
      expectSameAsScratch(book, mirror, ts, debtModel);
      // Looking ahead (a later block's candidates) must not spoil the next update's exactness.
      if (random(4) === 0) {
        const ahead = ts + BigInt(random(30 * 86_400));
        expect(new Set(book.candidates(ahead))).toEqual(
          new Set(
            [...mirror.positions.keys()].filter(
              (id) => (mirror.value(id, ahead, debtModel) as { liquidatable?: boolean }).liquidatable,
            ),
          ),
        );
      }
    }
  });
});

function big(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

describe('ValuationBook: price moves around the liquidation line', () => {
  function lcg(seed: number) {
    let state = seed >>> 0;
    return (n: number) => {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state % n;
    };
  }

  it('a due position whose value rises above its debt stops being a candidate, one that falls stays', () => {
    poolCounter = 0;
    const xPool = pool(X, BASE, 3000, 2n * Q96, E18);
    const book = new ValuationBook();
    const mirror = new Mirror();
    const first: ValuationChanges = {
      oracles: [gen1Profile],
      pools: [xPool],
      orders: [order(1n, GEN1)],
      // 240 X at 4 = 960 BASE against a debt of 1000: due at once.
      positions: [
        position(1n, 1n, [BASE, X], [0n, 240n * E18]),
        position(2n, 1n, [BASE, X], [0n, 200n * E18]),
      ],
    };
    book.update(first, T0);
    mirror.apply(first);
    expect(book.candidates(T0)).toEqual([1n, 2n]);
    // Price 4 → 4.41: position 1 is worth 1058.4 (safe), position 2 is worth 882 (still due).
    const up: ValuationChanges = { pools: [{ ...xPool, sqrtPriceX96: (21n * Q96) / 10n }] };
    book.update(up, T0 + 12n);
    mirror.apply(up);
    expect(book.candidates(T0 + 12n)).toEqual([2n]);
    expectSameAsScratch(book, mirror, T0 + 12n);
    // Price 4.41 → 1: both due again, then back up with the clock turned back: exact again.
    const down: ValuationChanges = { pools: [{ ...xPool, sqrtPriceX96: Q96 }] };
    book.update(down, T0 + 24n);
    mirror.apply(down);
    expect(new Set(book.candidates(T0 + 24n))).toEqual(new Set([1n, 2n]));
    const backAndUp: ValuationChanges = { pools: [{ ...xPool, sqrtPriceX96: (21n * Q96) / 10n }] };
    book.update(backAndUp, T0 + 6n);
    mirror.apply(backAndUp);
    expectSameAsScratch(book, mirror, T0 + 6n);
  });

  it('a value that rose while the clock was turned back is timed from the earlier second', () => {
    poolCounter = 0;
    const xPool = pool(X, BASE, 3000, 2n * Q96, E18);
    const book = new ValuationBook();
    const mirror = new Mirror();
    // 260 X at 4 = 1040 BASE against 1000 BASE at 30 % a month: debt passes 1040 after 3.47 days.
    const first: ValuationChanges = {
      oracles: [gen1Profile],
      pools: [xPool],
      orders: [order(1n, GEN1)],
      positions: [position(1n, 1n, [BASE, X], [0n, 260n * E18])],
    };
    const later = T0 + 10n * 86_400n;
    book.update(first, later);
    mirror.apply(first);
    // Back to an earlier second, with the price up a little: it now becomes liquidatable between the two.
    const up: ValuationChanges = { pools: [{ ...xPool, sqrtPriceX96: (201n * Q96) / 100n }] };
    book.update(up, T0);
    mirror.apply(up);
    const at = (mirror.value(1n, T0, 'gen1') as { liquidatableAtSec: bigint }).liquidatableAtSec;
    expect(at > T0 && at < later).toBe(true);
    expect(book.candidates(at - 1n)).toEqual([]);
    expect(book.candidates(at)).toEqual([1n]);
  });

  it.each([21, 22, 23, 24, 25, 26])('random price walks stay exact (seed %i)', (seed) => {
    poolCounter = 0;
    const random = lcg(seed);
    const pools = [
      pool(X, BASE, 3000, 2n * Q96, 10n * E18),
      pool(X, BASE, 500, 2n * Q96, E18),
      pool(Y, BASE, 3000, Q96, 10n * E18),
      pool(Z, BASE, 10000, Q96 / 2n, 10n * E18),
    ];
    const book = new ValuationBook({ debtModel: seed % 2 ? 'gen1' : 'gen2' });
    const mirror = new Mirror();
    const positions = Array.from({ length: 40 }, (_, i) => {
      const wraps = i % 7 === 0;
      const scale = wraps ? 10n ** 48n : 1n;
      const held = [BASE, X, Y, Z, twin(X)].filter((_, k) => k === 0 || random(2) === 0);
      return position(
        BigInt(i),
        1n,
        held,
        held.map((_, k) => (k === 0 ? BigInt(random(300)) : BigInt(50 + random(400))) * E18 * scale),
        {
          interest: wraps ? HUGE_INTEREST : BigInt(random(30_000)),
          createdAtSec: T0 - BigInt(random(10 ** 6)),
        },
      );
    });
    const first: ValuationChanges = { oracles: [gen1Profile], pools, orders: [order(1n, GEN1)], positions };
    let ts = T0;
    book.update(first, ts);
    mirror.apply(first);
    expectSameAsScratch(book, mirror, ts, seed % 2 ? 'gen1' : 'gen2');
    for (let step = 0; step < 150; step++) {
      ts +=
        random(8) === 0 ? -BigInt(random(5000)) : BigInt(random(4) === 0 ? random(10 * 86_400) : random(30));
      const moved = Array.from({ length: 1 + random(2) }, () => {
        const at = random(pools.length);
        const p = pools[at]!;
        const next = { ...p, sqrtPriceX96: (p.sqrtPriceX96 * BigInt(80 + random(41))) / 100n };
        pools[at] = next;
        return next;
      });
      const changes: ValuationChanges = { pools: moved };
      book.update(changes, ts);
      mirror.apply(changes);
      expectSameAsScratch(book, mirror, ts, seed % 2 ? 'gen1' : 'gen2');
      if (random(3) === 0) {
        ts += BigInt(random(100));
        expect(new Set(book.candidates(ts))).toEqual(
          new Set(
            [...mirror.positions.keys()].filter(
              (id) =>
                (mirror.value(id, ts, seed % 2 ? 'gen1' : 'gen2') as { liquidatable?: boolean }).liquidatable,
            ),
          ),
        );
      }
    }
  });
});

describe('ValuationBook.setDebtModel', () => {
  it("switching the module's debt rule re-times every position exactly as the new rule values it", () => {
    const book = new ValuationBook();
    const pos = position(1n, 0n, [BASE], [3n], { initialBalance: 3n, interest: 3333n });
    const changes: ValuationChanges = {
      oracles: [fixedProfile(1n)],
      orders: [order(0n, FIXED)],
      positions: [pos],
    };
    book.update(changes, T0);
    const mirror = new Mirror();
    mirror.apply(changes);
    const later = T0 + 3n * 2_592_000n;
    expect(book.valuation(1n, later)).toEqual(mirror.value(1n, later, 'gen1'));
    expect(book.candidates(later)).toEqual([1n]); // gen 1: debt 5 > value 3
    book.setDebtModel('gen2');
    expect(book.debtRule).toBe('gen2');
    book.update({}, later);
    expect(book.valuation(1n, later)).toEqual(mirror.value(1n, later, 'gen2'));
    expect(book.candidates(later)).toEqual([]); // gen 2: ib·r/10000 floors to 0, the debt stays 3
  });
});
