import type { JsonRpcProvider, TransactionReceipt, TransactionResponse } from 'ethers';
import type { BlockProducer } from './BlockProducer.js';
import { DevnetError } from './DevnetError.js';

/** Why a mined transaction reverted, found by replaying it on its parent block's state. */
async function revertReason(
  provider: JsonRpcProvider,
  tx: TransactionResponse,
  blockNumber: number,
): Promise<string> {
  try {
    await provider.call({
      to: tx.to,
      from: tx.from,
      data: tx.data,
      value: tx.value,
      blockTag: blockNumber - 1,
    });
    return 'reverted (the replay on the parent block succeeds, so an earlier transaction in the block changed the state)';
  } catch (err) {
    const e = err as { reason?: string; shortMessage?: string; message?: string };
    return e.reason ?? e.shortMessage ?? e.message ?? String(err);
  }
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
