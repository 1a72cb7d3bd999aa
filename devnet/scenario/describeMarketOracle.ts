import { Contract } from 'ethers';
import type { Devnet } from '../Devnet.js';
import type { KeeperMarket } from './keeperMarket.js';

const twapViews = [
  'function poolCanServeWindow(address pool) view returns (bool)',
  'function twapWindow() view returns (uint32)',
];
const poolViews = [
  'function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16 observationIndex, uint16 observationCardinality, uint16 observationCardinalityNext, uint8 feeProtocol, bool unlocked)',
];

/**
 * One line per pool on what the market's oracle can make of it, so a devnet whose TWAP cannot price a pair says
 * so at start rather than as positions that never become liquidatable: the ring's size, and whether the pool can
 * serve the window now (an uninitialised pool or a ring too young cannot, and the oracle skips it).
 */
export async function describeMarketOracle(devnet: Devnet, market: KeeperMarket): Promise<string[]> {
  if (market.twapWindowSec === undefined) return [];
  const oracle = new Contract(market.oracle, twapViews, devnet.provider);
  const lines: string[] = [];
  for (const pool of market.pools) {
    const address = await pool.getAddress();
    const slot0 = (await new Contract(address, poolViews, devnet.provider).getFunction(
      'slot0',
    )()) as unknown as {
      observationCardinality: bigint;
      observationCardinalityNext: bigint;
    };
    const serves = (await oracle.getFunction('poolCanServeWindow')(address)) as boolean;
    lines.push(
      `  pool ${address}: ring ${slot0.observationCardinality}/${slot0.observationCardinalityNext} slots, ` +
        (serves
          ? `serves the ${market.twapWindowSec} s TWAP`
          : `CANNOT serve the ${market.twapWindowSec} s TWAP yet: the oracle skips it, positions it prices cannot be valued`),
    );
  }
  return lines;
}
