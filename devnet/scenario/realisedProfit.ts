import type { PaidTx } from './accountGas.js';

/** A keeper's money over a run: rewards in wei (as ETH) in, every wei of gas out. */
export interface RealisedProfit {
  rewardWei: bigint;
  spentWei: bigint;
  /** rewardWei − spentWei: reverts, wasted freezes and cancellations all count against it. */
  profitWei: bigint;
}

export function realisedProfit(txs: readonly PaidTx[]): RealisedProfit {
  let rewardWei = 0n;
  let spentWei = 0n;
  for (const tx of txs) {
    spentWei += tx.costWei;
    if (!tx.reverted) rewardWei += tx.rewardWei ?? 0n;
  }
  return { rewardWei, spentWei, profitWei: rewardWei - spentWei };
}
