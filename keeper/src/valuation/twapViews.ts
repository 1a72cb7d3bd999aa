import type { PoolState } from '../model/types.js';
import { success, type EvmOutcome } from './EvmOutcome.js';
import { getSqrtRatioAtTick } from './getSqrtRatioAtTick.js';
import { observe, oldestObservation, type Cumulatives, type ObservedPool } from './observeSingle.js';

/**
 * Not a contract revert: the pool's ring is not in the mirror, so nothing about its TWAP can be said. Models turn
 * it into "value this oracle on chain", never into a revert.
 */
export const RING_NOT_MIRRORED = 'ring not mirrored';

const MAX_UINT160 = (1n << 160n) - 1n;

/** The pool as `observe` sees it, or undefined when the mirror has no ring for it. */
export function observedPool(pool: PoolState): ObservedPool | undefined {
  return pool.ring ? { tick: pool.tick, liquidity: pool.liquidity, ring: pool.ring } : undefined;
}

/**
 * The TWAP oracles' `poolCanServeWindow`: the oldest slot (as `observe` picks it) is at least `window` seconds old
 * in uint32 time; an uninitialised pool (cardinality 0) cannot serve.
 */
export function poolCanServeWindow(pool: ObservedPool, window: number, time: number): boolean {
  if (pool.ring.cardinality === 0) return false;
  const age = (time - oldestObservation(pool.ring).blockTimestamp + 2 ** 32) % 2 ** 32;
  return age >= window;
}

/**
 * `getTwapTick`: the mean tick over [time − window, time] from `observe([window, 0])`, rounded toward −∞
 * (truncating int56 division, then one down for a negative inexact quotient), narrowed to int24 unchecked.
 */
export function getTwapTick(pool: ObservedPool, window: number, time: number): EvmOutcome<number> {
  const observed = observe(pool, time, [window, 0]);
  if (!observed.ok) return observed;
  const [older, newer] = observed.value as [Cumulatives, Cumulatives];
  const delta = BigInt.asIntN(56, newer.tickCumulative - older.tickCumulative);
  const w = BigInt(window);
  let tick = delta / w;
  if (delta < 0n && delta % w !== 0n) tick -= 1n;
  return success(Number(BigInt.asIntN(24, tick)));
}

/** `getTwapSqrtPriceX96`: TickMath at the TWAP tick (its "T" revert cannot fire on a mean of valid ticks). */
export function getTwapSqrtPriceX96(pool: ObservedPool, window: number, time: number): EvmOutcome<bigint> {
  const tick = getTwapTick(pool, window, time);
  return tick.ok ? getSqrtRatioAtTick(tick.value) : tick;
}

/**
 * 2d3ffd2's `harmonicMeanLiquidity`: window·(2^160 − 1) / (δ·2^32) with δ the uint160 growth of
 * seconds-per-liquidity over the window (0 when δ is 0), truncated to uint128. Liquidity 0 in the pool counts as
 * 1 in δ, so a window spent entirely out of range ranks 0.
 */
export function harmonicMeanLiquidity(pool: ObservedPool, window: number, time: number): EvmOutcome<bigint> {
  const observed = observe(pool, time, [window, 0]);
  if (!observed.ok) return observed;
  const [older, newer] = observed.value as [Cumulatives, Cumulatives];
  const delta = BigInt.asUintN(
    160,
    newer.secondsPerLiquidityCumulativeX128 - older.secondsPerLiquidityCumulativeX128,
  );
  if (delta === 0n) return success(0n);
  return success(BigInt.asUintN(128, (BigInt(window) * MAX_UINT160) / (delta << 32n)));
}
