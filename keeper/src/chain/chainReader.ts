import type { AbstractProvider } from 'ethers';
import { KeeperError } from '../errors/KeeperError.js';
import type { BlockRef, ChainReader } from '../ingest/SubgraphMirror.js';

/** The canonical block at a height, from the keeper's RPC. */
export function chainReader(provider: AbstractProvider): ChainReader {
  return {
    async blockAt(number: number): Promise<BlockRef> {
      const block = await provider.getBlock(number);
      if (!block?.hash) throw new KeeperError(`the RPC has no block ${number}`);
      return { number: block.number, hash: block.hash.toLowerCase(), timestampSec: block.timestamp };
    },
  };
}
