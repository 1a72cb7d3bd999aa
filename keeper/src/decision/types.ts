/**
 * Inputs and outputs of the decision module. Everything here is plain data so that a plan can be rebuilt,
 * printed and compared in tests; nothing reads the clock or the network.
 */
import type { Address, OrderState, PositionState, PositionValuation } from '../model/types.js';

/** What one `liquidate(positionId, receiver)` call does, as predicted for the block it lands in. */
export type ActionKind =
  /** The position is not frozen: the call freezes it with the sender as liquidator. */
  | 'freeze'
  /** Frozen, a later second, at most 3600 s after the freeze: the call sells, repays and pays the reward. */
  | 'complete'
  /** Frozen more than 3600 s ago: the call freezes it afresh in the sender's name. */
  | 'refreeze';

/**
 * Where a position stands at the next block's timestamp. Derived afresh every block from the mirror, the
 * valuation and our in-flight record, so a restart loses nothing.
 */
export type PositionPhase =
  /** Not liquidatable, not frozen. */
  | 'healthy'
  /** Liquidatable and not frozen: freeze it. */
  | 'liquidatable'
  /** Our freeze landed but the next block's timestamp is not past it yet (same-timestamp rule). */
  | 'frozen-by-us'
  /** A freeze we are allowed to complete now (ours, or anyone's on a base-only position, or we own it). */
  | 'completable'
  /** Someone else's freeze inside its window that we cannot complete now: wait for it to expire. */
  | 'frozen-by-other'
  /** Frozen more than 3600 s ago and liquidatable: the next call re-freezes, whoever sends it. */
  | 'expired-freeze'
  /** Frozen but no longer liquidatable: every call reverts until it is liquidatable again. */
  | 'rescued'
  /** Liquidatable, but completing it sells an asset held under its ERC-223 address: only its owner can. */
  | 'owner-only'
  /** The contract's valuation reverts, so `liquidate` reverts too. */
  | 'unliquidatable'
  /** No trustworthy valuation yet: never act on it. */
  | 'unvalued'
  /** Closed after a freeze of ours (by our completion, or by the owner completing it). */
  | 'done'
  /** Closed otherwise: by its owner or lender, or liquidated after someone else's freeze. */
  | 'closed';

/** Why a position gets no action this block; stable codes for logs and metrics. */
export type SkipReason =
  | 'closed'
  | 'liquidated-after-our-freeze'
  | 'unvalued'
  | 'valuation-reverts'
  | 'healthy'
  | 'rescued'
  | 'same-timestamp'
  | 'owner-only-erc223'
  | 'only-freezer-or-owner-can-complete'
  | 'excluded-lender'
  | 'excluded-order'
  | 'below-reward-floor'
  | 'in-flight'
  | 'unprofitable'
  | 'completion-failed-in-window'
  /** Gen 2/3: the completion reverts at the target timestamp (the 95 % floor, most often): retried every block. */
  | 'completion-blocked'
  /** The call reverts in the pre-send simulation at the target timestamp: not sent. */
  | 'simulation-reverts'
  /** Gen 2/3: a completion can never succeed (an asset whose forced swap returns nothing): never frozen again. */
  | 'completion-never-succeeds';

/** Why an action passed the policy. */
export type ActionReason = 'profitable' | 'reward-above-always-threshold';

/**
 * Gas used by each call, indexed by the position's number of non-base assets (`assets.length - 1`).
 * Beyond the last entry the table is extended linearly along its average slope (first to last entry):
 * completion gas rises in steps (gen 1 sells only every other asset), so the slope of the last pair alone
 * would under-estimate. A one-entry table is flat.
 */
export interface GasTable {
  freeze: readonly [bigint, ...bigint[]];
  complete: readonly [bigint, ...bigint[]];
  refreeze: readonly [bigint, ...bigint[]];
}

/** Fee per gas a transaction pays in one block: base fee plus the priority fee (the builder's tip). */
export interface FeeForecast {
  baseFeePerGasWei: bigint;
  priorityFeePerGasWei: bigint;
}

/** Predicted fees: for the next block, and for the later block a follow-up completion lands in. */
export interface FeeForecasts {
  nextBlock: FeeForecast;
  /**
   * For the completion that follows a freeze or re-freeze (at least one block later). Default: the next
   * block's fees with the base fee raised by 1/8, the most it can rise in one block.
   */
  laterBlock?: FeeForecast;
}

/** The operator's rules, from config. Addresses may be in any case. */
export interface DecisionPolicy {
  /** Act only when reward value − gas cost ≥ this (may be negative). */
  minProfitWei: bigint;
  /** Act even when unprofitable if the reward is worth at least this; null: never. */
  alwaysLiquidateAboveRewardWei: bigint | null;
  /** Only orders created by these lenders; empty: every lender. */
  lenders: readonly Address[];
  /** Only these orders; empty: every order. */
  orderIds: readonly bigint[];
  /** Ignore positions whose reward is worth less than this. */
  rewardFloorWei: bigint;
  /** Overrides the measured gen-1 figures (`defaultGasTable`). */
  gasTable?: GasTable;
}

/**
 * A liquidation call we submitted and that may still land. Execution records it when it sends; decision only
 * reads it, to avoid sending the same step twice while the first may still be included.
 */
export interface InFlightAction {
  kind: ActionKind;
  sender: Address;
  /** The head block when it was sent. */
  sentAtBlock: bigint;
  /** The last block it can land in (a bundle's target block, or the last of several). */
  lastTargetBlock: bigint;
}

