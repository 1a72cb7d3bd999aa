import { BigInt, ethereum, log } from '@graphprotocol/graph-ts';
import { Pool } from '../../generated/schema';
import {
  Burn,
  IncreaseObservationCardinalityNext,
  Initialize,
  Mint,
  Swap,
} from '../../generated/templates/Pool/Dex223Pool';
import { growObservations, initializeObservations, writeObservation } from '../entities/observations';
import { loadPool, savePoolBlockState } from '../entities/pool';

export function handleInitialize(event: Initialize): void {
  const pool = loadPool(event.address, 'Initialize');
  if (pool == null) return;
  pool.initialized = true;
  pool.sqrtPriceX96 = event.params.sqrtPriceX96;
  pool.tick = event.params.tick;
  initializeObservations(pool, event.block.timestamp, event.block.number);
  pool.save();
  savePoolBlockState(pool, event.block);
}

// The pool writes an observation only when the swap moved the tick, with the pre-swap tick and liquidity.
export function handleSwap(event: Swap): void {
  const pool = loadPool(event.address, 'Swap');
  if (pool == null) return;
  if (event.params.tick != pool.tick) {
    writeObservation(pool, event.block.timestamp, pool.tick, pool.liquidity, event.block.number);
  }
  pool.sqrtPriceX96 = event.params.sqrtPriceX96;
  pool.tick = event.params.tick;
  pool.liquidity = event.params.liquidity;
  pool.save();
  savePoolBlockState(pool, event.block);
}

// _modifyPosition touches the ring and the active liquidity only for a non-zero change in range.
function modifyLiquidity(
  pool: Pool,
  tickLower: i32,
  tickUpper: i32,
  delta: BigInt,
  block: ethereum.Block,
): void {
  if (delta.isZero() || pool.tick < tickLower || pool.tick >= tickUpper) return;
  writeObservation(pool, block.timestamp, pool.tick, pool.liquidity, block.number);
  pool.liquidity = pool.liquidity.plus(delta);
  pool.save();
  savePoolBlockState(pool, block);
}

export function handleMint(event: Mint): void {
  const pool = loadPool(event.address, 'Mint');
  if (pool == null) return;
  modifyLiquidity(pool, event.params.tickLower, event.params.tickUpper, event.params.amount, event.block);
}

export function handleBurn(event: Burn): void {
  const pool = loadPool(event.address, 'Burn');
  if (pool == null) return;
  modifyLiquidity(
    pool,
    event.params.tickLower,
    event.params.tickUpper,
    event.params.amount.neg(),
    event.block,
  );
}

// Emitted only when the size really grows; grow() then marks the new slots (blockTimestamp 1, uninitialised).
export function handleIncreaseObservationCardinalityNext(event: IncreaseObservationCardinalityNext): void {
  const pool = loadPool(event.address, 'IncreaseObservationCardinalityNext');
  if (pool == null) return;
  if (event.params.observationCardinalityNextOld != pool.observationCardinalityNext) {
    log.warning('pool {}: cardinalityNext was {} here, {} on chain', [
      pool.id,
      pool.observationCardinalityNext.toString(),
      event.params.observationCardinalityNextOld.toString(),
    ]);
  }
  growObservations(
    pool,
    event.params.observationCardinalityNextOld,
    event.params.observationCardinalityNextNew,
    event.block.number,
  );
  pool.observationCardinalityNext = event.params.observationCardinalityNextNew;
  pool.save();
  savePoolBlockState(pool, event.block);
}
