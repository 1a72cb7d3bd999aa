import { describe, expect, it } from 'vitest';
import type { Observation } from '../model/types.js';
import {
  lte,
  observe,
  observeSingle,
  transform,
  type Cumulatives,
  type ObservedPool,
} from './observeSingle.js';
import { seededRandom } from '../../../test/support/seededRandom.js';

const TWO_32 = 2 ** 32;

/** Deterministic (mulberry32), so that a failing case can be replayed from its seed. */
const prng = (seed: number): (() => number) => seededRandom(seed).next;

interface Write {
  /** Absolute time (may exceed 2^32). */
  at: number;
  tickCumulative: bigint;
  secondsPerLiquidity: bigint;
}

/**
 * A pool's history written the way the pool writes it: initialize at `start`, then one write per event with the
 * tick and liquidity that held before it. The reference keeps absolute times and unwrapped sums; the ring keeps
 * only the last `cardinality` writes, uint32 times, and cumulatives offset by large constants so that int56 and
 * uint160 wrap.
 */
function scenario(seed: number) {
  const rnd = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const start = rnd() < 0.5 ? TWO_32 - int(1, 4000) : int(1_000_000, 2_000_000_000);
  const cardinality = rnd() < 0.2 ? 1 : int(2, 12);
  const tickOffset = rnd() < 0.5 ? 0n : BigInt.asIntN(56, (1n << 55n) - BigInt(int(0, 5_000_000)));
  const splOffset = rnd() < 0.5 ? 0n : (1n << 160n) - BigInt(int(0, 1 << 30)) * (1n << 100n);
  const randomTick = () => (rnd() < 0.1 ? int(-887272, 887272) : int(-3000, 3000));
  const randomLiquidity = () =>
    rnd() < 0.2 ? 0n : BigInt(int(1, 1_000_000)) * BigInt(int(1, 1_000_000_000));

  let tick = randomTick();
  let liquidity = randomLiquidity();
  const writes: Write[] = [{ at: start, tickCumulative: 0n, secondsPerLiquidity: 0n }];
  let now = start;
  for (let n = int(0, 20); n > 0; n--) {
    now += int(1, 900);
    const last = writes[writes.length - 1]!;
    const dt = BigInt(now - last.at);
    writes.push({
      at: now,
      tickCumulative: last.tickCumulative + BigInt(tick) * dt,
      secondsPerLiquidity: last.secondsPerLiquidity + (dt << 128n) / (liquidity > 0n ? liquidity : 1n),
    });
    tick = randomTick();
    liquidity = randomLiquidity();
  }

  const observations: Observation[] = Array.from({ length: cardinality }, () => ({
    blockTimestamp: 1,
    tickCumulative: 0n,
    secondsPerLiquidityCumulativeX128: 0n,
    initialized: false,
  }));
  let index = 0;
  writes.forEach((w, k) => {
    index = k % cardinality;
    observations[index] = {
      blockTimestamp: w.at % TWO_32,
      tickCumulative: BigInt.asIntN(56, w.tickCumulative + tickOffset),
      secondsPerLiquidityCumulativeX128: BigInt.asUintN(160, w.secondsPerLiquidity + splOffset),
      initialized: true,
    };
  });
  const pool: ObservedPool = { tick, liquidity, ring: { index, cardinality, observations } };
  const kept = writes.slice(-cardinality);

  /** What observe must return at absolute time `now` for `secondsAgo`, from the absolute history. */
  function reference(nowAbs: number, secondsAgo: number): Cumulatives | 'OLD' {
    const target = nowAbs - secondsAgo;
    const newest = kept[kept.length - 1]!;
    let tc: bigint;
    let spl: bigint;
    if (target >= newest.at) {
      const dt = BigInt(target - newest.at);
      tc = newest.tickCumulative + BigInt(tick) * dt;
      spl = newest.secondsPerLiquidity + (dt << 128n) / (liquidity > 0n ? liquidity : 1n);
    } else {
      if (target < kept[0]!.at) return 'OLD';
      const after = kept.findIndex((w) => w.at >= target);
      const a = kept[after]!;
      if (a.at === target) {
        tc = a.tickCumulative;
        spl = a.secondsPerLiquidity;
      } else {
        const b = kept[after - 1]!;
        const span = BigInt(a.at - b.at);
        const into = BigInt(target - b.at);
        tc = b.tickCumulative + ((a.tickCumulative - b.tickCumulative) / span) * into;
        spl = b.secondsPerLiquidity + ((a.secondsPerLiquidity - b.secondsPerLiquidity) * into) / span;
      }
    }
    return {
      tickCumulative: BigInt.asIntN(56, tc + tickOffset),
      secondsPerLiquidityCumulativeX128: BigInt.asUintN(160, spl + splOffset),
    };
  }
  return { pool, writes, now, reference, int };
}

