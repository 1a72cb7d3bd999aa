/** One transaction a keeper paid for, as its receipt tells it. */
export interface PaidTx {
  blockNumber: number;
  costWei: bigint;
  reverted: boolean;
  /** Positions this transaction froze (PositionFrozen with us as liquidator). */
  froze: bigint[];
  /** Positions this transaction completed (Liquidation with us as liquidator). */
  completed: bigint[];
  /** Rewards its completions paid our receivers, in wei of the reward token read as ETH (WETH); 0 when none. */
  rewardWei?: bigint;
}

export interface GasAccount {
  /** Everything paid. */
  spentWei: bigint;
  /** Paid on transactions that reverted. */
  lostWei: bigint;
  /** Paid for nothing: reverts, freezes never followed by our completion, and every earlier re-freeze. */
  wastedWei: bigint;
}

/**
 * Splits what a keeper paid into earning and wasted gas. `txs` are in chain order. A completion earns; a freeze
 * earns only when it is the last freeze of ours before our completion of the same position (a freeze is the
 * first half of a liquidation, and a re-freeze replaces it). A transaction acting on several positions is split
 * evenly between its actions; the remainder of the division counts as wasted, so no wei is unaccounted for.
 */
export function accountGas(txs: readonly PaidTx[]): GasAccount {
  const completedAfter = new Map<bigint, number>();
  txs.forEach((tx, i) => {
    if (!tx.reverted) for (const id of tx.completed) completedAfter.set(id, i);
  });
  // For each position, the index of our last freeze before our completion: that one freeze earns.
  const earningFreeze = new Map<bigint, number>();
  txs.forEach((tx, i) => {
    if (tx.reverted) return;
    for (const id of tx.froze) {
      const done = completedAfter.get(id);
      if (done !== undefined && i < done) earningFreeze.set(id, i);
    }
  });
  let spentWei = 0n;
  let lostWei = 0n;
  let wastedWei = 0n;
  txs.forEach((tx, i) => {
    spentWei += tx.costWei;
    if (tx.reverted) {
      lostWei += tx.costWei;
      wastedWei += tx.costWei;
      return;
    }
    const actions = tx.froze.length + tx.completed.length;
    if (actions === 0) {
      wastedWei += tx.costWei;
      return;
    }
    const share = tx.costWei / BigInt(actions);
    const earning = tx.completed.length + tx.froze.filter((id) => earningFreeze.get(id) === i).length;
    wastedWei += tx.costWei - share * BigInt(earning);
  });
  return { spentWei, lostWei, wastedWei };
}
