import { toBeHex } from 'ethers';

export interface UniswapV3ObservationState {
  blockTimestamp: bigint;
  tickCumulative: bigint;
  secondsPerLiquidityCumulativeX128: bigint;
  initialized: boolean;
}

/** The part of a UniswapV3Pool's state that slot0(), liquidity(), observations(i) and observe() read. */
export interface UniswapV3PoolState {
  sqrtPriceX96: bigint;
  tick: number;
  observationIndex: number;
  observationCardinality: number;
  observationCardinalityNext: number;
  feeProtocol: number;
  unlocked: boolean;
  liquidity: bigint;
  /** Ring slots 0, 1, …; slots not given keep whatever the pool holds. */
  observations: UniswapV3ObservationState[];
}

// UniswapV3Pool (v3-core 1.0.1) storage: the packed Slot0 struct in slot 0, feeGrowthGlobal0/1 in 1-2,
// protocolFees in 3, liquidity in 4, the ticks/tickBitmap/positions mappings in 5-7, then the fixed
// Observation[65535] array from slot 8 with one packed slot per observation. Immutables live in the code.
const SLOT0_SLOT = 0n;
const LIQUIDITY_SLOT = 4n;
const OBSERVATIONS_SLOT = 8n;

/** `value` as an unsigned field of `bits` bits; negative values in two's complement. Throws when out of range. */
function field(name: string, value: bigint, bits: number, signed = false): bigint {
  const size = 1n << BigInt(bits);
  const min = signed ? -(size >> 1n) : 0n;
  const max = signed ? (size >> 1n) - 1n : size - 1n;
  if (value < min || value > max)
    throw new RangeError(`${name} ${value} does not fit ${signed ? 'int' : 'uint'}${bits}`);
  return value < 0n ? value + size : value;
}

const word = (value: bigint) => toBeHex(value, 32);

/**
 * Storage slots (slot → 32-byte word) that make a deployed UniswapV3Pool hold `state`, for anvil_setStorageAt
 * or an eth_call state override. Packing follows Solidity: the first struct member in the lowest bits.
 */
export function uniswapV3PoolStorage(state: UniswapV3PoolState): Record<string, string> {
  const slot0 =
    field('sqrtPriceX96', state.sqrtPriceX96, 160) |
    (field('tick', BigInt(state.tick), 24, true) << 160n) |
    (field('observationIndex', BigInt(state.observationIndex), 16) << 184n) |
    (field('observationCardinality', BigInt(state.observationCardinality), 16) << 200n) |
    (field('observationCardinalityNext', BigInt(state.observationCardinalityNext), 16) << 216n) |
    (field('feeProtocol', BigInt(state.feeProtocol), 8) << 232n) |
    ((state.unlocked ? 1n : 0n) << 240n);
  const slots: Record<string, string> = {
    [word(SLOT0_SLOT)]: word(slot0),
    [word(LIQUIDITY_SLOT)]: word(field('liquidity', state.liquidity, 128)),
  };
  state.observations.forEach((o, i) => {
    const packed =
      field('blockTimestamp', o.blockTimestamp, 32) |
      (field('tickCumulative', o.tickCumulative, 56, true) << 32n) |
      (field('secondsPerLiquidityCumulativeX128', o.secondsPerLiquidityCumulativeX128, 160) << 88n) |
      ((o.initialized ? 1n : 0n) << 248n);
    slots[word(OBSERVATIONS_SLOT + BigInt(i))] = word(packed);
  });
  return slots;
}
