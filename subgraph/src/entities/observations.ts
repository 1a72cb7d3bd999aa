import { BigInt, log } from '@graphprotocol/graph-ts';
import { Pool, PoolObservation } from '../../generated/schema';
import { ONE_BI, ZERO_BI } from '../utils/constants';
import { wrapI56, wrapU160, wrapU32 } from '../utils/wrap';

// Uniswap v3 Oracle library semantics. Every slot below cardinalityNext has an entity, as every such slot
// has storage on chain: grow()'s placeholders (blockTimestamp 1, uninitialised) included.

function observationId(pool: Pool, index: i32): string {
  return pool.id + '-' + index.toString();
}

function saveObservation(
  pool: Pool,
  index: i32,
  blockTimestamp: BigInt,
  tickCumulative: BigInt,
  secondsPerLiquidity: BigInt,
  blockNumber: BigInt,
  initialized: boolean = true,
): void {
  const observation = new PoolObservation(observationId(pool, index));
  observation.pool = pool.id;
  observation.index = index;
  observation.blockTimestamp = blockTimestamp;
  observation.tickCumulative = tickCumulative;
  observation.secondsPerLiquidityCumulativeX128 = secondsPerLiquidity;
  observation.initialized = initialized;
  observation.writtenAtBlock = blockNumber;
  observation.save();
}

// Oracle.grow: slots [current, next) get blockTimestamp 1 so that their first real write costs less gas;
// they were never written before (cardinalityNext never shrinks), so the other fields are still zero.
export function growObservations(pool: Pool, current: i32, next: i32, blockNumber: BigInt): void {
  for (let index = current; index < next; index++) {
    saveObservation(pool, index, ONE_BI, ZERO_BI, ZERO_BI, blockNumber, false);
  }
}

export function initializeObservations(pool: Pool, timestamp: BigInt, blockNumber: BigInt): void {
  saveObservation(pool, 0, wrapU32(timestamp), ZERO_BI, ZERO_BI, blockNumber);
  pool.observationIndex = 0;
  pool.observationCardinality = 1;
  pool.observationCardinalityNext = 1;
}

// Called with the tick and liquidity in force before the event changes them, as the pool does.
export function writeObservation(
  pool: Pool,
  timestamp: BigInt,
  tick: i32,
  liquidity: BigInt,
  blockNumber: BigInt,
): void {
  const last = PoolObservation.load(observationId(pool, pool.observationIndex));
  if (last == null || !last.initialized || pool.observationCardinality == 0) {
    log.error('pool {}: observation slot {} missing; ring not written', [
      pool.id,
      pool.observationIndex.toString(),
    ]);
    return;
  }
  const blockTimestamp = wrapU32(timestamp);
  // At most one observation per block timestamp.
  if (last.blockTimestamp.equals(blockTimestamp)) return;

  const cardinality = pool.observationCardinality;
  const next = pool.observationCardinalityNext;
  const cardinalityUpdated =
    next > cardinality && pool.observationIndex == cardinality - 1 ? next : cardinality;
  const indexUpdated = (pool.observationIndex + 1) % cardinalityUpdated;

  const delta = wrapU32(blockTimestamp.minus(last.blockTimestamp));
  const tickCumulative = wrapI56(last.tickCumulative.plus(BigInt.fromI32(tick).times(delta)));
  const divisor = liquidity.isZero() ? ONE_BI : liquidity;
  const secondsPerLiquidity = wrapU160(
    last.secondsPerLiquidityCumulativeX128.plus(delta.leftShift(128).div(divisor)),
  );
  saveObservation(pool, indexUpdated, blockTimestamp, tickCumulative, secondsPerLiquidity, blockNumber);
  pool.observationIndex = indexUpdated;
  pool.observationCardinality = cardinalityUpdated;
}
