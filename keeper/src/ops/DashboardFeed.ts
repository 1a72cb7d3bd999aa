import type { InFlightAction } from '../decision/types.js';
import type { ExecutionTotals } from '../execution/Executor.js';
import type { ActionOutcome, ExecutionReport } from '../execution/types.js';
import type { OrderState, PositionState, PositionValuation } from '../model/types.js';
import type { BlockOutcome } from '../run/KeeperCore.js';
import type { HealthReport } from './startOpsServer.js';

/** What the dashboard may read of the keeper: plain lookups, nothing it could change. */
export interface KeeperView {
  positions: ReadonlyMap<bigint, PositionState>;
  orders: ReadonlyMap<bigint, OrderState>;
  inFlight: ReadonlyMap<bigint, InFlightAction>;
  valuation(positionId: bigint, timestampSec: bigint): PositionValuation | undefined;
  /** The order's reward in ETH wei, null when it cannot be valued. */
  rewardWei(order: OrderState): bigint | null;
  health(): HealthReport;
  /** Undefined on a dry run: nothing is sent, so nothing is earned. */
  totals(): ExecutionTotals | undefined;
}

export interface AtRiskRow {
  positionId: string;
  orderId: string;
  owner: string;
  /** `liquidatable` now, `frozen` (waiting for its completion), or `healthy` (with an ETA). */
  state: 'liquidatable' | 'frozen' | 'healthy';
  /** Seconds of chain time from the head until it turns liquidatable (0 when it already is); null: never. */
  etaSec: number | null;
  liquidatableAtSec: string | null;
  /** Null when the position is valued on chain (an oracle the keeper does not model): no debt line, no ETA. */
  debt: string | null;
  value: string | null;
  rewardWei: string | null;
}

export interface RecentRow {
  positionId: string;
  kind: string;
  outcome: string;
  blockNumber: string | null;
  txHash: string;
  gasCostWei: string;
  /** The order's reward for a landed completion (what was earned), else null. */
  rewardWei: string | null;
  detail: string;
}

/** The `/api/state` document: bigints as decimal strings, times as ISO strings or seconds. */
export interface DashboardSnapshot {
  generatedAt: string;
  health: HealthReport;
  block: {
    head: number;
    headTimestampSec: number;
    synced: number | null;
    lagBlocks: number | null;
    notActing: string | null;
    tracked: number | null;
    atRisk: number | null;
    candidates: number | null;
    planned: number | null;
    /** Positions valued through getPositionStatus each block (no ETA) and positions whose valuation reverts. */
    unvalued: number | null;
    reverting: number | null;
  } | null;
  atRisk: AtRiskRow[];
  inFlight: {
    positionId: string;
    kind: string;
    sender: string;
    sentAtBlock: string;
    lastTargetBlock: string;
  }[];
  recent: RecentRow[];
  earnings: {
    dryRun: boolean;
    sent: number;
    included: number;
    reverted: number;
    beaten: number;
    dropped: number;
    liquidations: number;
    rewardWei: string;
    gasSpentWei: string;
    /** Rewards of the completions that landed minus all gas paid. */
    profitWei: string;
  };
}

/**
 * Remembers what the dashboard shows beyond the keeper's live state (the last block's outcome, the latest
 * execution outcomes, the rewards earned) and turns it with a `KeeperView` into a snapshot. Fed by the run
 * loop after each block; read by the ops server on request.
 */
export class DashboardFeed {
  private lastOutcome: BlockOutcome | undefined;
  private readonly recent: RecentRow[] = [];
  private liquidations = 0;
  private rewardEarnedWei = 0n;
  /**
   * The reward each planned action expected, by position: by the time a completion is settled the mirror has
   * already dropped the closed position (and may have dropped its order), so it is remembered from the plan.
   */
  private readonly plannedReward = new Map<bigint, bigint>();

  constructor(
    private readonly view: KeeperView,
    private readonly limits = { atRisk: 25, recent: 30 },
  ) {}

  recordPlan(outcome: BlockOutcome): void {
    this.lastOutcome = outcome;
    if (outcome.kind !== 'planned') return;
    for (const action of outcome.plan.actions) {
      if (action.rewardValueWei === null) continue;
      // Oldest first out: Map keeps insertion order, and a re-planned position moves to the back.
      this.plannedReward.delete(action.positionId);
      this.plannedReward.set(action.positionId, action.rewardValueWei);
    }
    for (const id of this.plannedReward.keys()) {
      if (this.plannedReward.size <= 10_000) break;
      this.plannedReward.delete(id);
    }
  }

  recordExecution(report: ExecutionReport | null): void {
    if (!report) return;
    for (const outcome of report.outcomes) this.remember(outcome);
  }

  private remember(outcome: ActionOutcome): void {
    let reward: bigint | null = null;
    if (outcome.kind === 'complete' && outcome.outcome === 'included') {
      const order = this.orderOf(outcome.positionId);
      reward = this.plannedReward.get(outcome.positionId) ?? (order ? this.view.rewardWei(order) : null);
      this.plannedReward.delete(outcome.positionId);
      this.liquidations += 1;
      this.rewardEarnedWei += reward ?? 0n;
    }
    this.recent.unshift({
      positionId: outcome.positionId.toString(),
      kind: outcome.kind,
      outcome: outcome.outcome,
      blockNumber: outcome.blockNumber?.toString() ?? null,
      txHash: outcome.txHash,
      gasCostWei: outcome.gasCostWei.toString(),
      rewardWei: reward?.toString() ?? null,
      detail: outcome.detail,
    });
    this.recent.length = Math.min(this.recent.length, this.limits.recent);
  }

