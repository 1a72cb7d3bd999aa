import type { Address } from '../model/types.js';
import { classifyPosition } from './classifyPosition.js';
import { defaultGasTable } from './defaultGasTable.js';
import { freezeWindowSec } from './freezeWindowSec.js';
import { liquidationCost } from './liquidationCost.js';
import type {
  ActionKind,
  ActionReason,
  DecisionContext,
  DecisionPolicy,
  PositionDecision,
  PositionInput,
  SkipReason,
} from './types.js';

const lower = (address: Address): Address => address.toLowerCase() as Address;

/** Freezes of ours on one position after which an expired one of ours is not renewed. */
export const MAX_OWN_FREEZES = 2;

/**
 * One position's decision for the next block: the state machine's candidate call, then the operator's
 * filters, then our own submissions that may still land, then profit. The reward counts as worth 0 when it
 * cannot be valued: a lower bound, so an unknown reward never makes a loss look like a profit.
 */
export function decidePosition(input: PositionInput, context: DecisionContext): PositionDecision {
  const { position, valuation, rewardValueWei } = input;
  const status = classifyPosition(input, context);
  const liquidatableAtSec = valuation.kind === 'valued' ? valuation.liquidatableAtSec : null;
  const candidateKind = status.candidate?.kind ?? null;
  const skip = (reason: SkipReason, detail: string): PositionDecision => ({
    kind: 'skip',
    skipped: {
      positionId: position.positionId,
      orderId: position.orderId,
      phase: status.phase,
      reason,
      candidate: candidateKind,
      liquidatableAtSec,
      detail,
    },
  });

  const rewardWei = rewardValueWei ?? 0n;
  const excluded = excludedBy(input, rewardWei, context.policy);
  if (excluded !== null) return skip(excluded.reason, `${excluded.detail}; ${status.detail}`);
  if (status.candidate === null) return skip(status.blockedBy, status.detail);

  const { kind, sender } = status.candidate;
  // A freeze pays gas and earns nothing unless a completion follows: never freeze what cannot complete.
  if (kind !== 'complete' && input.completionNeverSucceeds !== undefined) {
    return skip('completion-never-succeeds', `${input.completionNeverSucceeds}; ${status.detail}`);
  }
  const pending = pendingSubmission(input, kind, context);
  if (pending !== null) return skip('in-flight', `${pending}; ${status.detail}`);

  // Our own freeze ran out without our completion landing: the completion could not be done within a
  // window, and another freeze would most likely pay for nothing again.
  const spent = input.spent ?? { gasSpentWei: 0n, freezesLanded: 0 };
  const ownExpired =
    kind === 'refreeze' && context.ourAddresses.some((a) => lower(a) === lower(position.frozenBy));
  if (ownExpired && spent.freezesLanded >= MAX_OWN_FREEZES) {
    return skip(
      'completion-failed-in-window',
      `our ${spent.freezesLanded} freezes expired without a completion; not paying for another; ${status.detail}`,
    );
  }

  const nonBaseAssets = Math.max(0, position.assets.length - 1);
  const cost = liquidationCost(kind, nonBaseAssets, context.policy.gasTable ?? defaultGasTable, context.fees);
  // Gas this position already cost us counts against its reward for any further freeze: what we pay on one
  // position never exceeds what it can earn. A completion's freeze is sunk, and the completion is what pays.
  const sunkWei = kind === 'complete' ? 0n : spent.gasSpentWei;
  const profitWei = rewardWei - cost.costWei - sunkWei;
  const figures =
    `reward ${rewardValueWei ?? 'unvalued (0)'} wei, gas cost ${cost.costWei} wei` +
    (sunkWei > 0n ? `, already spent ${sunkWei} wei` : '') +
    `, profit ${profitWei} wei`;
  const { minProfitWei, alwaysLiquidateAboveRewardWei: alwaysAboveWei } = context.policy;
  let reason: ActionReason;
  if (profitWei >= minProfitWei) reason = 'profitable';
  else if (alwaysAboveWei !== null && rewardWei >= alwaysAboveWei) reason = 'reward-above-always-threshold';
  else {
    return skip('unprofitable', `${figures} < min ${minProfitWei} wei; ${status.detail}`);
  }
  return {
    kind: 'act',
    action: {
      positionId: position.positionId,
      orderId: position.orderId,
      kind,
      sender,
      phase: status.phase,
      reason,
      gasUnits: cost.gasUnits,
      expectedCostWei: cost.costWei,
      expectedProfitWei: profitWei,
      rewardValueWei,
      completeBySec: kind === 'complete' ? position.frozenAtSec + freezeWindowSec : null,
      liquidatableAtSec,
      detail: `${figures}; ${status.detail}`,
    },
  };
}

function excludedBy(
  input: PositionInput,
  rewardWei: bigint,
  policy: DecisionPolicy,
): { reason: SkipReason; detail: string } | null {
  const lender = lower(input.order.owner);
  if (policy.lenders.length > 0 && !policy.lenders.some((allowed) => lower(allowed) === lender)) {
    return { reason: 'excluded-lender', detail: `lender ${lender} not in the lender filter` };
  }
  const orderId = input.position.orderId;
  if (policy.orderIds.length > 0 && !policy.orderIds.includes(orderId)) {
    return { reason: 'excluded-order', detail: `order ${orderId} not in the order filter` };
  }
  if (rewardWei < policy.rewardFloorWei) {
    const worth = input.rewardValueWei === null ? 'could not be valued' : `is worth ${rewardWei} wei`;
    return { reason: 'below-reward-floor', detail: `reward ${worth}, floor ${policy.rewardFloorWei} wei` };
  }
  return null;
}

/**
 * A submission of ours that may still land and would do what the candidate does. One whose last target
 * block has passed either landed (the mirror shows it) or never will, so it no longer holds anything back.
 */
function pendingSubmission(input: PositionInput, kind: ActionKind, context: DecisionContext): string | null {
  const record = context.inFlight.get(input.position.positionId);
  if (record === undefined || record.lastTargetBlock < context.nextBlock.number) return null;
  const freezing = (k: ActionKind) => k === 'freeze' || k === 'refreeze';
  const same = record.kind === kind || (freezing(record.kind) && freezing(kind));
  if (!same) return null;
  return `our ${record.kind} sent at block ${record.sentAtBlock} may land until block ${record.lastTargetBlock}`;
}
