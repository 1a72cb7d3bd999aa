import type { ActionKind } from '../decision/types.js';
import type { Address, PositionState } from '../model/types.js';
import type { OutcomeKind } from './types.js';

export interface LandedReceipt {
  status: number;
  blockNumber: bigint;
  gasUsed: bigint;
  effectiveGasPriceWei: bigint;
}

export interface ClassifiedOutcome {
  outcome: OutcomeKind;
  blockNumber: bigint | null;
  gasCostWei: bigint;
  detail: string;
}

/**
 * How one submitted liquidation call ended, or null while it may still land. A receipt settles it (a reverted
 * one is gas lost). Without one, once its last target block has passed, the indexed position tells a step
 * someone else took (closed, or frozen by another address) from a bundle that simply did not land.
 */
export function classifyOutcome(
  submission: { kind: ActionKind; lastTargetBlock: bigint },
  receipt: LandedReceipt | null,
  position: PositionState | undefined,
  ourKeys: ReadonlySet<Address>,
  headBlock: bigint,
): ClassifiedOutcome | null {
  if (receipt !== null) {
    const gasCostWei = receipt.gasUsed * receipt.effectiveGasPriceWei;
    return receipt.status === 1
      ? {
          outcome: 'included',
          blockNumber: receipt.blockNumber,
          gasCostWei,
          detail: `landed in block ${receipt.blockNumber}`,
        }
      : {
          outcome: 'reverted',
          blockNumber: receipt.blockNumber,
          gasCostWei,
          detail: `reverted in block ${receipt.blockNumber}, ${receipt.gasUsed} gas paid`,
        };
  }
  const taken = takenBy(submission.kind, position, ourKeys);
  if (taken !== null) return { outcome: 'beaten', blockNumber: null, gasCostWei: 0n, detail: taken };
  if (headBlock < submission.lastTargetBlock) return null;
  return {
    outcome: 'dropped',
    blockNumber: null,
    gasCostWei: 0n,
    detail: `not included by block ${submission.lastTargetBlock}`,
  };
}

/** Whether someone else already did what the call would do, by the indexed position; null if not. */
export function takenBy(
  kind: ActionKind,
  position: PositionState | undefined,
  ourKeys: ReadonlySet<Address>,
): string | null {
  if (position === undefined) return 'the position is no longer indexed';
  if (!position.open) return 'the position was closed by someone else';
  const freezer = position.frozenBy.toLowerCase() as Address;
  if (position.frozenAtSec > 0n && !ourKeys.has(freezer)) {
    return kind === 'complete'
      ? `re-frozen by ${freezer} at ${position.frozenAtSec}`
      : `frozen by ${freezer} at ${position.frozenAtSec}`;
  }
  return null;
}
