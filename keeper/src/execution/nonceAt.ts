import type { RpcClient } from '../chain/RpcClient.js';
import type { Address } from '../model/types.js';

/**
 * A sender's transaction count at a block tag, by raw JSON-RPC. Not ethers' `getTransactionCount`: the
 * provider shares the answer of an identical request for 250 ms, long enough to hand out a nonce from before
 * the block that used it.
 */
export async function nonceAt(rpc: Pick<RpcClient, 'send'>, sender: Address, tag: string): Promise<number> {
  return Number(BigInt((await rpc.send('eth_getTransactionCount', [sender, tag])) as string));
}
