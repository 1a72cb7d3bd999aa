import type { ActionKind } from '../decision/types.js';

/** What one position has cost us so far. */
export interface PositionSpend {
  /** Gas paid by every transaction of ours on this position that landed (reverted ones included). */
  gasSpentWei: bigint;
  /** Freezes and re-freezes of ours that landed. */
  freezesLanded: number;
  /** A completion of ours landed: the reward was earned. */
  rewarded: boolean;
}

/**
 * Gas we paid, per position, and whether it earned the reward: the decision counts what a position has
 * already cost against its reward (so a position whose completion keeps failing cannot drain us freeze
 * after freeze), and `wastedWei` is gas on positions that earned no reward (yet). Rebuilt as empty after a
 * restart: the cap then restarts from zero, which bounds a loss per process, not per lifetime.
 */
export class GasLedger {
  private readonly byPosition = new Map<bigint, PositionSpend>();
  private spentWei = 0n;
  private rewardedSpentWei = 0n;

  record(positionId: bigint, kind: ActionKind, outcome: string, gasCostWei: bigint): void {
    const entry = this.byPosition.get(positionId) ?? { gasSpentWei: 0n, freezesLanded: 0, rewarded: false };
    entry.gasSpentWei += gasCostWei;
    this.spentWei += gasCostWei;
    if (entry.rewarded) this.rewardedSpentWei += gasCostWei;
    if (outcome === 'included' && (kind === 'freeze' || kind === 'refreeze')) entry.freezesLanded += 1;
    if (outcome === 'included' && kind === 'complete' && !entry.rewarded) {
      entry.rewarded = true;
      this.rewardedSpentWei += entry.gasSpentWei;
    }
    this.byPosition.set(positionId, entry);
  }

  spend(positionId: bigint): PositionSpend | undefined {
    return this.byPosition.get(positionId);
  }

  /** Gas paid on positions whose reward we have not (yet) earned. */
  get wastedWei(): bigint {
    return this.spentWei - this.rewardedSpentWei;
  }
}
