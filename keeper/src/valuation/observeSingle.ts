import type { Observation, ObservationRing } from '../model/types.js';
import { failure, success, type EvmOutcome } from './EvmOutcome.js';

/** The two accumulators `observe` returns for one `secondsAgo`. */
export interface Cumulatives {
  /** int56 */
  readonly tickCumulative: bigint;
  /** uint160 */
  readonly secondsPerLiquidityCumulativeX128: bigint;
}

/** What a pool's `observe` reads besides the ring: the current `slot0.tick` and `liquidity()`. */
export interface ObservedPool {
  readonly tick: number;
  readonly liquidity: bigint;
  readonly ring: ObservationRing;
}

const TWO_32 = 2 ** 32;
const int56 = (x: bigint) => BigInt.asIntN(56, x);
const uint160 = (x: bigint) => BigInt.asUintN(160, x);
const uint32 = (x: number) => ((x % TWO_32) + TWO_32) % TWO_32;

/** `uint32(block.timestamp)`, the pool's clock. */
export const poolTime = (timestampSec: bigint): number => Number(BigInt.asUintN(32, timestampSec));

/**
 * Oracle.transform: `last` carried forward to `timestamp` at a constant `tick` and `liquidity`. The elapsed time is
 * a uint32 difference (one wrap), the tick sum wraps as int56 and seconds-per-liquidity as uint160; liquidity 0
 * counts as 1.
 */
export function transform(
  last: Observation,
  timestamp: number,
  tick: number,
  liquidity: bigint,
): Observation {
  const delta = BigInt(uint32(timestamp - last.blockTimestamp));
  return {
    blockTimestamp: timestamp,
    tickCumulative: int56(last.tickCumulative + int56(BigInt(tick) * delta)),
    secondsPerLiquidityCumulativeX128: uint160(
      last.secondsPerLiquidityCumulativeX128 + (delta << 128n) / (liquidity > 0n ? liquidity : 1n),
    ),
    initialized: true,
  };
}

/**
 * Oracle.lte: a ≤ b in time order as seen at `time`, for timestamps at most one uint32 wrap apart. Values above
 * `time` are taken to lie before the last wrap.
 */
export function lte(time: number, a: number, b: number): boolean {
  if (a <= time && b <= time) return a <= b;
  const aAdjusted = a > time ? a : a + TWO_32;
  const bAdjusted = b > time ? b : b + TWO_32;
  return aAdjusted <= bAdjusted;
}

/**
 * Oracle.observeSingle for one `secondsAgo` at pool time `time` (uint32): the newest slot carried to `time`, or the
 * observations around `time − secondsAgo` (the newest one transformed with the current tick and liquidity when the
 * target is later; "OLD" when the oldest is later than the target), interpolated with the contract's rounding.
 * Does not check the cardinality: `observe` does that ("I").
 */
export function observeSingle(pool: ObservedPool, time: number, secondsAgo: number): EvmOutcome<Cumulatives> {
  const { ring, tick, liquidity } = pool;
  if (secondsAgo === 0) {
    let last = slot(ring, ring.index);
    if (last.blockTimestamp !== time) last = transform(last, time, tick, liquidity);
    return success(cumulatives(last));
  }
  const target = uint32(time - secondsAgo);
  const around = surroundingObservations(pool, time, target);
  if (!around.ok) return around;
  const [beforeOrAt, atOrAfter] = around.value;
  if (target === beforeOrAt.blockTimestamp) return success(cumulatives(beforeOrAt));
  if (target === atOrAfter.blockTimestamp) return success(cumulatives(atOrAfter));
  const observationTimeDelta = BigInt(uint32(atOrAfter.blockTimestamp - beforeOrAt.blockTimestamp));
  const targetDelta = BigInt(uint32(target - beforeOrAt.blockTimestamp));
  // int56 division truncates toward zero (as BigInt's does) and comes before the multiply: the contract's order.
  const tickStep = int56(atOrAfter.tickCumulative - beforeOrAt.tickCumulative) / observationTimeDelta;
  const splDelta = uint160(
    atOrAfter.secondsPerLiquidityCumulativeX128 - beforeOrAt.secondsPerLiquidityCumulativeX128,
  );
  return success({
    tickCumulative: int56(beforeOrAt.tickCumulative + int56(tickStep * targetDelta)),
    secondsPerLiquidityCumulativeX128: uint160(
      beforeOrAt.secondsPerLiquidityCumulativeX128 + uint160((splDelta * targetDelta) / observationTimeDelta),
    ),
  });
}

