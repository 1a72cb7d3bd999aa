import { BigInt, log } from '@graphprotocol/graph-ts';
import { Pool, PoolObservation } from '../../generated/schema';
import { ONE_BI, ZERO_BI } from '../utils/constants';
import { wrapI56, wrapU160, wrapU32 } from '../utils/wrap';

// Uniswap v3 Oracle library semantics; only written slots get an entity (grow's placeholders stay implicit).

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
): void {
  const observation = new PoolObservation(observationId(pool, index));
  observation.pool = pool.id;
  observation.index = index;
  observation.blockTimestamp = blockTimestamp;
  observation.tickCumulative = tickCumulative;
  observation.secondsPerLiquidityCumulativeX128 = secondsPerLiquidity;
  observation.initialized = true;
  observation.writtenAtBlock = blockNumber;
  observation.save();
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
  if (last == null || pool.observationCardinality == 0) {
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