describe('Uniswap observe emulated from a mirrored ring', () => {
  it('matches an absolute-time reference on generated histories (wraps of uint32, int56 and uint160 included)', () => {
    let queries = 0;
    let olds = 0;
    let wrappedTime = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const { pool, writes, now, reference, int } = scenario(seed);
      const first = writes[0]!.at;
      for (let q = 0; q < 12; q++) {
        const nowAbs = now + (q === 0 ? 0 : int(0, 2000));
        const secondsAgo = q === 1 ? 0 : int(0, nowAbs - first + 50);
        const time = nowAbs % TWO_32;
        const got = observeSingle(pool, time, secondsAgo);
        const want = reference(nowAbs, secondsAgo);
        if (want === 'OLD') olds++;
        if (Math.floor((nowAbs - secondsAgo) / TWO_32) !== Math.floor(nowAbs / TWO_32)) wrappedTime++;
        expect(got, `seed ${seed} now ${nowAbs} ago ${secondsAgo}`).toEqual(
          want === 'OLD' ? { ok: false, reason: 'OLD' } : { ok: true, value: want },
        );
        queries++;
      }
    }
    expect(queries).toBe(1500 * 12);
    // The generator must actually reach the branches it is meant to test.
    expect(olds).toBeGreaterThan(100);
    expect(wrappedTime).toBeGreaterThan(100);
  });

  it('divides the tick difference (toward zero) before multiplying when interpolating', () => {
    const at = (ts: number, tc: bigint): Observation => ({
      blockTimestamp: ts,
      tickCumulative: tc,
      secondsPerLiquidityCumulativeX128: 0n,
      initialized: true,
    });
    // −7 over 2 s: the contract steps by trunc(−3.5) = −3, where floor would give −4 and exact −3.5.
    const pool: ObservedPool = {
      tick: 0,
      liquidity: 1n,
      ring: { index: 1, cardinality: 2, observations: [at(100, 0n), at(102, -7n)] },
    };
    expect(observeSingle(pool, 102, 1)).toEqual({
      ok: true,
      value: { tickCumulative: -3n, secondsPerLiquidityCumulativeX128: 0n },
    });
    expect(observeSingle(pool, 102, 3)).toEqual({ ok: false, reason: 'OLD' });
    expect(observe({ ...pool, ring: { index: 0, cardinality: 0, observations: [] } }, 102, [0])).toEqual({
      ok: false,
      reason: 'I',
    });
  });

  it('transforms with the current tick and liquidity 0 counted as 1, wrapping', () => {
    const last: Observation = {
      blockTimestamp: TWO_32 - 2,
      tickCumulative: (1n << 55n) - 1n,
      secondsPerLiquidityCumulativeX128: (1n << 160n) - 1n,
      initialized: true,
    };
    expect(transform(last, 3, 2, 0n)).toEqual({
      blockTimestamp: 3,
      tickCumulative: -(1n << 55n) + 9n,
      secondsPerLiquidityCumulativeX128: (5n << 128n) - 1n,
      initialized: true,
    });
  });

  it('orders uint32 times across one wrap', () => {
    expect(lte(5, TWO_32 - 1, 3)).toBe(true);
    expect(lte(5, 3, TWO_32 - 1)).toBe(false);
    expect(lte(5, 2, 3)).toBe(true);
    expect(lte(5, TWO_32 - 2, TWO_32 - 1)).toBe(true);
  });
});