/** One position with everything decided about it elsewhere. */
export interface PositionInput {
  position: PositionState;
  /** The position's order (its reward terms are the ones paid at completion). */
  order: OrderState;
  /** Valuation at the next block's timestamp. */
  valuation: PositionValuation;
  /** The order's reward in ETH wei through the Dex223 pools; null when it cannot be valued (counts as 0). */
  rewardValueWei: bigint | null;
  /** What this position has cost us so far (gas of our landed transactions, our landed freezes). */
  spent?: { gasSpentWei: bigint; freezesLanded: number };
  /** Why its completion can never succeed at current prices (dust that swaps to nothing): no freeze is sent. */
  completionNeverSucceeds?: string;
}

/** Facts shared by every position in one block's decision. */
export interface DecisionContext {
  /** The block the actions target (head + 1) and its predicted timestamp. */
  nextBlock: { number: bigint; timestampSec: bigint };
  /** Our liquidator addresses; the first sends freezes and takes over others' base-only freezes. */
  ourAddresses: readonly [Address, ...Address[]];
  /** Our submissions by position id. */
  inFlight: ReadonlyMap<bigint, InFlightAction>;
  fees: FeeForecasts;
  policy: DecisionPolicy;
  /** Every known ERC-223 token address (lowercase): such assets take the owner-only sale path. */
  erc223Addresses: ReadonlySet<Address>;
  /**
   * Which MarginModule generation runs (default 1). Gen 1 completes through the public marginSwap (only the
   * freezer or the owner, every other asset skipped); gen 2 and 3 sell every asset internally, so anyone completes.
   */
  moduleGeneration?: 1 | 2 | 3;
}

/**
 * What the state machine says a position allows, before policy and in-flight checks: either the call that
 * would succeed now and who must send it, or why no call would.
 */
export type PositionStatus =
  | {
      phase: PositionPhase;
      candidate: { kind: ActionKind; sender: Address };
      blockedBy: null;
      detail: string;
    }
  | { phase: PositionPhase; candidate: null; blockedBy: SkipReason; detail: string };

/**
 * One `marginSwap(positionId, assetId1, whitelistId1, whitelistId2, amount, asset2, feeTier, minAmountOut, 0)` the
 * freezer sends right before its completion, in the same bundle (policy `swapBeforeCompletion`).
 */
export interface MarginSwapStep {
  /** `assetId1`: the asset's index in the position (swaps go from the last index down, so none moves). */
  assetIndex: number;
  asset: Address;
  /** Indexes `_validateAsset` checks against the order's token list (any in-range index passes the base asset). */
  whitelistId1: bigint;
  whitelistId2: bigint;
  /** The whole balance. */
  amount: bigint;
  /** `asset2`: the base asset. */
  assetOut: Address;
  /** Fee tier of the pool the oracle prices the asset by. */
  feeTier: number;
  /** The oracle's quote for the whole balance at the target timestamp. */
  quote: bigint;
  /** quote × (10000 − maxSlippageBps) / 10000, floored. */
  minAmountOut: bigint;
  /** Gas of this call alone (set from the bundle's simulation; 0 until then). */
  gasUnits: bigint;
}

/** One call the keeper should make in the next block. */
export interface PlannedAction {
  positionId: bigint;
  orderId: bigint;
  kind: ActionKind;
  /** Must send it: for a completion, the freezer (or the owner) unless the position is base-only. */
  sender: Address;
  phase: PositionPhase;
  reason: ActionReason;
  /** Gas of this call alone (use it, with a margin, as the gas limit). */
  gasUnits: bigint;
  /** Gas cost of this call plus the completion it leads to, at the forecast fees. */
  expectedCostWei: bigint;
  /** Reward value (0 when it could not be valued) minus `expectedCostWei`. */
  expectedProfitWei: bigint;
  rewardValueWei: bigint | null;
  /** The priority fee per gas the executor bids for it, fixed when the plan is priced (run/applyBids). */
  bidPriorityFeePerGasWei?: bigint;
  /** For a completion: the last timestamp at which it still completes (frozenAt + 3600); otherwise null. */
  completeBySec: bigint | null;
  liquidatableAtSec: bigint | null;
  detail: string;
  /** A completion only: our own marginSwaps sent first, in the same bundle (policy `swapBeforeCompletion`). */
  swapsFirst?: readonly MarginSwapStep[];
}

/** A position that gets no action this block, and why. */
export interface SkippedPosition {
  positionId: bigint;
  orderId: bigint;
  phase: PositionPhase;
  reason: SkipReason;
  /** The call the phase allowed before policy or in-flight checks dropped it. */
  candidate: ActionKind | null;
  /** From the valuation; null when not valued or never liquidatable at current prices. */
  liquidatableAtSec: bigint | null;
  detail: string;
}

export type PositionDecision =
  { kind: 'act'; action: PlannedAction } | { kind: 'skip'; skipped: SkippedPosition };

export interface PlanInput extends DecisionContext {
  positions: readonly PositionInput[];
}

export interface Plan {
  blockNumber: bigint;
  timestampSec: bigint;
  /** Completions first (they pay and expire), then freezes and re-freezes; by profit, then position id. */
  actions: PlannedAction[];
  /** By position id. */
  skipped: SkippedPosition[];
}

/** Counts for the one-line-per-block dry-run output. */
export interface PlanSummary {
  blockNumber: bigint;
  timestampSec: bigint;
  /** Open positions that pass the filters. */
  tracked: number;
  /** Open positions the filters exclude. */
  excluded: number;
  /** Tracked positions liquidatable at or before the timestamp of the last block of the horizon. */
  atRisk: number;
  /** Tracked positions whose phase allows a call, whether or not policy lets it through. */
  candidates: number;
  actions: number;
  completions: number;
  freezes: number;
  refreezes: number;
  /** Sum over the actions. */
  expectedProfitWei: bigint;
}
