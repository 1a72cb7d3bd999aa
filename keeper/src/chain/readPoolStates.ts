import { Interface, type AbstractProvider } from 'ethers';
import type { PoolState } from '../model/types.js';

const pool = new Interface([
  'function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16 observationIndex, uint16 observationCardinality, uint16 observationCardinalityNext, uint8 feeProtocol, bool unlocked)',
  'function liquidity() view returns (uint128)',
]);

/**
 * The pools' current price and liquidity at `blockNumber`, read from the chain (two calls per pool, sent
 * together): the overlay over a lagging subgraph's pool state. The number of calls depends on the pools in
 * use, never on the positions.
 */
export async function readPoolStates(
  provider: AbstractProvider,
  pools: readonly PoolState[],
  blockNumber: number,
): Promise<PoolState[]> {
  return Promise.all(
    pools.map(async (state) => {
      const [slot0Raw, liquidityRaw] = await Promise.all([
        provider.call({
          to: state.address,
          data: pool.encodeFunctionData('slot0', []),
          blockTag: blockNumber,
        }),
        provider.call({
          to: state.address,
          data: pool.encodeFunctionData('liquidity', []),
          blockTag: blockNumber,
        }),
      ]);
      const slot0 = pool.decodeFunctionResult('slot0', slot0Raw);
      const [liquidity] = pool.decodeFunctionResult('liquidity', liquidityRaw) as unknown as [bigint];
      return {
        ...state,
        sqrtPriceX96: slot0[0] as bigint,
        tick: Number(slot0[1] as bigint),
        initialized: (slot0[0] as bigint) !== 0n,
        liquidity,
      };
    }),
  );
}
