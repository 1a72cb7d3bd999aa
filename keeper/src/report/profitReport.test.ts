import { describe, expect, it } from 'vitest';
import type { FreezeRecord, LiquidationRecord } from './liquidationHistory.js';
import { profitReport } from './profitReport.js';

const US = '0x00000000000000000000000000000000000000aa';
const THEM = '0x00000000000000000000000000000000000000bb';
const WETH = '0x00000000000000000000000000000000000000ee';
const TOKEN = '0x00000000000000000000000000000000000000cc';

const freeze = (positionId: bigint, liquidator: string, txHash: string): FreezeRecord => ({
  positionId,
  liquidator,
  blockNumber: 10,
  txHash,
});
const liquidation = (
  positionId: bigint,
  liquidator: string,
  txHash: string,
  rewardAsset: string,
  rewardAmount = 1000n,
): LiquidationRecord => ({
  positionId,
  liquidator,
  frozenBy: liquidator,
  feeReceiver: liquidator,
  rewardAmount,
  rewardAsset,
  blockNumber: 11,
  txHash,
});

describe('profitReport', () => {
  it('our completions earn their reward less all our gas; a position someone else completed costs us our freeze', () => {
    const report = profitReport({
      freezes: [freeze(1n, US, '0xf1'), freeze(2n, US, '0xf2'), freeze(3n, THEM, '0xf3')],
      liquidations: [
        liquidation(1n, US, '0xc1', WETH),
        liquidation(2n, THEM, '0xc2', WETH),
        liquidation(3n, THEM, '0xc3', WETH),
        liquidation(4n, US, '0xc4', TOKEN),
      ],
      ours: new Set([US]),
      weth: WETH,
      gasByTx: new Map([
        ['0xf1', 10n],
        ['0xc1', 30n],
        ['0xf2', 7n],
        ['0xc4', 5n],
      ]),
    });
    const byId = new Map(report.positions.map((p) => [p.positionId, p]));
    expect(byId.get(1n)).toMatchObject({ rewardWei: 1000n, gasWei: 40n, profitWei: 960n, completedBy: US });
    expect(byId.get(2n)).toMatchObject({ rewardWei: 0n, gasWei: 7n, profitWei: -7n, completedBy: THEM });
    expect(byId.get(3n)).toMatchObject({ rewardWei: 0n, gasWei: 0n, completedBy: THEM });
    expect(byId.get(4n)).toMatchObject({ rewardWei: 0n, rewardUnvalued: true, profitWei: -5n });
    expect(report.totals).toEqual({
      marketLiquidations: 4,
      ourLiquidations: 2,
      shareBps: 5000,
      rewardWei: 1000n,
      estimatedRewardWei: 0n,
      gasWei: 52n,
      profitWei: 948n,
    });
  });

  it('a token reward counts at its ETH value when one is given, flagged as an estimate; ETH rewards are not', () => {
    const report = profitReport({
      freezes: [],
      liquidations: [
        liquidation(1n, US, '0xc1', WETH),
        liquidation(4n, US, '0xc4', TOKEN),
        liquidation(5n, US, '0xc5', '0x0000000000000000000000000000000000000000', 300n),
        liquidation(6n, US, '0xc6', TOKEN),
        liquidation(7n, THEM, '0xc7', TOKEN),
      ],
      ours: new Set([US]),
      weth: WETH,
      gasByTx: new Map([['0xc4', 5n]]),
      // Position 6's token had no pool at its block: no value. Someone else's reward is never ours to value.
      tokenRewardWei: new Map([
        ['0xc4', 250n],
        ['0xc7', 999n],
      ]),
    });
    const byId = new Map(report.positions.map((p) => [p.positionId, p]));
    expect(byId.get(1n)).toMatchObject({ rewardWei: 1000n, rewardEstimated: false, rewardUnvalued: false });
    expect(byId.get(4n)).toMatchObject({ rewardWei: 250n, rewardEstimated: true, profitWei: 245n });
    expect(byId.get(5n)).toMatchObject({ rewardWei: 300n, rewardEstimated: false });
    expect(byId.get(6n)).toMatchObject({ rewardWei: 0n, rewardUnvalued: true, rewardEstimated: false });
    expect(byId.get(7n)).toMatchObject({ rewardWei: 0n, rewardEstimated: false });
    expect(report.totals).toMatchObject({ rewardWei: 1550n, estimatedRewardWei: 250n, profitWei: 1545n });
  });
});
