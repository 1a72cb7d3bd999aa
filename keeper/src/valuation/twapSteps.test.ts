import { describe, expect, it } from 'vitest';
import type { Address, Observation, PoolState, TwapOracleKind } from '../model/types.js';
import { debtLine, debtOnLine } from './DebtLine.js';
import { findTwapPool, type TwapOracleParams } from './findTwapPool.js';
import { poolTime } from './observeSingle.js';
import { PoolIndex } from './PoolIndex.js';
import {
  eligibleFrom,
  firstLiquidatableSecond,
  harmonicMeanSteps,
  poolChoiceSteps,
  positionValue,
  twapTickRange,
  twapTickSteps,
  type Step,
} from './twapSteps.js';
import { amountOut2d3ffd2 } from './quoteTwap.js';
import { twapRateBounds } from './twapRateBounds.js';
import { getSqrtRatioAtTick } from './getSqrtRatioAtTick.js';
import { getTwapTick, harmonicMeanLiquidity, observedPool, poolCanServeWindow } from './twapViews.js';
import { seededRandom } from '../../../test/support/seededRandom.js';

const TWO_32 = 2 ** 32;
const BASE = '0x00000000000000000000000000000000000000b0' as Address;
const X = '0x00000000000000000000000000000000000000a1' as Address;
const Y = '0x00000000000000000000000000000000000000c2' as Address;
const twin = (a: Address) => `0xee${a.slice(4)}` as Address;

/** Deterministic (mulberry32), so that a failing case can be replayed from its seed. */
const prng = (seed: number): (() => number) => seededRandom(seed).next;

/**
 * A pool whose history is written as the pool writes it (one write per event, with the tick and liquidity that
 * held before it), ending at or before `endSec`; ticks and liquidity chosen so that TWAP ticks move and
 * harmonic means tie and flicker.
 */
function generatedPool(
  rnd: () => number,
  tokens: [Address, Address],
  fee: number,
  startSec: number,
  endSec: number,
): PoolState {
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const cardinality = rnd() < 0.2 ? 1 : int(2, 8);
  const liquidities = [0n, 1n, 1000n, 10n ** 18n, 3n * 10n ** 18n];
  let tick = int(-400, 400);
  let liquidity = liquidities[int(0, liquidities.length - 1)]!;
  const observations: Observation[] = Array.from({ length: cardinality }, () => ({
    blockTimestamp: 1,
    tickCumulative: 0n,
    secondsPerLiquidityCumulativeX128: 0n,
    initialized: false,
  }));
  let last: Observation = {
    blockTimestamp: startSec % TWO_32,
    tickCumulative: BigInt.asIntN(56, BigInt(int(-1e6, 1e6)) << 30n),
    secondsPerLiquidityCumulativeX128: BigInt.asUintN(160, -(BigInt(int(0, 1e6)) << 120n)),
    initialized: true,
  };
  let index = 0;
  observations[0] = last;
  let now = startSec;
  for (let writes = int(0, 14); writes > 0; writes--) {
    now += int(1, 60);
    if (now > endSec) break;
    const dt = BigInt((now - last.blockTimestamp + TWO_32) % TWO_32);
    last = {
      blockTimestamp: now % TWO_32,
      tickCumulative: BigInt.asIntN(56, last.tickCumulative + BigInt(tick) * dt),
      secondsPerLiquidityCumulativeX128: BigInt.asUintN(
        160,
        last.secondsPerLiquidityCumulativeX128 + (dt << 128n) / (liquidity > 0n ? liquidity : 1n),
      ),
      initialized: true,
    };
    index = (index + 1) % cardinality;
    observations[index] = last;
    tick = int(-400, 400);
    liquidity = liquidities[int(0, liquidities.length - 1)]!;
  }
  const [t0, t1] = tokens[0] < tokens[1] ? tokens : [tokens[1], tokens[0]];
  return {
    address: `0x${(fee * 7 + t1.charCodeAt(41)).toString(16).padStart(40, '0')}` as Address,
    fee,
    token0: t0,
    token1: t1,
    token0Erc223: twin(t0),
    token1Erc223: twin(t1),
    initialized: true,
    sqrtPriceX96: 1n << 96n,
    tick,
    liquidity,
    ring: { index, cardinality, observations },
  };
}

/** Each second's value from the steps (undefined before the first step). */
function valueAt<T>(steps: readonly Step<T>[], t: number): T | undefined {
  let value: T | undefined;
  for (const step of steps) if (step.at <= t) value = step.value;
  return value;
}