  private orderOf(positionId: bigint): OrderState | undefined {
    const position = this.view.positions.get(positionId);
    return position ? this.view.orders.get(position.orderId) : undefined;
  }

  /** Completions of ours that landed, and their rewards: for the summary on exit. */
  earned(): { liquidations: number; rewardWei: bigint } {
    return { liquidations: this.liquidations, rewardWei: this.rewardEarnedWei };
  }

  /** The `limit` positions nearest to liquidation as of the last planned block (none before one). */
  nearestAtRisk(limit: number): AtRiskRow[] {
    const outcome = this.lastOutcome;
    return outcome?.kind === 'planned' ? this.nearest(outcome).slice(0, limit) : [];
  }

  snapshot(nowMs: number = Date.now()): DashboardSnapshot {
    const outcome = this.lastOutcome;
    const totals = this.view.totals();
    return {
      generatedAt: new Date(nowMs).toISOString(),
      health: this.view.health(),
      block: outcome ? blockOf(outcome) : null,
      atRisk: outcome?.kind === 'planned' ? this.nearest(outcome) : [],
      inFlight: [...this.view.inFlight].map(([id, a]) => ({
        positionId: id.toString(),
        kind: a.kind,
        sender: a.sender,
        sentAtBlock: a.sentAtBlock.toString(),
        lastTargetBlock: a.lastTargetBlock.toString(),
      })),
      recent: this.recent.slice(),
      earnings: {
        dryRun: totals === undefined,
        sent: totals?.sent ?? 0,
        included: totals?.included ?? 0,
        reverted: totals?.reverted ?? 0,
        beaten: totals?.beaten ?? 0,
        dropped: totals?.dropped ?? 0,
        liquidations: this.liquidations,
        rewardWei: this.rewardEarnedWei.toString(),
        gasSpentWei: (totals?.gasSpentWei ?? 0n).toString(),
        profitWei: (this.rewardEarnedWei - (totals?.gasSpentWei ?? 0n)).toString(),
      },
    };
  }

  /** The open positions closest to liquidation at the next block's timestamp: frozen and liquidatable first. */
  private nearest(outcome: Extract<BlockOutcome, { kind: 'planned' }>): AtRiskRow[] {
    const at = outcome.nextTimestampSec;
    const headSec = BigInt(outcome.head.timestampSec);
    const liquidatable = new Set(outcome.liquidatable);
    const rows: { key: bigint; row: AtRiskRow }[] = [];
    for (const [id, position] of this.view.positions) {
      const modelled = this.view.valuation(id, at);
      const valuation = modelled?.kind === 'valued' ? modelled : undefined;
      const frozen = position.frozenAtSec !== 0n;
      const now = liquidatable.has(id) || valuation?.liquidatable === true;
      // Not modelled in-process: shown only when the contract's own answer says it is (or it is frozen).
      if (!valuation && !now && !frozen) continue;
      const when = now || frozen ? at : (valuation?.liquidatableAtSec ?? null);
      if (when === null && !frozen) continue;
      const order = this.view.orders.get(position.orderId);
      const reward = order ? this.view.rewardWei(order) : null;
      rows.push({
        // Frozen positions sort before liquidatable ones: their completions are due first.
        key: frozen ? -1n : now ? 0n : (when ?? at) - headSec,
        row: {
          positionId: id.toString(),
          orderId: position.orderId.toString(),
          owner: position.owner,
          state: frozen ? 'frozen' : now ? 'liquidatable' : 'healthy',
          etaSec: when === null ? null : Number(when > headSec ? when - headSec : 0n),
          liquidatableAtSec: when?.toString() ?? null,
          debt: valuation?.debt.toString() ?? null,
          value: valuation?.value.toString() ?? null,
          rewardWei: reward?.toString() ?? null,
        },
      });
    }
    rows.sort((a, b) =>
      a.key !== b.key ? (a.key < b.key ? -1 : 1) : Number(a.row.positionId) - Number(b.row.positionId),
    );
    return rows.slice(0, this.limits.atRisk).map((r) => r.row);
  }
}

function blockOf(outcome: BlockOutcome): NonNullable<DashboardSnapshot['block']> {
  if (outcome.kind === 'not-acting') {
    return {
      head: outcome.head.number,
      headTimestampSec: outcome.head.timestampSec,
      synced: null,
      lagBlocks: null,
      notActing: outcome.reason,
      tracked: null,
      atRisk: null,
      candidates: null,
      planned: null,
      unvalued: null,
      reverting: null,
    };
  }
  return {
    head: outcome.head.number,
    headTimestampSec: outcome.head.timestampSec,
    synced: outcome.synced.number,
    lagBlocks: outcome.lagBlocks,
    notActing: null,
    tracked: outcome.stats.tracked,
    atRisk: outcome.stats.atRisk,
    candidates: outcome.stats.candidates,
    planned: outcome.plan.actions.length,
    unvalued: outcome.stats.unvalued,
    reverting: outcome.stats.reverting,
  };
}
