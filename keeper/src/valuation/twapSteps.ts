import type { Address, PositionState } from '../model/types.js';
import type { DebtLine } from './DebtLine.js';
import type { EvmOutcome } from './EvmOutcome.js';
import { findTwapPool, type TwapOracleParams } from './findTwapPool.js';
import { liquidationTime } from './liquidationTime.js';
import { poolTime, type ObservedPool } from './observeSingle.js';
import type { PoolIndex } from './PoolIndex.js';
import { quoteTwap } from './quoteTwap.js';
import { observedPool } from './twapViews.js';
import { wrapUint } from './wrapUint.js';

/** A value that holds from the absolute second `at` up to the next step's `at` (or the horizon's end). */
export interface Step<T> {
  readonly at: number;
  readonly value: T;
}

/** One ring observation on the absolute timeline, cumulatives rebased so their differences are exact. */
interface Point {
  readonly at: number;
  readonly tickCumulative: bigint;
  readonly secondsPerLiquidity: bigint;
}

/**
 * Why pools "with no further events" are piecewise simple: over a horizon with no write, `observe(0)` is the newest
 * observation carried forward at the current tick and liquidity, and `observe(W)` walks the ring's segments, each
 * interpolated linearly (with the truncated step). So the TWAP tick's numerator Δ(T) is linear between the seconds
 * at which T − W meets an observation, and the tick floor(Δ/W) changes only where Δ crosses a multiple of W.
 *
 * Preconditions, as for a keeper looking ahead: the horizon starts at or after the pool's newest write, and the
 * ring's oldest observation is less than 2^32 − (horizon length) seconds old (the uint32 clocks wrap at most once).
 */
const TWO_32 = 2 ** 32;
const MAX_UINT160 = (1n << 160n) - 1n;

