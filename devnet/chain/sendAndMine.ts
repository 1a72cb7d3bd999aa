import {
  AbiCoder,
  dataSlice,
  toQuantity,
  type JsonRpcProvider,
  type TransactionReceipt,
  type TransactionResponse,
} from 'ethers';
import { callAtTimestamp } from './callAtTimestamp.js';
import type { BlockProducer } from './BlockProducer.js';
import { DevnetError } from './DevnetError.js';

const ERROR_STRING_SELECTOR = '0x08c379a0'; // Error(string)

/**
 * Why a mined transaction reverted: replayed on its parent block's state (by hash: numbers are ambiguous
 * after evm_revert) at its own block's timestamp, which is exactly how it ran when it was the block's first
 * transaction.
 */
async function revertReason(
  provider: JsonRpcProvider,
  tx: TransactionResponse,
  blockNumber: number,
): Promise<string> {
  const block = await provider.getBlock(blockNumber);
  if (!block) return `reverted in block ${blockNumber}, which the node no longer has`;
  const call = { to: tx.to ?? '', from: tx.from, data: tx.data, value: toQuantity(tx.value) };
  const outcome = await callAtTimestamp(provider, call, block.timestamp, { blockHash: block.parentHash });
  if (outcome.ok) {
    return 'reverted, though a replay on the parent state succeeds (an earlier transaction in the block changed it, or gas ran out)';
  }
  if (outcome.kind === 'invalid-opcode') return 'invalid opcode (e.g. a division by zero)';
  if (outcome.data.startsWith(ERROR_STRING_SELECTOR)) {
    return AbiCoder.defaultAbiCoder().decode(['string'], dataSlice(outcome.data, 4))[0] as string;
  }
  return outcome.message;
}

async function receiptOf(provider: JsonRpcProvider, tx: TransactionResponse): Promise<TransactionReceipt> {
  const receipt = await provider.getTransactionReceipt(tx.hash);
  if (!receipt) throw new DevnetError(`transaction ${tx.hash} was not included in the mined block`);
  return receipt;
}

/**
 * Sends one transaction, mines a block, and returns the receipt; throws with the revert reason when it
 * reverted. With automine off nothing is included until the producer mines.
 */
export async function sendAndMine(
  producer: BlockProducer,
  provider: JsonRpcProvider,
  label: string,
  send: () => Promise<TransactionResponse>,
): Promise<TransactionReceipt> {
  let tx: TransactionResponse;
  try {
    tx = await send();
  } catch (cause) {
    const e = cause as { reason?: string; shortMessage?: string; message?: string };
    throw new DevnetError(`${label}: ${e.reason ?? e.shortMessage ?? e.message ?? String(cause)}`, { cause });
  }
  await producer.mine();
  const receipt = await receiptOf(provider, tx);
  if (receipt.status !== 1) {
    throw new DevnetError(`${label} reverted: ${await revertReason(provider, tx, receipt.blockNumber)}`, {
      details: { hash: tx.hash, block: receipt.blockNumber },
    });
  }
  return receipt;
}

/**
 * Sends several transactions in order and mines them into ONE block. Receipts are returned as they are,
 * reverted ones included: same-block behaviour is what callers of this want to observe.
 */
export async function sendInOneBlock(
  producer: BlockProducer,
  provider: JsonRpcProvider,
  sends: (() => Promise<TransactionResponse>)[],
  options: { timestampSec?: number } = {},
): Promise<TransactionReceipt[]> {
  const txs: TransactionResponse[] = [];
  for (const send of sends) txs.push(await send());
  await producer.mine(options);
  return Promise.all(txs.map((tx) => receiptOf(provider, tx)));
}
