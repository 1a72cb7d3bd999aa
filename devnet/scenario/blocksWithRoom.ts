import type { JsonRpcProvider } from 'ethers';
import { contractCompletable } from './contractCompletable.js';

/**
 * Of the blocks `fromBlock..toBlock`, those at whose end the position's completion would still have succeeded:
 * `liquidate` simulated on the state after each block, at that block's timestamp, as if appended to it.
 *
 * On gen 2/3 completions share each pool's 95 % floor: every forced swap pushes the spot price further under the
 * TWAP, so a block can hold only so many of them. A completion that was completable on its own (on the parent's
 * state) but not after what else the block held had no room in that block; one that still had room was late.
 */
export async function blocksWithRoom(
  provider: JsonRpcProvider,
  marginModule: string,
  positionId: bigint,
  fromBlock: number,
  toBlock: number,
): Promise<number[]> {
  const out: number[] = [];
  for (let number = fromBlock; number <= toBlock; number++) {
    const block = await provider.getBlock(number);
    if (!block?.hash) throw new Error(`block ${number} is not on the chain`);
    const room = await contractCompletable(provider, marginModule, [positionId], block.hash, block.timestamp);
    if (room.has(positionId)) out.push(number);
  }
  return out;
}