/** UniswapV3Pool.observe for several `secondsAgo`: "I" on an uninitialised pool, else each in turn. */
export function observe(
  pool: ObservedPool,
  time: number,
  secondsAgos: readonly number[],
): EvmOutcome<Cumulatives[]> {
  if (pool.ring.cardinality <= 0) return failure('I');
  const out: Cumulatives[] = [];
  for (const secondsAgo of secondsAgos) {
    const one = observeSingle(pool, time, secondsAgo);
    if (!one.ok) return one;
    out.push(one.value);
  }
  return success(out);
}

/** The oldest initialised slot: the one after the newest, or slot 0 while the ring has not filled once. */
export function oldestObservation(ring: ObservationRing): Observation {
  const next = slot(ring, (ring.index + 1) % ring.cardinality);
  return next.initialized ? next : slot(ring, 0);
}

function surroundingObservations(
  pool: ObservedPool,
  time: number,
  target: number,
): EvmOutcome<[Observation, Observation]> {
  const { ring, tick, liquidity } = pool;
  const newest = slot(ring, ring.index);
  if (lte(time, newest.blockTimestamp, target)) {
    // At the newest slot itself the contract leaves atOrAfter zeroed; observeSingle never reads it then.
    if (newest.blockTimestamp === target) return success([newest, EMPTY]);
    return success([newest, transform(newest, target, tick, liquidity)]);
  }
  if (!lte(time, oldestObservation(ring).blockTimestamp, target)) return failure('OLD');
  return binarySearch(ring, time, target);
}

/**
 * Oracle.binarySearch over the ring from the oldest slot to the newest; uninitialised slots push `l` up. A
 * consistent ring ends within log2(65535) + 1 steps; an inconsistent one would spin in the contract until it runs
 * out of gas, which is what the step bound reports.
 */
function binarySearch(
  ring: ObservationRing,
  time: number,
  target: number,
): EvmOutcome<[Observation, Observation]> {
  const cardinality = ring.cardinality;
  let l = (ring.index + 1) % cardinality;
  let r = l + cardinality - 1;
  for (let step = 0; step < MAX_SEARCH_STEPS; step++) {
    const i = Math.floor((l + r) / 2);
    const beforeOrAt = slot(ring, i % cardinality);
    if (!beforeOrAt.initialized) {
      l = i + 1;
      continue;
    }
    const atOrAfter = slot(ring, (i + 1) % cardinality);
    const targetAtOrAfter = lte(time, beforeOrAt.blockTimestamp, target);
    if (targetAtOrAfter && lte(time, target, atOrAfter.blockTimestamp))
      return success([beforeOrAt, atOrAfter]);
    if (!targetAtOrAfter) r = i - 1;
    else l = i + 1;
  }
  return failure(OUT_OF_GAS);
}

const MAX_SEARCH_STEPS = 64;
/** Not a revert reason: the call never returns. */
export const OUT_OF_GAS = 'out of gas';

const EMPTY: Observation = {
  blockTimestamp: 0,
  tickCumulative: 0n,
  secondsPerLiquidityCumulativeX128: 0n,
  initialized: false,
};

/** A slot the mirror lacks reads as the contract's zeroed storage. */
function slot(ring: ObservationRing, i: number): Observation {
  return ring.observations[i] ?? EMPTY;
}

function cumulatives(o: Observation): Cumulatives {
  return {
    tickCumulative: o.tickCumulative,
    secondsPerLiquidityCumulativeX128: o.secondsPerLiquidityCumulativeX128,
  };
}
