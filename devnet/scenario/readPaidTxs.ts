import { Interface, type JsonRpcProvider } from 'ethers';
import type { PaidTx } from './accountGas.js';

interface RawLog {
  address: string;
  topics: string[];
  data: string;
}

interface RawReceipt {
  from: string;
  status: string;
  gasUsed: string;
  effectiveGasPrice: string;
  logs: RawLog[];
}

const moduleEvents = new Interface([
  'event PositionFrozen(uint256 indexed positionId, address indexed liquidator, uint256 timestamp)',
  'event Liquidation(uint256 indexed positionId, uint256 indexed orderId, address indexed liquidator, address feeReceiver)',
]);

/**
 * Every transaction `senders` paid for in blocks [fromBlock, toBlock], in chain order, with the positions each
 * froze or completed for them (read from block receipts, so the figures are the chain's own to the wei).
 */
export async function readPaidTxs(
  provider: JsonRpcProvider,
  marginModule: string,
  fromBlock: number,
  toBlock: number,
  senders: ReadonlySet<string>,
): Promise<PaidTx[]> {
  const paid: PaidTx[] = [];
  for (let n = fromBlock; n <= toBlock; n++) {
    const receipts = (await provider.send('eth_getBlockReceipts', [`0x${n.toString(16)}`])) as RawReceipt[];
    for (const r of receipts) {
      if (!senders.has(r.from.toLowerCase())) continue;
      const tx: PaidTx = {
        blockNumber: n,
        costWei: BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice),
        reverted: BigInt(r.status) === 0n,
        froze: [],
        completed: [],
      };
      for (const log of r.logs) {
        if (log.address.toLowerCase() !== marginModule.toLowerCase()) continue;
        const parsed = moduleEvents.parseLog(log);
        if (!parsed || !senders.has((parsed.args.getValue('liquidator') as string).toLowerCase())) continue;
        const id = parsed.args.getValue('positionId') as bigint;
        if (parsed.name === 'PositionFrozen') tx.froze.push(id);
        if (parsed.name === 'Liquidation') tx.completed.push(id);
      }
      paid.push(tx);
    }
  }
  return paid;
}
