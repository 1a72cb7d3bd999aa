import type { Address, Observation, OracleProfile, PoolState } from '../../keeper/src/model/types.js';
import { getSqrtRatioAtTick } from '../../keeper/src/valuation/getSqrtRatioAtTick.js';
import { transform } from '../../keeper/src/valuation/observeSingle.js';
import { syntheticMarket, type SyntheticMarket, type SyntheticOptions } from './syntheticMarket.js';

export interface SyntheticTwapMarket extends Omit<SyntheticMarket, 'movePools'> {
  window: number;
  /** Swaps `count` random pools at `timestampSec`: each writes an observation (the pre-swap tick carried forward). */
  movePools(count: number, timestampSec: bigint): PoolState[];
}

const RING_SLOTS = 16;
/** Seconds between the synthetic history's writes: 16 slots cover two windows, so every pool can serve one. */
const HISTORY_STEP_SEC = 240;

const sqrtAt = (tick: number): bigint => {
  const sqrt = getSqrtRatioAtTick(tick);
  if (!sqrt.ok) throw new RangeError(`tick ${tick}`);
  return sqrt.value;
};

/**
 * The synthetic market priced by the deployed 2d3ffd2 TWAP oracle: every order names it, every pool has a ring of 16
 * observations whose last write is up to one window before the start (so some TWAPs are still drifting when the
 * run begins), and a pool's move is a real swap as Uniswap's Oracle records it: the newest observation carried to
 * the swap's second at the pre-swap tick and liquidity, then the new tick (±100) and price.
 */
export function syntheticTwapMarket(
  options: SyntheticOptions & {
    window: number;
    /** Rings of 2 to 16 slots instead of 16: short ones cannot serve the window at first, or stop after swaps. */
    mixedRings?: boolean;
  },
): SyntheticTwapMarket {
  const base = syntheticMarket(options);
  let state = ((options.seed ?? 223) * 7919) >>> 0;
  const random = (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const spot = base.oracles.find((o) => o.kind === 'gen1-spot');
  if (!spot || spot.kind !== 'gen1-spot') throw new Error('synthetic market without a spot oracle');
  const twap: OracleProfile = {
    kind: 'twap-2d3ffd2',
    address: spot.address,
    factory: spot.factory,
    twapWindow: options.window,
    feeTiers: [500, 3000, 10000],
  };
  const startSec = Number(base.startSec);
  const pools: PoolState[] = base.pools.map((pool) => {
    const price = (Number(pool.sqrtPriceX96) / 2 ** 96) ** 2;
    const tick = Math.floor(Math.log(price) / Math.log(1.0001));
    const last = startSec - random(options.window);
    const slots = options.mixedRings ? 2 + random(RING_SLOTS - 1) : RING_SLOTS;
    const observations: Observation[] = [];
    let current: Observation = {
      blockTimestamp: last - (slots - 1) * HISTORY_STEP_SEC,
      tickCumulative: 0n,
      secondsPerLiquidityCumulativeX128: 0n,
      initialized: true,
    };
    observations.push(current);
    for (let k = 1; k < slots; k++) {
      // Earlier ticks a little off the current one, so windows that still reach them drift.
      current = transform(
        current,
        current.blockTimestamp + HISTORY_STEP_SEC,
        tick + random(41) - 20,
        pool.liquidity,
      );
      observations.push(current);
    }
    return {
      ...pool,
      tick,
      sqrtPriceX96: sqrtAt(tick),
      ring: { index: slots - 1, cardinality: slots, observations },
    };
  });
  const byAddress = new Map<Address, number>(pools.map((p, i) => [p.address, i]));
  return {
    ...base,
    oracles: [twap],
    orders: base.orders.map((o) => ({ ...o, oracle: twap.address })),
    pools,
    window: options.window,
    movePools(count: number, timestampSec: bigint): PoolState[] {
      const moved: PoolState[] = [];
      const now = Number(timestampSec);
      for (let k = 0; k < count; k++) {
        const at = random(pools.length);
        const pool = pools[at]!;
        const ring = pool.ring!;
        const newest = ring.observations[ring.index]!;
        let next = ring;
        if (newest.blockTimestamp !== now) {
          const index = (ring.index + 1) % ring.cardinality;
          const observations = ring.observations.slice();
          observations[index] = transform(newest, now, pool.tick, pool.liquidity);
          next = { ...ring, index, observations };
        }
        const tick = pool.tick + random(201) - 100;
        const updated: PoolState = { ...pool, tick, sqrtPriceX96: sqrtAt(tick), ring: next };
        pools[byAddress.get(pool.address)!] = updated;
        moved.push(updated);
      }
      return moved;
    },
  };
}