function world(seed: number) {
  const rnd = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const kind: TwapOracleKind = rnd() < 0.5 ? 'twap-6e5e5c3' : 'twap-2d3ffd2';
  const window = int(3, 120);
  // Histories end near a common second, some of them across the uint32 clock wrap.
  const endSec = rnd() < 0.3 ? TWO_32 + int(-200, 200) : int(1_000_000, 2_000_000);
  const fromSec = endSec + int(0, 10);
  const pools: PoolState[] = [];
  for (const fee of [500, 3000, 10000]) {
    if (rnd() < 0.75) pools.push(generatedPool(rnd, [BASE, X], fee, endSec - int(0, 300), endSec));
    if (rnd() < 0.4) pools.push(generatedPool(rnd, [BASE, Y], fee, endSec - int(0, 300), endSec));
  }
  const oracle: TwapOracleParams = { kind, twapWindow: window, feeTiers: [500, 3000, 10000] };
  return {
    rnd,
    int,
    oracle,
    window,
    fromSec,
    toSec: fromSec + window + int(0, 60),
    pools,
    index: PoolIndex.from(pools),
  };
}

const SEEDS = 300;

describe('TWAP step functions against every second, on generated pools with no further events', () => {
  it('eligibility, TWAP tick and harmonic-mean steps are the per-second views', () => {
    let seconds = 0;
    let tickChanges = 0;
    let rankChanges = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { pools, window, fromSec, toSec } = world(seed);
      for (const state of pools) {
        const pool = observedPool(state)!;
        const from = eligibleFrom(pool, window, fromSec);
        const ticks = twapTickSteps(pool, window, fromSec, toSec);
        const ranks = harmonicMeanSteps(pool, window, fromSec, toSec);
        tickChanges += Math.max(0, ticks.length - 1);
        rankChanges += Math.max(0, ranks.length - 1);
        for (let t = fromSec; t <= toSec; t++) {
          const time = poolTime(BigInt(t));
          const eligible = poolCanServeWindow(pool, window, time);
          expect(from !== null && t >= from, `seed ${seed} t ${t} eligibility`).toBe(eligible);
          const tick = getTwapTick(pool, window, time);
          const mean = harmonicMeanLiquidity(pool, window, time);
          if (eligible) {
            expect(tick.ok && valueAt(ticks, t) === tick.value, `seed ${seed} t ${t} tick`).toBe(true);
            expect(mean.ok && valueAt(ranks, t) === mean.value, `seed ${seed} t ${t} rank`).toBe(true);
          } else {
            expect(valueAt(ticks, t), `seed ${seed} t ${t} no tick before eligibility`).toBeUndefined();
            expect(tick).toEqual({ ok: false, reason: 'OLD' });
          }
          seconds++;
        }
      }
    }
    console.log(
      `twapSteps: ${seconds} pool-seconds, ${tickChanges} tick changes, ${rankChanges} rank changes`,
    );
    expect(tickChanges).toBeGreaterThan(100);
    expect(rankChanges).toBeGreaterThan(100);
  });

  it('the pool choice steps are findPoolWithHighestLiquidity at every second', () => {
    let changes = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { oracle, index, fromSec, toSec } = world(seed);
      for (const asset of [X, Y]) {
        const steps = poolChoiceSteps(oracle, index, BASE, asset, fromSec, toSec);
        changes += steps.length - 1;
        for (let t = fromSec; t <= toSec; t++) {
          const found = findTwapPool(oracle, index, BASE, asset, poolTime(BigInt(t)));
          const expected = found.ok ? { ok: true, value: found.value.fee } : found;
          expect(valueAt(steps, t), `seed ${seed} t ${t}`).toEqual(expected);
        }
      }
    }
    expect(changes).toBeGreaterThan(50);
  });

  it('the first liquidatable second is the first second at which value < debt, by brute force', () => {
    let found = 0;
    let afterStart = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { int, oracle, index, fromSec, toSec, rnd } = world(seed);
      const assets = rnd() < 0.5 ? [BASE, X] : [BASE, X, Y];
      const balances = assets.map(
        () => BigInt(int(0, 3)) * 10n ** BigInt(int(15, 19)) + BigInt(int(0, 1000)),
      );
      const position = { assets, balances };
      const start = positionValue(oracle, index, position, fromSec);
      // Debt near the value, growing fast enough to cross it within the horizon in some worlds.
      const ib = start === null ? 10n ** 18n : (start * BigInt(int(90, 101))) / 100n + 1n;
      const line = debtLine(
        'gen2',
        ib,
        BigInt(int(0, 3)) * 10n ** BigInt(int(6, 9)),
        BigInt(fromSec - int(0, 50)),
      );
      let brute: number | null = null;
      for (let t = fromSec; t <= toSec && brute === null; t++) {
        const value = positionValue(oracle, index, position, t);
        if (value !== null && debtOnLine(line, BigInt(t)) > value) brute = t;
      }
      expect(firstLiquidatableSecond(oracle, index, position, line, fromSec, toSec), `seed ${seed}`).toBe(
        brute,
      );
      if (brute !== null) found++;
      if (brute !== null && brute > fromSec) afterStart++;
    }
    console.log(
      `firstLiquidatableSecond: ${found}/${SEEDS} worlds liquidatable in the horizon, ${afterStart} after its start`,
    );
    expect(found).toBeGreaterThan(20);
    expect(afterStart).toBeGreaterThan(10);
  });

  it('refuses a horizon that starts before the newest write (the ring would be read out of order)', () => {
    const { pools } = world(7);
    const withHistory = pools.find((p) => p.ring!.observations.filter((o) => o.initialized).length > 1)!;
    const pool = observedPool(withHistory)!;
    const newest = pool.ring.observations[pool.ring.index]!.blockTimestamp;
    const before = newest - 1 + (newest === 0 ? TWO_32 : 0);
    expect(() => twapTickSteps(pool, 10, before, before + 5)).toThrow(RangeError);
  });
});