/** The ring's initialised observations, oldest first, placed on the absolute timeline of `nowSec`. */
function timeline(pool: ObservedPool, nowSec: number): Point[] {
  const { ring } = pool;
  if (ring.cardinality === 0) return [];
  const next = ring.observations[(ring.index + 1) % ring.cardinality];
  const start = next?.initialized ? (ring.index + 1) % ring.cardinality : 0;
  const now32 = nowSec % TWO_32;
  const points: Point[] = [];
  let rawTick = 0n;
  let rawSpl = 0n;
  for (let n = 0; n < ring.cardinality; n++) {
    const slot = (start + n) % ring.cardinality;
    const o = ring.observations[slot];
    if (o?.initialized) {
      const at = nowSec - ((now32 - o.blockTimestamp + TWO_32) % TWO_32);
      const previous = points[points.length - 1];
      // An observation newer than `nowSec` lands 2^32 s back, out of order: the horizon starts too early.
      if (previous && at <= previous.at)
        throw new RangeError(`horizon starts before the pool's newest write`);
      points.push(
        previous
          ? {
              at,
              tickCumulative: previous.tickCumulative + BigInt.asIntN(56, o.tickCumulative - rawTick),
              secondsPerLiquidity:
                previous.secondsPerLiquidity +
                BigInt.asUintN(160, o.secondsPerLiquidityCumulativeX128 - rawSpl),
            }
          : {
              at,
              tickCumulative: o.tickCumulative,
              secondsPerLiquidity: o.secondsPerLiquidityCumulativeX128,
            },
      );
      rawTick = o.tickCumulative;
      rawSpl = o.secondsPerLiquidityCumulativeX128;
    }
    if (slot === ring.index) break;
  }
  return points;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** The first second from which `poolCanServeWindow` holds (it stays so under the preconditions); null: never. */
export function eligibleFrom(pool: ObservedPool, window: number, nowSec: number): number | null {
  const first = timeline(pool, nowSec)[0];
  return first ? first.at + window : null;
}

/**
 * `getTwapTick` over [fromSec, toSec] as steps, from the first eligible second on (before it, the tick reverts
 * "OLD" and no oracle reads it). Work is proportional to the ring's size plus the number of steps.
 */
export function twapTickSteps(
  pool: ObservedPool,
  window: number,
  fromSec: number,
  toSec: number,
): Step<number>[] {
  const points = timeline(pool, fromSec);
  const steps: Step<number>[] = [];
  if (points.length === 0) return steps;
  const w = BigInt(window);
  const last = points[points.length - 1]!;
  const tick = BigInt(pool.tick);
  const push = (at: number, delta: bigint) => {
    const value = Number(BigInt.asIntN(24, floorDiv(delta, w)));
    if (steps.length === 0 || steps[steps.length - 1]!.value !== value) steps.push({ at, value });
  };
  for (let k = 0; k < points.length; k++) {
    const p = points[k]!;
    const q = points[k + 1];
    // Seconds T whose target T − W lies in [p.at, q.at): there observe(W) = p + step·(T − W − p.at).
    const pieceFrom = Math.max(p.at + window, fromSec);
    const pieceTo = Math.min(q ? q.at + window - 1 : Infinity, toSec);
    if (pieceFrom > pieceTo) continue;
    const stepK = q ? (q.tickCumulative - p.tickCumulative) / BigInt(q.at - p.at) : tick;
    const slope = tick - stepK;
    const deltaAt = (t: number) =>
      last.tickCumulative +
      tick * BigInt(t - last.at) -
      (p.tickCumulative + stepK * BigInt(t - window - p.at));
    const d0 = deltaAt(pieceFrom);
    push(pieceFrom, d0);
    if (slope === 0n) continue;
    // Jump from one crossing of a multiple of W to the next: output-sensitive, however long the piece.
    let t = pieceFrom;
    for (;;) {
      const v = floorDiv(deltaAt(t), w);
      const offset =
        slope > 0n
          ? ((v + 1n) * w - d0 + slope - 1n) / slope // least offset with Δ ≥ (v+1)·W
          : (d0 - v * w) / -slope + 1n; // least offset with Δ < v·W
      const next = pieceFrom + Number(offset);
      if (next > pieceTo) break;
      push(next, deltaAt(next));
      t = next;
    }
  }
  return steps;
}

/**
 * 2d3ffd2's `harmonicMeanLiquidity` over [fromSec, toSec] as steps, from the first eligible second on. Its δ is a
 * difference of floors, so the rank can flicker by one unit every few seconds even at constant liquidity (and with
 * it a tie between pools); there is no shortcut, and this walks the seconds with closed forms per segment.
 */
export function harmonicMeanSteps(
  pool: ObservedPool,
  window: number,
  fromSec: number,
  toSec: number,
): Step<bigint>[] {
  const points = timeline(pool, fromSec);
  const steps: Step<bigint>[] = [];
  if (points.length === 0) return steps;
  const last = points[points.length - 1]!;
  const divisor = pool.liquidity > 0n ? pool.liquidity : 1n;
  const numerator = BigInt(window) * MAX_UINT160;
  const carried = (t: number) => last.secondsPerLiquidity + (BigInt(t - last.at) << 128n) / divisor;
  let k = 0;
  for (let t = Math.max(fromSec, points[0]!.at + window); t <= toSec; t++) {
    const target = t - window;
    while (k + 1 < points.length && points[k + 1]!.at <= target) k++;
    const p = points[k]!;
    const q = points[k + 1];
    const older = q
      ? p.secondsPerLiquidity +
        ((q.secondsPerLiquidity - p.secondsPerLiquidity) * BigInt(target - p.at)) / BigInt(q.at - p.at)
      : carried(target);
    const delta = carried(t) - older;
    const value = delta === 0n ? 0n : BigInt.asUintN(128, numerator / (delta << 32n));
    if (steps.length === 0 || steps[steps.length - 1]!.value !== value) steps.push({ at: t, value });
  }
  return steps;
}

/**
 * `findPoolWithHighestLiquidity(a, b)` over [fromSec, toSec] as steps: the chosen fee tier, or the revert. Pools
 * change rank only at their eligibility second and at their rank steps, so the winner is re-decided only there.
 * A tier whose pool has no mirrored ring ends the walk with that reason at the first second.
 */
export function poolChoiceSteps(
  oracle: TwapOracleParams,
  pools: PoolIndex,
  tokenA: Address,
  tokenB: Address,
  fromSec: number,
  toSec: number,
): Step<EvmOutcome<number>>[] {
  const first = findTwapPool(oracle, pools, tokenA, tokenB, poolTime(BigInt(fromSec)));
  if (!first.ok && first.reason !== 'Oracle: no pool found') return [{ at: fromSec, value: first }];
  const tiers: { fee: number; from: number | null; ranks: Step<bigint>[] }[] = [];
  const breaks = new Set<number>([fromSec]);
  for (const fee of oracle.feeTiers) {
    const state = pools.get(tokenA, tokenB, fee);
    const pool = state && observedPool(state);
    if (!pool) continue;
    const from = eligibleFrom(pool, oracle.twapWindow, fromSec);
    const ranks =
      oracle.kind === 'twap-2d3ffd2'
        ? harmonicMeanSteps(pool, oracle.twapWindow, fromSec, toSec)
        : [{ at: from ?? fromSec, value: pool.liquidity }];
    tiers.push({ fee, from, ranks });
    if (from !== null && from > fromSec && from <= toSec) breaks.add(from);
    for (const r of ranks) if (r.at > fromSec && r.at <= toSec) breaks.add(r.at);
  }
  const steps: Step<EvmOutcome<number>>[] = [];
  const cursor = tiers.map(() => 0);
  for (const at of [...breaks].sort((x, y) => x - y)) {
    let best: { fee: number; rank: bigint } | undefined;
    tiers.forEach((tier, i) => {
      if (tier.from === null || at < tier.from) return;
      while (cursor[i]! + 1 < tier.ranks.length && tier.ranks[cursor[i]! + 1]!.at <= at) cursor[i]! += 1;
      const rank = tier.ranks[cursor[i]!]!.value;
      if (best === undefined || rank >= best.rank) best = { fee: tier.fee, rank };
    });
    const chosen = best as { fee: number; rank: bigint } | undefined;
    const value: EvmOutcome<number> = chosen
      ? { ok: true, value: chosen.fee }
      : { ok: false, reason: 'Oracle: no pool found' };
    const previous = steps[steps.length - 1]?.value;
    const same =
      previous !== undefined &&
      previous.ok === value.ok &&
      (previous.ok ? previous.value === (value as { value: number }).value : true);
    if (!same) steps.push({ at, value });
  }
  return steps;
}

/**
 * The first second in [fromSec, toSec] at which `subjectToLiquidation` holds (value < debt) for a position valued
 * by a TWAP oracle over pools with no further events; null when none. The horizon is cut at every second where
 * any candidate pool's TWAP tick or the pool choice of any of the position's pairs changes; within each piece
 * every quote is constant, so the value is computed once (bit-exact, reverts included: a reverting value is never
 * liquidatable) and the debt's own first crossing comes from `liquidationTime`, exact even where debt wraps.
 */
export function firstLiquidatableSecond(
  oracle: TwapOracleParams,
  pools: PoolIndex,
  position: Pick<PositionState, 'assets' | 'balances'>,
  line: DebtLine,
  fromSec: number,
  toSec: number,
): number | null {
  const base = position.assets[0];
  if (base === undefined || fromSec > toSec) return null;
  const breaks = new Set<number>([fromSec]);
  for (const asset of position.assets.slice(1)) {
    for (const step of poolChoiceSteps(oracle, pools, base, asset, fromSec, toSec)) breaks.add(step.at);
    for (const fee of oracle.feeTiers) {
      const state = pools.get(base, asset, fee);
      const pool = state && observedPool(state);
      if (!pool) continue;
      for (const step of twapTickSteps(pool, oracle.twapWindow, fromSec, toSec)) breaks.add(step.at);
    }
  }
  const sorted = [...breaks].filter((t) => t >= fromSec && t <= toSec).sort((x, y) => x - y);
  for (let j = 0; j < sorted.length; j++) {
    const at = sorted[j]!;
    const end = j + 1 < sorted.length ? sorted[j + 1]! - 1 : toSec;
    const value = positionValue(oracle, pools, position, at);
    if (value === null) continue;
    const t = liquidationTime(line, value, BigInt(at));
    if (t !== null && t <= BigInt(end)) return Number(t);
  }
  return null;
}

/** `getPositionStatus`'s value at `atSec`: balances[0] + Σ quotes, wrapping; null when a quote reverts. */
export function positionValue(
  oracle: TwapOracleParams,
  pools: PoolIndex,
  position: Pick<PositionState, 'assets' | 'balances'>,
  atSec: number,
): bigint | null {
  const { assets, balances } = position;
  let value = balances[0] ?? 0n;
  for (let i = 1; i < assets.length; i++) {
    const quote = quoteTwap(
      oracle,
      pools,
      assets[0]!,
      assets[i]!,
      balances[i] ?? 0n,
      poolTime(BigInt(atSec)),
    );
    if (!quote.ok) return null;
    value = wrapUint(value + quote.value);
  }
  return value;
}

/** How far `twapTickRange` looks at most: callers file nothing later than this after its first second. */
export const TICK_RANGE_MAX_SEC = 2 ** 30;

/** The least and greatest TWAP tick a pool shows over a stretch of seconds, and the first second it shows one. */
export interface TickRange {
  readonly min: number;
  readonly max: number;
  /** The first second ≥ fromSec at which the pool can serve the window (eligible from then on). */
  readonly eligibleAt: number;
}

/**
 * The range of `getTwapTick` over every second T in [fromSec, min(toSec, fromSec + 2^30)] at which the pool can serve the window, if the pool has
 * no further events (same preconditions as `twapTickSteps`); null when it never can. Why endpoints suffice: between
 * the seconds at which T − W meets an observation, Δ(T) is linear in T (the interpolation's truncated step is fixed
 * there), so its least and greatest values over a piece are at the piece's ends, and floor(Δ/W) is monotone in Δ;
 * once T − W passes the newest write, Δ = tick·W for good. Cost: the ring's size, however long the stretch.
 */
export function twapTickRange(
  pool: ObservedPool,
  window: number,
  fromSec: number,
  toSec = Infinity,
): TickRange | null {
  const points = timeline(pool, fromSec);
  if (points.length === 0) return null;
  // The pool reads its ring in uint32 time: once the oldest write is 2^32 s old it looks brand new again (the
  // pool stops serving the window). Only a ring left from another branch (a write after fromSec) gets there soon.
  if (points[0]!.at + TWO_32 <= Math.min(toSec, fromSec + TICK_RANGE_MAX_SEC))
    throw new RangeError(`the ring's oldest write wraps the pool's clock within the stretch`);
  const w = BigInt(window);
  const last = points[points.length - 1]!;
  const tick = BigInt(pool.tick);
  let min = Infinity;
  let max = -Infinity;
  const see = (delta: bigint) => {
    const value = Number(BigInt.asIntN(24, floorDiv(delta, w)));
    if (value < min) min = value;
    if (value > max) max = value;
  };
  for (let k = 0; k < points.length; k++) {
    const p = points[k]!;
    const q = points[k + 1];
    const pieceFrom = Math.max(p.at + window, fromSec);
    const pieceTo = Math.min(q ? q.at + window - 1 : Infinity, toSec);
    if (pieceFrom > pieceTo) continue;
    const stepK = q ? (q.tickCumulative - p.tickCumulative) / BigInt(q.at - p.at) : tick;
    const deltaAt = (t: number) =>
      last.tickCumulative +
      tick * BigInt(t - last.at) -
      (p.tickCumulative + stepK * BigInt(t - window - p.at));
    see(deltaAt(pieceFrom));
    if (q && pieceTo !== Infinity) see(deltaAt(pieceTo));
  }
  if (min === Infinity) return null;
  return { min, max, eligibleAt: Math.max(points[0]!.at + window, fromSec) };
}
