import type { Contract } from 'ethers';
import type { Devnet } from '../Devnet.js';
import type { KeeperMarket } from './keeperMarket.js';
import { movePrice, poolTokens } from './pools.js';

/**
 * A crash: every market token loses `1 - keepPpm/1e6` of its price against the base in every pool (each pool
 * moved by a real swap, one block each), so positions holding them fall below their debt together.
 */
export async function crashPrices(devnet: Devnet, market: KeeperMarket, keepPpm: bigint): Promise<void> {
  const sqrtKeep = BigInt(Math.round(Math.sqrt(Number(keepPpm) / 1e6) * 1e9));
  for (const pool of market.pools) {
    const [sqrtPriceX96] = (await pool.getFunction('slot0')()) as [bigint];
    const [token0] = await poolTokens(pool);
    // slot0 prices token1 in token0: the token is cheaper when that falls (it is token0) or rises (token1).
    const tokenIsToken0 = token0.erc20.toLowerCase() !== market.base.address.toLowerCase();
    const target = tokenIsToken0
      ? (sqrtPriceX96 * sqrtKeep) / 1_000_000_000n
      : (sqrtPriceX96 * 1_000_000_000n) / sqrtKeep;
    await movePrice(devnet, market.trader, pool as Contract, target);
  }
}
