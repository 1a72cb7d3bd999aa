import type { Address, PoolState } from '../model/types.js';

const Q192 = 1n << 192n;

/**
 * `usdRaw` units of a stablecoin in ETH wei at a stablecoin/WETH pool's current price (exact, floor):
 * the pool prices token1 per token0 as sqrtPriceX96² / 2^192. Null when the pool is not that pair or has
 * no price yet.
 */
export function usdToWei(pool: PoolState, stablecoin: Address, weth: Address, usdRaw: bigint): bigint | null {
  if (!pool.initialized || pool.sqrtPriceX96 === 0n) return null;
  const priceX192 = pool.sqrtPriceX96 * pool.sqrtPriceX96;
  if (pool.token0 === stablecoin && pool.token1 === weth) return (usdRaw * priceX192) / Q192;
  if (pool.token1 === stablecoin && pool.token0 === weth) return (usdRaw * Q192) / priceX192;
  return null;
}
