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
const erc20 = new Interface(['event Transfer(address indexed from, address indexed to, uint256 value)']);
const TRANSFER = erc20.getEvent('Transfer')?.topicHash as string;

/** A token amount in ETH wei at the end of `blockNumber`; null when it cannot be valued (it then counts 0). */
export type ValueInEth = (token: string, amount: bigint, blockNumber: number) => Promise<bigint | null>;

/**
 * Every transaction `senders` paid for in blocks [fromBlock, toBlock], in chain order, with the positions each
 * froze or completed for them (read from block receipts, so the figures are the chain's own to the wei).
 * With `rewardToken` (the token that plays WETH), each completion's reward is what the module transferred of
 * it to the completion's fee receiver in that transaction: the reward as paid, not as the order says now.
 * With `valueInEth` too, what it transferred them of any other token counts, valued in ETH at that block.
 */
export async function readPaidTxs(
  provider: JsonRpcProvider,
  marginModule: string,
  fromBlock: number,
  toBlock: number,
  senders: ReadonlySet<string>,
  rewardToken?: string,
  valueInEth?: ValueInEth,
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
      const receivers = new Set<string>();
      for (const log of r.logs) {
        if (log.address.toLowerCase() !== marginModule.toLowerCase()) continue;
        const parsed = moduleEvents.parseLog(log);
        if (!parsed || !senders.has((parsed.args.getValue('liquidator') as string).toLowerCase())) continue;
        const id = parsed.args.getValue('positionId') as bigint;
        if (parsed.name === 'PositionFrozen') tx.froze.push(id);
        if (parsed.name === 'Liquidation') {
          tx.completed.push(id);
          receivers.add((parsed.args.getValue('feeReceiver') as string).toLowerCase());
        }
      }
      if (rewardToken !== undefined && receivers.size > 0)
        tx.rewardWei = await rewardPaid(r.logs, marginModule, rewardToken, receivers, n, valueInEth);
      paid.push(tx);
    }
  }
  return paid;
}

/**
 * What the module transferred to `receivers` in one receipt's logs, in ETH wei: `wethLike` 1:1, another token
 * by `valueInEth` at `blockNumber` (none: not counted).
 */
async function rewardPaid(
  logs: RawLog[],
  marginModule: string,
  wethLike: string,
  receivers: ReadonlySet<string>,
  blockNumber: number,
  valueInEth: ValueInEth | undefined,
): Promise<bigint> {
  let total = 0n;
  for (const log of logs) {
    if (log.topics[0] !== TRANSFER || log.topics.length !== 3) continue;
    const token = log.address.toLowerCase();
    if (token !== wethLike.toLowerCase() && valueInEth === undefined) continue;
    const parsed = erc20.parseLog(log);
    if (!parsed) continue;
    const from = (parsed.args.getValue('from') as string).toLowerCase();
    const to = (parsed.args.getValue('to') as string).toLowerCase();
    if (from !== marginModule.toLowerCase() || !receivers.has(to)) continue;
    const amount = parsed.args.getValue('value') as bigint;
    if (token === wethLike.toLowerCase()) total += amount;
    else total += (await valueInEth?.(token, amount, blockNumber)) ?? 0n;
  }
  return total;
}
