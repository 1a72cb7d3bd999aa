import type { JsonRpcProvider } from 'ethers';

interface RawReceipt {
  from: string;
  status: string;
  gasUsed: string;
  effectiveGasPrice: string;
}

/** Gas paid by `senders` on transactions that reverted, in blocks [fromBlock, toBlock] (read from receipts). */
export async function gasLostWei(
  provider: JsonRpcProvider,
  fromBlock: number,
  toBlock: number,
  senders: Set<string>,
): Promise<bigint> {
  let lost = 0n;
  for (let n = fromBlock; n <= toBlock; n++) {
    const receipts = (await provider.send('eth_getBlockReceipts', [`0x${n.toString(16)}`])) as RawReceipt[];
    for (const r of receipts) {
      if (senders.has(r.from.toLowerCase()) && BigInt(r.status) === 0n) {
        lost += BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice);
      }
    }
  }
  return lost;
}
