import { AbiCoder, getAddress, keccak256, toBeHex } from 'ethers';
import type { AccountOverride } from '../../devnet/chain/callAtTimestamp.js';
import { uniswapV3PoolStorage } from '../../devnet/scenario/uniswapV3PoolStorage.js';
import type { TwapCase, TwapPoolState } from './goldenVectors.js';

/** Where a golden TWAP case is replayed: our contracts, and one real UniswapV3Pool per fee tier. */
export interface TwapReplayTarget {
  /** VectorPoolFactory: getPool is a mapping in slot 0. */
  factory: string;
  /** VectorPoolAdapter runtime code, placed at each of the case's pool addresses. */
  adapterCode: string;
  /** A deployed real UniswapV3Pool per fee tier; the case's pool state is planted in it. */
  realPools: Record<string, string>;
}

const coder = AbiCoder.defaultAbiCoder();
const word = (value: bigint | string) => toBeHex(BigInt(value), 32);

/** Storage slot of getPool[a][b][fee] for `mapping(address => mapping(address => mapping(uint24 => address)))` at slot 0. */
export function getPoolSlot(a: string, b: string, fee: number): string {
  const outer = keccak256(coder.encode(['address', 'uint256'], [a, 0n]));
  const middle = keccak256(coder.encode(['address', 'bytes32'], [b, outer]));
  return keccak256(coder.encode(['uint24', 'bytes32'], [fee, middle]));
}

export function existingTiers(c: TwapCase): [string, TwapPoolState][] {
  return Object.entries(c.pools).filter((entry): entry is [string, TwapPoolState] => entry[1].exists);
}

/**
 * eth_call state overrides that reproduce the case's chain as the oracle saw it: an adapter at each pool
 * address the factory returned (answering the case's token tuples, forwarding to a real pool), that real pool
 * holding the case's slot0, liquidity and ring, and getPool answering all 8 address combinations per tier.
 */
export function twapCaseOverrides(c: TwapCase, target: TwapReplayTarget): Record<string, AccountOverride> {
  const overrides: Record<string, AccountOverride> = {};
  const factorySlots: Record<string, string> = {};
  for (const [fee, pool] of existingTiers(c)) {
    const realPool = target.realPools[fee];
    if (!realPool) throw new Error(`case ${c.id}: no real pool for fee tier ${fee}`);
    const adapter = getAddress(pool.address);
    overrides[adapter] = {
      code: target.adapterCode,
      stateDiff: {
        [word(0n)]: word(realPool),
        [word(1n)]: word(pool.token0.erc20),
        [word(2n)]: word(pool.token0.erc223),
        [word(3n)]: word(pool.token1.erc20),
        [word(4n)]: word(pool.token1.erc223),
      },
    };
    overrides[getAddress(realPool)] = {
      stateDiff: uniswapV3PoolStorage({
        sqrtPriceX96: BigInt(pool.slot0.sqrtPriceX96),
        tick: pool.slot0.tick,
        observationIndex: pool.slot0.observationIndex,
        observationCardinality: pool.slot0.observationCardinality,
        observationCardinalityNext: pool.slot0.observationCardinalityNext,
        feeProtocol: 0,
        // A pool is unlocked from initialize on; nothing the oracle calls reads the flag.
        unlocked: BigInt(pool.slot0.sqrtPriceX96) !== 0n,
        liquidity: BigInt(pool.liquidity),
        observations: pool.observations.map((o, i) => {
          if (o.index !== i) throw new Error(`case ${c.id}: ring of ${adapter} is not listed in slot order`);
          return {
            blockTimestamp: BigInt(o.blockTimestamp),
            tickCumulative: BigInt(o.tickCumulative),
            secondsPerLiquidityCumulativeX128: BigInt(o.secondsPerLiquidityCumulativeX128),
            initialized: o.initialized,
          };
        }),
      }),
    };
    for (const x of [pool.token0.erc20, pool.token0.erc223]) {
      for (const y of [pool.token1.erc20, pool.token1.erc223]) {
        factorySlots[getPoolSlot(x, y, Number(fee))] = word(adapter);
        factorySlots[getPoolSlot(y, x, Number(fee))] = word(adapter);
      }
    }
  }
  overrides[getAddress(target.factory)] = { stateDiff: factorySlots };
  return overrides;
}
