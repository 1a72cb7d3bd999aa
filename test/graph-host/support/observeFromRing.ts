/**
 * Uniswap v3's `observe()` computed from a mirrored pool (slot0, liquidity, the ring) at any `time`, with the
 * pool's Solidity 0.7.6 arithmetic: int56 and uint160 wrap, the interpolated tick slope truncates toward zero
 * before it is multiplied. It exists to show that the subgraph's ring is enough to answer observe() without a
 * call; `undefined` stands for the pool's revert ("OLD" for a target older than the ring, "I" for no ring).
 */
export interface RingSlot {
  blockTimestamp: bigint;
  tickCumulative: bigint;
  secondsPerLiquidityCumulativeX128: bigint;
  initialized: boolean;
}

export interface MirroredPool {
  tick: number;
  liquidity: bigint;
  observationIndex: number;
  observationCardinality: number;
  /** Slot i at ring[i], for every i < observationCardinality. */
  ring: readonly RingSlot[];
}

export interface Observation {
  tickCumulative: bigint;
  secondsPerLiquidityCumulativeX128: bigint;
}

const U32 = 2n ** 32n;
const U160 = 2n ** 160n;
const I56 = 2n ** 56n;

const wrapU32 = (x: bigint): bigint => ((x % U32) + U32) % U32;
const wrapU160 = (x: bigint): bigint => ((x % U160) + U160) % U160;
function wrapI56(x: bigint): bigint {
  const u = ((x % I56) + I56) % I56;
  return u >= I56 / 2n ? u - I56 : u;
}

// Chronological a <= b when both lie within the 2^32 seconds before `time`.
function lte(time: bigint, a: bigint, b: bigint): boolean {
  if (a <= time && b <= time) return a <= b;
  const aAdjusted = a > time ? a : a + U32;
  const bAdjusted = b > time ? b : b + U32;
  return aAdjusted <= bAdjusted;
}

function transform(last: RingSlot, time: bigint, tick: number, liquidity: bigint): RingSlot {
  const delta = wrapU32(time - last.blockTimestamp);
  return {
    blockTimestamp: time,
    tickCumulative: wrapI56(last.tickCumulative + wrapI56(BigInt(tick) * delta)),
    secondsPerLiquidityCumulativeX128: wrapU160(
      last.secondsPerLiquidityCumulativeX128 + (delta << 128n) / (liquidity > 0n ? liquidity : 1n),
    ),
    initialized: true,
  };
}

function slot(pool: MirroredPool, i: number): RingSlot {
  const s = pool.ring[i];
  if (!s) throw new Error(`ring slot ${i} missing from the mirror`);
  return s;
}

function binarySearch(pool: MirroredPool, time: bigint, target: bigint): [RingSlot, RingSlot] {
  const cardinality = pool.observationCardinality;
  let l = (pool.observationIndex + 1) % cardinality;
  let r = l + cardinality - 1;
  for (;;) {
    const i = Math.floor((l + r) / 2);
    const beforeOrAt = slot(pool, i % cardinality);
    if (!beforeOrAt.initialized) {
      l = i + 1;
      continue;
    }
    const atOrAfter = slot(pool, (i + 1) % cardinality);
    const targetAtOrAfter = lte(time, beforeOrAt.blockTimestamp, target);
    if (targetAtOrAfter && lte(time, target, atOrAfter.blockTimestamp)) return [beforeOrAt, atOrAfter];
    if (!targetAtOrAfter) r = i - 1;
    else l = i + 1;
  }
}

export function observeSingle(
  pool: MirroredPool,
  timeSec: bigint,
  secondsAgo: number,
): Observation | undefined {
  if (pool.observationCardinality === 0) return undefined;
  const time = wrapU32(timeSec);
  const newest = slot(pool, pool.observationIndex);
  if (secondsAgo === 0) {
    const last = newest.blockTimestamp === time ? newest : transform(newest, time, pool.tick, pool.liquidity);
    return {
      tickCumulative: last.tickCumulative,
      secondsPerLiquidityCumulativeX128: last.secondsPerLiquidityCumulativeX128,
    };
  }
  const target = wrapU32(time - BigInt(secondsAgo));
  let beforeOrAt: RingSlot;
  let atOrAfter: RingSlot | undefined;
  if (lte(time, newest.blockTimestamp, target)) {
    beforeOrAt = newest;
    atOrAfter =
      newest.blockTimestamp === target ? undefined : transform(newest, target, pool.tick, pool.liquidity);
  } else {
    let oldest = slot(pool, (pool.observationIndex + 1) % pool.observationCardinality);
    if (!oldest.initialized) oldest = slot(pool, 0);
    if (!lte(time, oldest.blockTimestamp, target)) return undefined;
    [beforeOrAt, atOrAfter] = binarySearch(pool, time, target);
  }
  if (target === beforeOrAt.blockTimestamp || atOrAfter === undefined) {
    return {
      tickCumulative: beforeOrAt.tickCumulative,
      secondsPerLiquidityCumulativeX128: beforeOrAt.secondsPerLiquidityCumulativeX128,
    };
  }
  if (target === atOrAfter.blockTimestamp) {
    return {
      tickCumulative: atOrAfter.tickCumulative,
      secondsPerLiquidityCumulativeX128: atOrAfter.secondsPerLiquidityCumulativeX128,
    };
  }
  const observationTimeDelta = wrapU32(atOrAfter.blockTimestamp - beforeOrAt.blockTimestamp);
  const targetDelta = wrapU32(target - beforeOrAt.blockTimestamp);
  // int56 division truncates toward zero, as BigInt division does.
  const slope = wrapI56(atOrAfter.tickCumulative - beforeOrAt.tickCumulative) / observationTimeDelta;
  const splDelta = wrapU160(
    atOrAfter.secondsPerLiquidityCumulativeX128 - beforeOrAt.secondsPerLiquidityCumulativeX128,
  );
  return {
    tickCumulative: wrapI56(beforeOrAt.tickCumulative + wrapI56(slope * targetDelta)),
    secondsPerLiquidityCumulativeX128: wrapU160(
      beforeOrAt.secondsPerLiquidityCumulativeX128 +
        wrapU160((splDelta * targetDelta) / observationTimeDelta),
    ),
  };
}
