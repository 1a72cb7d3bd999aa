import { Address, ethereum, log } from '@graphprotocol/graph-ts';
import { PoolCreated } from '../../generated/Dex223Factory/Dex223Factory';
import { Pool, PoolBlockState } from '../../generated/schema';
import { ZERO_BI } from '../utils/constants';
import { ensureToken } from './token';

export function createPool(event: PoolCreated): Pool {
  const token0 = ensureToken(event.params.token0_erc20, event.params.token0_erc223);
  const token1 = ensureToken(event.params.token1_erc20, event.params.token1_erc223);
  const pool = new Pool(event.params.pool.toHexString());
  pool.address = event.params.pool;
  pool.token0 = token0.id;
  pool.token1 = token1.id;
  pool.token0Erc20 = event.params.token0_erc20;
  pool.token0Erc223 = event.params.token0_erc223;
  pool.token1Erc20 = event.params.token1_erc20;
  pool.token1Erc223 = event.params.token1_erc223;
  pool.fee = event.params.fee;
  pool.tickSpacing = event.params.tickSpacing;
  pool.initialized = false;
  pool.sqrtPriceX96 = ZERO_BI;
  pool.tick = 0;
  pool.liquidity = ZERO_BI;
  pool.observationIndex = 0;
  pool.observationCardinality = 0;
  pool.observationCardinalityNext = 0;
  pool.createdAtBlock = event.block.number;
  pool.createdAtTimestamp = event.block.timestamp;
  pool.save();
  return pool;
}

export function loadPool(address: Address, eventName: string): Pool | null {
  const pool = Pool.load(address.toHexString());
  if (pool == null) {
    log.warning('{}: unknown pool {}, skipped', [eventName, address.toHexString()]);
  }
  return pool;
}

// Rewritten by every event of the block, so it ends up holding the block's final state.
export function savePoolBlockState(pool: Pool, block: ethereum.Block): void {
  const state = new PoolBlockState(pool.id + '-' + block.number.toString());
  state.pool = pool.id;
  state.blockNumber = block.number;
  state.timestamp = block.timestamp;
  state.sqrtPriceX96 = pool.sqrtPriceX96;
  state.tick = pool.tick;
  state.liquidity = pool.liquidity;
  state.observationIndex = pool.observationIndex;
  state.observationCardinality = pool.observationCardinality;
  state.observationCardinalityNext = pool.observationCardinalityNext;
  state.save();
}
