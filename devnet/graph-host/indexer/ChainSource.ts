import { toQuantity } from 'ethers';
import { RpcError } from '../runtime/RpcError.js';
import type { RpcBlock, RpcLog } from '../runtime/rpcTypes.js';
import type { JsonRpcClient } from './JsonRpcClient.js';

/** The chain reads the indexer needs, batched where it can; every answer is checked for shape. */
export class ChainSource {
  constructor(readonly rpc: JsonRpcClient) {}

  async chainId(): Promise<number> {
    return Number(await this.rpc.request<string>('eth_chainId', []));
  }

  async headNumber(): Promise<number> {
    return Number(await this.rpc.request<string>('eth_blockNumber', []));
  }

  /** Headers of `from..to` in order, cut at the first block the node does not have (the chain got shorter). */
  async headers(from: number, to: number): Promise<RpcBlock[]> {
    const calls = [];
    for (let n = from; n <= to; n++)
      calls.push({ method: 'eth_getBlockByNumber', params: [toQuantity(n), false] });
    const blocks = await this.rpc.batch<RpcBlock | null>(calls);
    const out: RpcBlock[] = [];
    for (const block of blocks) {
      if (block === null) break;
      out.push(checkBlock(block));
    }
    return out;
  }

  /** The canonical hash at each number (undefined past the head). */
  async hashesAt(numbers: readonly number[]): Promise<(string | undefined)[]> {
    const blocks = await this.rpc.batch<RpcBlock | null>(
      numbers.map((n) => ({ method: 'eth_getBlockByNumber', params: [toQuantity(n), false] })),
    );
    return blocks.map((block) => (block === null ? undefined : checkBlock(block).hash.toLowerCase()));
  }

  /** Blocks with their full transactions; a hash the node no longer knows is an RpcError (a reorg). */
  async fullBlocks(hashes: readonly string[]): Promise<RpcBlock[]> {
    const blocks = await this.rpc.batch<RpcBlock | null>(
      hashes.map((hash) => ({ method: 'eth_getBlockByHash', params: [hash, true] })),
    );
    return blocks.map((block, i) => {
      if (block === null) throw new RpcError(`block ${hashes[i]} is no longer known to the node (reorg?)`);
      return checkBlock(block);
    });
  }

  /** Logs of `from..to` whose topic0 is one of `topics`; a single block is asked for by hash (EIP-234). */
  async logs(
    range: { from: number; to: number; hash?: string },
    topics: readonly string[],
  ): Promise<RpcLog[]> {
    const filter =
      range.hash !== undefined
        ? { blockHash: range.hash, topics: [topics] }
        : { fromBlock: toQuantity(range.from), toBlock: toQuantity(range.to), topics: [topics] };
    const logs = await this.rpc.request<RpcLog[]>('eth_getLogs', [filter]);
    if (!Array.isArray(logs)) throw new RpcError('eth_getLogs did not answer a list');
    return logs;
  }
}

function checkBlock(block: RpcBlock): RpcBlock {
  if (
    typeof block.hash !== 'string' ||
    typeof block.number !== 'string' ||
    typeof block.parentHash !== 'string'
  ) {
    throw new RpcError(
      `the node sent a block without number, hash or parentHash: ${JSON.stringify(block).slice(0, 200)}`,
    );
  }
  return block;
}
