import { ZeroAddress } from 'ethers';
import type { FreezeRecord, LiquidationRecord } from './liquidationHistory.js';

/** One position in the report: who froze and completed it, the reward, what we paid, what we made. */
export interface PositionProfit {
  positionId: bigint;
  frozenBy: string | null;
  completedBy: string | null;
  /**
   * Reward in ETH wei when ours: paid in ETH or WETH as is, in another token at the pool price of the
   * completion's block (`rewardEstimated`); 0 when someone else completed it.
   */
  rewardWei: bigint;
  /** The reward was paid in a token other than WETH and valued at the pool price: an estimate. */
  rewardEstimated: boolean;
  /** The reward was paid in a token other than WETH that could not be valued (no pool): counts 0. */
  rewardUnvalued: boolean;
  /** Gas of our transactions on it (freezes, completion), from their receipts. */
  gasWei: bigint;
  profitWei: bigint;
  completedBlock: number | null;
}

export interface ProfitReport {
  positions: PositionProfit[];
  totals: {
    marketLiquidations: number;
    ourLiquidations: number;
    /** Our completions per 10 000 of the market's. */
    shareBps: number;
    rewardWei: bigint;
    /** The part of `rewardWei` that is token rewards valued at the pool price (an estimate). */
    estimatedRewardWei: bigint;
    gasWei: bigint;
    profitWei: bigint;
  };
}

/**
 * The period's liquidations joined with our receipts: a position appears when it was completed in the period
 * or when we spent gas on it. Rewards paid in ETH or in WETH count 1:1; a reward in another token counts at
 * its ETH value in `tokenRewardWei` (the pool price at the completion's block, flagged as an estimate), or,
 * when it has none there, is flagged unvalued and counts 0 (a lower bound).
 */
export function profitReport(options: {
  freezes: readonly FreezeRecord[];
  liquidations: readonly LiquidationRecord[];
  ours: ReadonlySet<string>;
  weth: string | null;
  /** Gas paid per transaction hash (lowercase), for our transactions. */
  gasByTx: ReadonlyMap<string, bigint>;
  /** Our completions paid in another token: their reward's ETH value, by transaction hash (lowercase). */
  tokenRewardWei?: ReadonlyMap<string, bigint>;
}): ProfitReport {
  const { ours, gasByTx } = options;
  const weth = options.weth?.toLowerCase() ?? null;
  const rows = new Map<bigint, PositionProfit>();
  let estimatedRewardWei = 0n;
  const row = (positionId: bigint): PositionProfit => {
    let found = rows.get(positionId);
    if (!found) {
      found = {
        positionId,
        frozenBy: null,
        completedBy: null,
        rewardWei: 0n,
        rewardEstimated: false,
        rewardUnvalued: false,
        gasWei: 0n,
        profitWei: 0n,
        completedBlock: null,
      };
      rows.set(positionId, found);
    }
    return found;
  };
  for (const freeze of options.freezes) {
    if (!ours.has(freeze.liquidator)) continue;
    const r = row(freeze.positionId);
    r.frozenBy = freeze.liquidator;
    r.gasWei += gasByTx.get(freeze.txHash) ?? 0n;
  }
  for (const liquidation of options.liquidations) {
    const r = row(liquidation.positionId);
    r.frozenBy = liquidation.frozenBy;
    r.completedBy = liquidation.liquidator;
    r.completedBlock = liquidation.blockNumber;
    if (!ours.has(liquidation.liquidator)) continue;
    r.gasWei += gasByTx.get(liquidation.txHash) ?? 0n;
    const asset = liquidation.rewardAsset;
    const inEth = asset === ZeroAddress || (weth !== null && asset === weth);
    const estimate = options.tokenRewardWei?.get(liquidation.txHash);
    if (liquidation.rewardAmount !== null && inEth) r.rewardWei += liquidation.rewardAmount;
    else if (estimate !== undefined) {
      r.rewardWei += estimate;
      r.rewardEstimated = true;
      estimatedRewardWei += estimate;
    } else r.rewardUnvalued = true;
  }
  const positions = [...rows.values()].sort((a, b) => (a.positionId < b.positionId ? -1 : 1));
  let rewardWei = 0n;
  let gasWei = 0n;
  for (const r of positions) {
    r.profitWei = r.rewardWei - r.gasWei;
    rewardWei += r.rewardWei;
    gasWei += r.gasWei;
  }
  const marketLiquidations = options.liquidations.length;
  const ourLiquidations = options.liquidations.filter((l) => ours.has(l.liquidator)).length;
  return {
    positions,
    totals: {
      marketLiquidations,
      ourLiquidations,
      shareBps: marketLiquidations === 0 ? 0 : Math.floor((ourLiquidations * 10_000) / marketLiquidations),
      rewardWei,
      estimatedRewardWei,
      gasWei,
      profitWei: rewardWei - gasWei,
    },
  };
}
