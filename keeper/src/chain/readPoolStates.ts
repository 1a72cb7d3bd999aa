import { Interface, type AbstractProvider } from 'ethers';
import type { Observation, ObservationRing, PoolState } from '../model/types.js';

const pool = new Interface([
  'function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16 observationIndex, uint16 observationCardinality, uint16 observationCardinalityNext, uint8 feeProtocol, bool unlocked)',
  'function liquidity() view returns (uint128)',
  'function observations(uint256 index) view returns (uint32 blockTimestamp, int56 tickCumulative, uint160 secondsPerLiquidityCumulativeX128, bool initialized)',
]);

/**
 * The ring as slot0 now describes it: the mirrored slots kept, and every slot written since (from the mirrored
 * newest, forward to the new newest; all of them when the ring grew) read at `blockNumber`, so a TWAP model never
 * sees a tick that its ring does not account for. Undefined when the pool had no mirrored ring.
 */
async function overlayRing(
  provider: AbstractProvider,
  state: PoolState,
  index: number,
  cardinality: number,
  blockNumber: number,
): Promise<ObservationRing | undefined> {
  const ring = state.ring;
  if (!ring) return undefined;
  if (ring.index === index && ring.cardinality === cardinality) {
    // One write per block at most, into the newest slot's successor: an unchanged index means no write, unless
    // the ring went all the way round, which the newest slot's timestamp shows.
    const newest = await readObservation(provider, state, index, blockNumber);
    const mirrored = ring.observations[index];
    if (mirrored && mirrored.blockTimestamp === newest.blockTimestamp) return ring;
  }
  const observations: Observation[] = ring.observations.slice(0, cardinality);
  const stale =
    cardinality !== ring.cardinality
      ? Array.from({ length: cardinality }, (_, i) => i)
      : slotsAfter(ring.index, index, cardinality);
  const read = await Promise.all(stale.map((i) => readObservation(provider, state, i, blockNumber)));
  stale.forEach((slot, k) => (observations[slot] = read[k]!));
  return { index, cardinality, observations };
}

/** Slots from `from`+1 to `to`, wrapping; the whole ring when the index came back round to `from`. */
function slotsAfter(from: number, to: number, cardinality: number): number[] {
  const out: number[] = [];
  let i = from;
  do {
    i = (i + 1) % cardinality;
    out.push(i);
  } while (i !== to && out.length < cardinality);
  return out;
}

async function readObservation(
  provider: AbstractProvider,
  state: PoolState,
  index: number,
  blockNumber: number,
): Promise<Observation> {
  const raw = await provider.call({
    to: state.address,
    data: pool.encodeFunctionData('observations', [index]),
    blockTag: blockNumber,
  });
  const [blockTimestamp, tickCumulative, secondsPerLiquidity, initialized] = pool.decodeFunctionResult(
    'observations',
    raw,
  ) as unknown as [bigint, bigint, bigint, boolean];
  return {
    blockTimestamp: Number(blockTimestamp),
    tickCumulative,
    secondsPerLiquidityCumulativeX128: secondsPerLiquidity,
    initialized,
  };
}

/**
 * The pools' current price and liquidity at `blockNumber`, read from the chain (two calls per pool, sent
 * together, plus the ring slots written since the mirror's when a TWAP oracle reads the ring): the overlay over a
 * lagging subgraph's pool state. The number of calls depends on the pools in
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
      const ring = await overlayRing(
        provider,
        state,
        Number(slot0[2] as bigint),
        Number(slot0[3] as bigint),
        blockNumber,
      );
      return {
        ...state,
        ...(ring ? { ring } : {}),
        sqrtPriceX96: slot0[0] as bigint,
        tick: Number(slot0[1] as bigint),
        initialized: (slot0[0] as bigint) !== 0n,
        liquidity,
      };
    }),
  );
}
