import { getAddress, toQuantity, type JsonRpcProvider } from 'ethers';
import { DevnetError } from '../chain/DevnetError.js';

/** The block a new block (or a simulated one) is built on, with what the child inherits from it. */
export interface ParentBlock {
  number: number;
  hash: string;
  timestampSec: number;
  /** Base fee of the block built on this one, as the node computes it (EIP-1559). */
  childBaseFeeWei: bigint;
  /** Fee recipient and gas limit anvil gives every block it mines. */
  coinbase: string;
  gasLimit: bigint;
}

interface RawBlock {
  number: string;
  hash: string;
  timestamp: string;
  miner: string;
  gasLimit: string;
}

/**
 * Reads a block by number (or the head) raw, not through ethers' block cache, so a block the producer
 * mined a moment ago is seen. The child's base fee is the node's own answer (eth_feeHistory's last entry),
 * not a re-implementation of the formula, so simulations price gas exactly as the mined block will.
 */
export async function readParentBlock(
  provider: JsonRpcProvider,
  tag: number | 'latest',
): Promise<ParentBlock> {
  const blockTag = tag === 'latest' ? 'latest' : toQuantity(tag);
  const block = (await provider.send('eth_getBlockByNumber', [blockTag, false])) as RawBlock | null;
  if (!block) throw new DevnetError(`block ${tag} does not exist`);
  const history = (await provider.send('eth_feeHistory', ['0x1', block.number, []])) as {
    baseFeePerGas: string[];
  };
  const childBaseFee = history.baseFeePerGas[1];
  if (childBaseFee === undefined)
    throw new DevnetError(`the node gave no next base fee after block ${block.number}`);
  return {
    number: Number(block.number),
    hash: block.hash,
    timestampSec: Number(block.timestamp),
    childBaseFeeWei: BigInt(childBaseFee),
    coinbase: getAddress(block.miner),
    gasLimit: BigInt(block.gasLimit),
  };
}
