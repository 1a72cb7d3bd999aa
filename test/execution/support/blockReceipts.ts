import { Interface, type TransactionReceipt } from 'ethers';
import type { Devnet } from '../../../devnet/Devnet.js';

const mmEvents = new Interface([
  'event PositionFrozen(uint256 indexed positionId, address indexed liquidator, uint256 timestamp)',
  'event Liquidation(uint256 indexed positionId, uint256 indexed orderId, address indexed liquidator, address feeReceiver)',
]);

/** Receipts of every transaction in a block. */
export async function blockReceipts(devnet: Devnet, blockNumber: number): Promise<TransactionReceipt[]> {
  const block = await devnet.provider.getBlock(blockNumber);
  const receipts = await Promise.all(
    (block?.transactions ?? []).map((hash) => devnet.provider.getTransactionReceipt(hash)),
  );
  return receipts.filter((r): r is TransactionReceipt => r !== null);
}

/** Position ids by event name in a block's receipts, with the sender of each transaction. */
export function eventsIn(
  receipts: TransactionReceipt[],
  name: 'PositionFrozen' | 'Liquidation',
): Map<bigint, string> {
  const out = new Map<bigint, string>();
  for (const receipt of receipts)
    for (const log of receipt.logs) {
      const parsed = (() => {
        try {
          return mmEvents.parseLog(log);
        } catch {
          return null;
        }
      })();
      if (parsed?.name === name) out.set(parsed.args[0] as bigint, receipt.from.toLowerCase());
    }
  return out;
}

/** Gas paid by transactions from `senders` that reverted, in these receipts. */
export function gasLostWei(receipts: TransactionReceipt[], senders: Set<string>): bigint {
  return receipts
    .filter((r) => r.status === 0 && senders.has(r.from.toLowerCase()))
    .reduce((sum, r) => sum + r.gasUsed * r.gasPrice, 0n);
}
