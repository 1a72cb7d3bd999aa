import type { RpcClient } from '../chain/RpcClient.js';
import type { LandedReceipt } from './classifyOutcome.js';

interface RawReceipt {
  status: string;
  blockNumber: string;
  gasUsed: string;
  effectiveGasPrice: string;
}

/**
 * The receipt of the first of `hashes` that landed (one nonce's original and its replacements), by raw
 * JSON-RPC: ethers' provider would share a "not found" for 250 ms, past the block that included it.
 */
export async function findReceipt(
  rpc: Pick<RpcClient, 'send'>,
  hashes: readonly string[],
): Promise<{ hash: string; receipt: LandedReceipt } | null> {
  for (const hash of hashes) {
    const receipt = (await rpc.send('eth_getTransactionReceipt', [hash])) as RawReceipt | null;
    if (receipt === null) continue;
    return {
      hash,
      receipt: {
        status: Number(receipt.status),
        blockNumber: BigInt(receipt.blockNumber),
        gasUsed: BigInt(receipt.gasUsed),
        effectiveGasPriceWei: BigInt(receipt.effectiveGasPrice),
      },
    };
  }
  return null;
}
