import type { Address, PoolState } from '../../keeper/src/model/types.js';
import type { TwapCase, TwapVectorPool } from './goldenVectors.js';

export const TWAP_FEE_TIERS = [500, 3000, 10000] as const;
const lower = (a: string) => a.toLowerCase() as Address;

/** The keeper's mirror of one golden pool as the case read it from the chain, ring included. */
export function twapPoolState(fee: number, p: Extract<TwapVectorPool, { exists: true }>): PoolState {
  return {
    address: lower(p.address),
    fee,
    token0: lower(p.token0.erc20),
    token1: lower(p.token1.erc20),
    token0Erc223: lower(p.token0.erc223),
    token1Erc223: lower(p.token1.erc223),
    initialized: p.slot0.observationCardinality > 0,
    sqrtPriceX96: BigInt(p.slot0.sqrtPriceX96),
    tick: p.slot0.tick,
    liquidity: BigInt(p.liquidity),
    ring: {
      index: p.slot0.observationIndex,
      cardinality: p.slot0.observationCardinality,
      observations: p.observations.map((o) => ({
        blockTimestamp: o.blockTimestamp,
        tickCumulative: BigInt(o.tickCumulative),
        secondsPerLiquidityCumulativeX128: BigInt(o.secondsPerLiquidityCumulativeX128),
        initialized: o.initialized,
      })),
    },
  };
}

/** The case's existing pools by fee tier. */
export function twapCasePools(c: TwapCase): Map<number, PoolState> {
  const pools = new Map<number, PoolState>();
  for (const fee of TWAP_FEE_TIERS) {
    const p = c.pools[String(fee)];
    if (p?.exists) pools.set(fee, twapPoolState(fee, p));
  }
  return pools;
}