describe('twapTickRange', () => {
  it.each(Array.from({ length: 120 }, (_, i) => 7000 + i))(
    'seed %i: brackets getTwapTick at every eligible second from the start, and is attained',
    (seed) => {
      const rnd = prng(seed);
      const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
      const window = int(3, 120);
      const endSec = rnd() < 0.3 ? TWO_32 + int(-200, 200) : int(1_000_000, 2_000_000);
      const state = generatedPool(rnd, [BASE, X], 3000, endSec - int(0, 300), endSec);
      const pool = observedPool(state)!;
      const fromSec = endSec + int(0, 10);
      const range = twapTickRange(pool, window, fromSec);
      let min = Infinity;
      let max = -Infinity;
      let first: number | null = null;
      // Past the newest write plus a window the tick is constant: a little beyond covers every piece.
      for (let t = fromSec; t <= fromSec + 300 + 2 * window; t++) {
        if (!poolCanServeWindow(pool, window, t % TWO_32)) continue;
        first ??= t;
        const tick = getTwapTick(pool, window, t % TWO_32);
        expect(tick.ok).toBe(true);
        if (!tick.ok) return;
        min = Math.min(min, tick.value);
        max = Math.max(max, tick.value);
      }
      if (first === null) {
        expect(range).toBeNull();
        return;
      }
      expect(range).toEqual({ min, max, eligibleAt: first });
      // And over a stretch that ends: the same brute force up to `to`.
      const to = fromSec + int(0, 200);
      let minTo = Infinity;
      let maxTo = -Infinity;
      let firstTo: number | null = null;
      for (let t = fromSec; t <= to; t++) {
        if (!poolCanServeWindow(pool, window, t % TWO_32)) continue;
        firstTo ??= t;
        const tick = getTwapTick(pool, window, t % TWO_32);
        if (!tick.ok) throw new Error(`tick reverts at ${t}`);
        minTo = Math.min(minTo, tick.value);
        maxTo = Math.max(maxTo, tick.value);
      }
      expect(twapTickRange(pool, window, fromSec, to)).toEqual(
        firstTo === null ? null : { min: minTo, max: maxTo, eligibleAt: firstTo },
      );
    },
  );
});

describe('twapRateBounds', () => {
  it("bracket 2d3ffd2's quote at every amount below 2^96, both directions, both sides of s = 2^128", () => {
    const rnd = prng(99);
    const ticks = [-887272, -500000, -100, 0, 1, 443636, 443637, 500000, 887271, 887272];
    for (let k = 0; k < 200; k++) ticks.push(Math.floor(rnd() * 1774545) - 887272);
    for (const tick of ticks) {
      const s = getSqrtRatioAtTick(tick);
      if (!s.ok) throw new Error(`tick ${tick}`);
      for (const sellIsToken0 of [true, false]) {
        const bounds = twapRateBounds(tick, sellIsToken0)!;
        for (const amount of [1n, 7n, 10n ** 18n, 123456789n * 10n ** 20n, (1n << 96n) - 1n]) {
          const quote = amountOut2d3ffd2(s.value, sellIsToken0, amount);
          expect(quote.ok).toBe(true);
          if (!quote.ok) continue;
          const a = Number(amount);
          expect(Number(quote.value)).toBeLessThanOrEqual(bounds.hi * a * (1 + 2 ** -50));
          expect(Number(quote.value)).toBeGreaterThanOrEqual(bounds.lo * a * (1 - 2 ** -50) - 1);
        }
      }
    }
  });

  it('the quote never falls as the rate rises: monotone in the tick for a fixed amount, rounding included', () => {
    const rnd = prng(100);
    for (let k = 0; k < 300; k++) {
      const tick = Math.floor(rnd() * 1774540) - 887272;
      const amount = BigInt(Math.floor(rnd() * 2 ** 40)) * BigInt(1 + Math.floor(rnd() * 2 ** 40));
      const amountSafe = amount % (1n << 96n) || 1n;
      for (const sellIsToken0 of [true, false]) {
        const at = (t: number) => {
          const q = amountOut2d3ffd2(
            getSqrtRatioAtTick(t).ok ? (getSqrtRatioAtTick(t) as { value: bigint }).value : 0n,
            sellIsToken0,
            amountSafe,
          );
          return q.ok ? q.value : -1n;
        };
        const [q0, q1] = [at(tick), at(tick + 1)];
        if (sellIsToken0) expect(q1 >= q0).toBe(true);
        else expect(q1 <= q0).toBe(true);
        expect(twapRateBounds(tick + 1, sellIsToken0)!.lo >= twapRateBounds(tick, sellIsToken0)!.lo).toBe(
          sellIsToken0,
        );
      }
    }
  });
});
