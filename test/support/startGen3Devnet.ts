import { Devnet } from '../../devnet/Devnet.js';

/**
 * The gen-3 module as deployed, with the 2d3ffd2 TWAP oracle and its 1800 s window, on a devnet whose blocks are
 * `secondsPerBlock` apart (ten-minute blocks let a swap drift into the TWAP over three blocks).
 */
export function startGen3Devnet(secondsPerBlock: number): Promise<Devnet> {
  return Devnet.start({
    secondsPerBlock,
    genesisTimestampSec: 1_800_000_000,
    generation: 3,
    priceOracle: 'twap2d3ffd2',
    twapWindowSec: 1800,
  });
}
