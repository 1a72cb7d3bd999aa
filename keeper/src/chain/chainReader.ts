import { Interface, type AbstractProvider } from 'ethers';
import { KeeperError } from '../errors/KeeperError.js';
import type { BlockRef, ChainReader } from '../ingest/SubgraphMirror.js';

const counters = new Interface([
  'function positionIndex() view returns (uint256)',
  'function orderIndex() view returns (uint256)',
]);

/** The canonical block at a height, and the module's own counts (to bound subgraph paging), from our RPC. */
export function chainReader(provider: AbstractProvider, marginModule?: string): ChainReader {
  const reader: ChainReader = {
    async blockAt(number: number): Promise<BlockRef> {
      const block = await provider.getBlock(number);
      if (!block?.hash) throw new KeeperError(`the RPC has no block ${number}`);
      return { number: block.number, hash: block.hash.toLowerCase(), timestampSec: block.timestamp };
    },
  };
  if (marginModule === undefined) return reader;
  const count = async (fn: 'positionIndex' | 'orderIndex', block: BlockRef): Promise<bigint> => {
    const raw = await provider.call({
      to: marginModule,
      data: counters.encodeFunctionData(fn, []),
      blockTag: block.number,
    });
    return counters.decodeFunctionResult(fn, raw)[0] as bigint;
  };
  reader.counts = async (block) => {
    const [positions, orders] = await Promise.all([
      count('positionIndex', block),
      count('orderIndex', block),
    ]);
    return { positions, orders };
  };
  return reader;
}
