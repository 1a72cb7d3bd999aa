import { Interface, parseUnits } from 'ethers';
import type { Logger } from 'pino';
import type { RpcClient } from '../chain/RpcClient.js';
import type { KeeperConfig } from '../config/configSchema.js';
import { planBlock } from '../decision/planBlock.js';
import { gasFor } from '../decision/gasFor.js';
import { planSwapsBeforeCompletion } from '../decision/planSwapsBeforeCompletion.js';
import type { FeeForecast, InFlightAction, Plan, PlannedAction, PositionInput } from '../decision/types.js';
import { KeeperError, formatErrorChain } from '../errors/KeeperError.js';
import { NotActingError } from '../ingest/NotActingError.js';
import type { HeadBlock } from '../model/HeadBlock.js';
import {
  SubgraphMirror,
  type BlockRef,
  type SubgraphSource,
  type SyncResult,
} from '../ingest/SubgraphMirror.js';
import type { Address, OracleProfile, PositionState, PositionValuation } from '../model/types.js';
import { onchainStatus } from '../oracles/onchainStatus.js';
import { GasLedger } from '../execution/GasLedger.js';
import { readPoolStates } from '../chain/readPoolStates.js';
import { readUnindexedTouches, type UnindexedFreeze } from '../ingest/readUnindexedTouches.js';
import { OracleProber } from '../oracles/probeOracle.js';
import { probeModule, refineByDebt, type ModuleProfile } from '../oracles/probeModule.js';
import type { OnchainStatus } from '../oracles/onchainStatus.js';
import { readFixedRatios } from '../oracles/readFixedRatios.js';
import type { KeeperMetrics } from '../ops/KeeperMetrics.js';
import { ValuationBook } from '../valuation/ValuationBook.js';
import { chainReader } from '../chain/chainReader.js';
import { applyBids } from './applyBids.js';
import { executionSettings } from '../execution/executionSettings.js';
import { predictFees } from './predictFees.js';
import { simulateActions, type SimulatedPlan } from './simulateActions.js';
import { simulateSwapThenComplete } from './simulateSwapThenComplete.js';
import { twapGasTable } from '../decision/twapGasTable.js';
import { REVERTED } from '../valuation/QuoteResult.js';
import { rewardValueWei } from './rewardValueWei.js';
import { usdToWei } from './usdToWei.js';

const tokenlistAbi = new Interface(['function getTokenlist(bytes32 listId) view returns (address[])']);

export interface BlockStats {
  tracked: number;
  atRisk: number;
  candidates: number;
  unvalued: number;
  reverting: number;
  revalued: number;
  rpcCalls: number;
}

export type BlockOutcome =
  | {
      kind: 'planned';
      head: BlockRef;
      synced: BlockRef;
      lagBlocks: number;
      nextTimestampSec: bigint;
      /** Positions the contract will let anyone liquidate (freeze or complete) at the next block, by our valuation. */
      liquidatable: bigint[];
      plan: Plan;
      stats: BlockStats;
      elapsedMs: number;
    }
  | { kind: 'not-acting'; head: BlockRef; reason: string; elapsedMs: number };

/** How many positions per oracle are checked against getPositionStatus per block (and at startup). */
const VERIFY_SAMPLE = 3;

/**
 * One straight line per block: sync the mirror from the subgraph, revalue what changed, add on-chain answers
 * for oracles we cannot model, and decide. Holds the cross-block memory (mirror, valuation book, oracle
 * profiles, our in-flight actions). Throws only for unknown errors; anything that makes the data untrustworthy
 * is a `not-acting` outcome.
 */
export class KeeperCore {
  readonly mirror: SubgraphMirror;
  readonly book = new ValuationBook();
  readonly profiles = new Map<Address, OracleProfile>();
  readonly inFlight = new Map<bigint, InFlightAction>();
  /** Gas per position (the executor writes it): counted against each position's reward. */
  readonly ledger = new GasLedger();
  private readonly prober: OracleProber;
  private readonly erc223 = new Set<Address>();
  private rpcCalls = 0;
  private stablecoinDecimals: number | undefined;
  private readonly warned = new Set<string>();
  /** Token lists by id (`getTokenlist`), for the whitelist ids marginSwap needs. */
  private readonly tokenlists = new Map<Address, readonly Address[]>();
  private resyncRequested = false;
  /** The module's generation and debt rule: probed on the first synced block, refined by sampled debts. */
  module: ModuleProfile | undefined;
  /** Set when the module's debts fit no rule we know: everything is then valued on chain. */
  private moduleDistrust: string | null = null;
  /** Positions changed on chain in blocks the subgraph has not indexed yet: not acted on until it has. */
  private heldBack = new Set<bigint>();
  /** Freezes in blocks the subgraph has not indexed, on positions nothing else touched there: applied at the head. */
  private unindexedFreezes = new Map<bigint, UnindexedFreeze>();

  constructor(
    private readonly deps: {
      config: KeeperConfig;
      rpc: RpcClient;
      subgraph: SubgraphSource;
      ourAddresses: [Address, ...Address[]];
      log: Logger;
      metrics: KeeperMetrics;
      onProgress?: (progress: { kind: string; rows: number }) => void;
      /** The factory whose pools the subgraph indexes (the module's own): other factories' oracles go on chain. */
      poolFactory?: Address;
    },
  ) {
    this.mirror = new SubgraphMirror(deps.subgraph, chainReader(deps.rpc.provider, deps.config.marginModule));
    this.prober = new OracleProber(deps.rpc.provider);
  }

  async processBlock(head: BlockRef | HeadBlock): Promise<BlockOutcome> {
    const started = performance.now();
    const { config, metrics, log } = this.deps;
    if (this.resyncRequested) {
      // Between blocks, never under a running sync: the mirror reloads everything at this head.
      this.resyncRequested = false;
      this.mirror.reset();
      log.info({ head: head.number }, 'full resync from the subgraph');
    }
    this.rpcCalls = 0;
    metrics.headBlock.set(head.number);
    let sync: SyncResult;
    try {
      sync = await this.mirror.sync(head, { ...config.subgraph, onProgress: this.deps.onProgress });
    } catch (err) {
      if (!(err instanceof NotActingError)) throw err;
      metrics.notActing.inc({ reason: err.message.split(':')[0]?.slice(0, 40) ?? 'unknown' });
      return { kind: 'not-acting', head, reason: err.message, elapsedMs: performance.now() - started };
    }
    const nextTimestampSec = BigInt(head.timestampSec + config.blockTimeSec);
    if (!this.module) await this.identifyModule(sync);
    const newProfiles = await this.profileNewOracles(sync);
    for (const pool of this.mirror.pools.values()) {
      this.erc223.add(pool.token0Erc223);
      this.erc223.add(pool.token1Erc223);
    }
    const summary = this.book.update(
      {
        oracles: newProfiles,
        orders: [...sync.changedOrders]
          .map((id) => this.mirror.orders.get(id))
          .filter((o) => o !== undefined),
        pools: [...sync.changedPools]
          .map((a) => this.mirror.pools.get(a as Address))
          .filter((p) => p !== undefined),
        positions: [...sync.changedPositions]
          .map((id) => this.mirror.positions.get(id))
          .filter((p) => p !== undefined),
        removedPositionIds: [...sync.removedPositions],
      },
      nextTimestampSec,
    );
    // Everything below is read at the head: under lag, the overlay makes the book hold the head's pools.
    await this.refreshFixedRatios(head, nextTimestampSec);
    this.heldBack = new Set();
    this.unindexedFreezes = new Map();
    if (sync.lagBlocks > 0) await this.overlayUnindexed(head, sync, nextTimestampSec);
    metrics.heldBack.set(this.heldBack.size);
    await this.verifyModels(sync, head, nextTimestampSec, newProfiles.length > 0 || sync.full);
    const onchain = await this.valueOnChain(head, nextTimestampSec);
    const liquidatable = this.liquidatableSet(nextTimestampSec, onchain);
    const anyoneCompletes = (this.module?.generation ?? 1) >= 2;
    const fees = await this.fees(head);
    const forecast = planBlock({
      nextBlock: { number: BigInt(head.number + 1), timestampSec: nextTimestampSec },
      ourAddresses: this.deps.ourAddresses,
      inFlight: this.inFlight,
      fees,
      policy: {
        minProfitWei: config.thresholds.minProfit,
        alwaysLiquidateAboveRewardWei: await this.alwaysLiquidateAboveWei(),
        lenders: config.filters.lenders,
        orderIds: config.filters.orderIds,
        rewardFloorWei: config.filters.rewardFloor,
        ...(anyoneCompletes ? { gasTable: twapGasTable } : {}),
      },
      erc223Addresses: this.erc223,
      moduleGeneration: this.module?.generation ?? 1,
      positions: this.decisionInputs(liquidatable, nextTimestampSec, onchain),
    });
    // Gen 2/3: gas limits from the simulation at the target block's timestamp, before the calls are priced.
    const simulated = anyoneCompletes
      ? await this.simulate(forecast, head, nextTimestampSec, fees.nextBlock)
      : forecast;
    const plan = applyBids(
      simulated,
      {
        nextBaseFeePerGasWei: fees.nextBlock.baseFeePerGasWei,
        forecastPriorityFeePerGasWei: fees.nextBlock.priorityFeePerGasWei,
        policy: executionSettings(config.execution).fees,
      },
      config.thresholds.minProfit,
    );
    const atRiskBy = nextTimestampSec + BigInt((config.atRiskWithinBlocks - 1) * config.blockTimeSec);
    const stats: BlockStats = {
      tracked: this.book.size,
      atRisk:
        this.book.candidates(atRiskBy).length +
        [...onchain.values()].filter((v) => v.kind === 'valued' && v.liquidatable).length,
      candidates: liquidatable.length,
      unvalued: this.book.positionIds('unvalued').length,
      reverting: this.book.positionIds('reverts').length,
      revalued: summary.revalued,
      rpcCalls: this.rpcCalls,
    };
    metrics.syncedBlock.set(sync.block.number);
    metrics.subgraphLag.set(sync.lagBlocks);
    metrics.positionsTracked.set(stats.tracked);
    metrics.positionsAtRisk.set(stats.atRisk);
    metrics.candidates.set(stats.candidates);
    metrics.plannedActions.set(plan.actions.length);
    const elapsedMs = performance.now() - started;
    metrics.blockSeconds.observe(elapsedMs / 1000);
    log.debug({ head: head.number, synced: sync.block.number, full: sync.full, ...stats }, 'block processed');
    return {
      kind: 'planned',
      head,
      synced: sync.block,
      lagBlocks: sync.lagBlocks,
      nextTimestampSec,
      liquidatable,
      plan,
      stats,
      elapsedMs,
    };
  }

  /**
   * The subgraph is a few blocks behind the head: the pools' prices and liquidity at the head come from the
   * chain (so a crash is seen at once), and the positions the module's events touched in the blocks not yet
   * indexed (or the positions of touched orders) are held back until the subgraph has them, except for freezes:
   * a freeze writes only the freeze time and the freezer, which are applied to the mirrored position so that its
   * completion is not late by the subgraph's lag. RPC calls: one getLogs and two per pool (plus the ring slots
   * written since), whatever the number of positions.
   */
  private async overlayUnindexed(head: BlockRef, sync: SyncResult, timestampSec: bigint): Promise<void> {
    const { rpc, config } = this.deps;
    const touches = await readUnindexedTouches(
      rpc.provider,
      config.marginModule,
      sync.block.number + 1,
      head.number,
    );
    this.rpcCalls += 1;
    const held = new Set<bigint>(touches.positions);
    for (const [id, position] of this.mirror.positions) {
      if (touches.unknown > 0 || touches.orders.has(position.orderId)) held.add(id);
    }
    for (const [id, freeze] of touches.freezes) if (!held.has(id)) this.unindexedFreezes.set(id, freeze);
    const pools = [...this.mirror.pools.values()];
    if (pools.length > 0) {
      const overlaid = await readPoolStates(rpc.provider, pools, head.number);
      this.rpcCalls += 2 * pools.length;
      this.book.update({ pools: overlaid }, timestampSec);
    }
    this.heldBack = held;
  }

  /** The mirrored position as it stands at the head: with a freeze the subgraph has not indexed yet. */
  private positionAtHead(id: bigint): PositionState | undefined {
    const position = this.mirror.positions.get(id);
    const freeze = this.unindexedFreezes.get(id);
    return position && freeze ? { ...position, ...freeze } : position;
  }

  /** Positions the keeper must not act on this block: flagged stale by the subgraph, or changed since it indexed. */
  private untrusted(id: bigint): boolean {
    return this.mirror.stalePositions.has(id) || this.heldBack.has(id);
  }

  /** The next block reloads the whole mirror from the subgraph (the scheduled full resync). */
  requestFullResync(): void {
    this.resyncRequested = true;
  }

  /**
   * Gen 2/3: every planned call simulated at the target timestamp; its gas becomes the estimate (the TWAP oracle's
   * cost varies with each ring), and what reverts there is not sent. A blocked completion is reported with how
   * far the pool's spot sits from the TWAP and when the window has absorbed the last swap; it is simulated again
   * next block.
   */
  private async simulate(plan: Plan, head: BlockRef, timestampSec: bigint, fees: FeeForecast): Promise<Plan> {
    if (plan.actions.length === 0) return plan;
    const simulated = await simulateActions(this.deps.rpc, this.deps.config.marginModule, plan, {
      blockNumber: head.number,
      timestampSec,
      floor: twapGasTable,
      receiver: this.deps.config.execution.rewardReceiver ?? null,
      nonBaseAssets: (id) => Math.max(0, (this.mirror.positions.get(id)?.assets.length ?? 1) - 1),
    });
    this.rpcCalls += simulated.calls;
    for (const { positionId, reason } of simulated.blockedCompletions) {
      const floorNote = this.floorNote(positionId);
      this.deps.log.warn(
        { positionId: positionId.toString(), reason },
        `completion blocked${floorNote ? `: ${floorNote}` : ''}; retrying every block`,
      );
    }
    if (!this.deps.config.policy.swapBeforeCompletion.enabled || simulated.blockedCompletions.length === 0)
      return simulated.plan;
    return this.swapFirst(simulated.plan, simulated.blockedCompletions, head, timestampSec, fees);
  }

  /**
   * Policy `swapBeforeCompletion`: each floor-blocked completion of our own freeze becomes our marginSwaps of its
   * non-base assets followed by the completion, when the three together succeed at the target timestamp (one
   * eth_simulateV1 each). Their gas is counted in the completion's cost; the rest stay blocked and wait.
   */
  private async swapFirst(
    plan: Plan,
    blocked: SimulatedPlan['blockedCompletions'],
    head: BlockRef,
    timestampSec: bigint,
    fees: FeeForecast,
  ): Promise<Plan> {
    const { config, log } = this.deps;
    const unblocked: PlannedAction[] = [];
    for (const { positionId, action } of blocked) {
      const position = this.mirror.positions.get(positionId);
      const order = position ? this.mirror.orders.get(position.orderId) : undefined;
      if (!position || !order) continue;
      const decision = planSwapsBeforeCompletion(
        {
          action,
          position,
          order,
          quotes: this.book.assetQuotes(positionId),
          pricingPoolFee: (i) => {
            const pool = this.book.pricingPool(positionId, i);
            return pool ? (this.mirror.pools.get(pool)?.fee ?? null) : null;
          },
          tokenlist: await this.tokenlist(order.whitelist, head),
        },
        {
          policy: config.policy.swapBeforeCompletion,
          ourAddresses: this.deps.ourAddresses,
          erc223Addresses: this.erc223,
          moduleGeneration: this.module?.generation ?? 1,
        },
      );
      if (decision.kind === 'wait') {
        log.info({ positionId: positionId.toString() }, `no swap before completion: ${decision.reason}`);
        continue;
      }
      const result = await simulateSwapThenComplete(this.deps.rpc, config.marginModule, decision.action, {
        blockNumber: head.number,
        timestampSec,
        receiver: config.execution.rewardReceiver ?? null,
      });
      this.rpcCalls += 1;
      if (!result.ok) {
        log.info({ positionId: positionId.toString() }, `no swap before completion: ${result.reason}`);
        continue;
      }
      // Gas used is net of the refund a swap earns by clearing its balance, and a limit must cover the gross and
      // the 63/64 kept back at the router call: a quarter on top, before the executor's own margin.
      const swapsFirst = (decision.action.swapsFirst ?? []).map((swap, i) => ({
        ...swap,
        gasUnits: ((result.swapGas[i] ?? 0n) * 5n) / 4n,
      }));
      const floor = gasFor(twapGasTable.complete, 0);
      const swapCostWei =
        swapsFirst.reduce((sum, swap) => sum + swap.gasUnits, 0n) *
        (fees.baseFeePerGasWei + fees.priorityFeePerGasWei);
      unblocked.push({
        ...decision.action,
        swapsFirst,
        gasUnits: result.completionGas > floor ? result.completionGas : floor,
        expectedCostWei: decision.action.expectedCostWei + swapCostWei,
        expectedProfitWei: decision.action.expectedProfitWei - swapCostWei,
      });
      log.warn(
        { positionId: positionId.toString() },
        `completion unblocked by swapping first: ${decision.action.detail}`,
      );
    }
    if (unblocked.length === 0) return plan;
    const ids = new Set(unblocked.map((a) => a.positionId));
    // Completions first, as the plan orders them: they pay, and their window closes.
    return {
      ...plan,
      actions: [...unblocked, ...plan.actions],
      skipped: plan.skipped.filter((s) => !(ids.has(s.positionId) && s.reason === 'completion-blocked')),
    };
  }

  /** The order's token list (`getTokenlist`): lists are content-addressed and never change, so read once each. */
  private async tokenlist(whitelist: Address, head: BlockRef): Promise<readonly Address[] | null> {
    const cached = this.tokenlists.get(whitelist);
    if (cached) return cached;
    const raw = await this.deps.rpc.provider.call({
      to: this.deps.config.marginModule,
      data: tokenlistAbi.encodeFunctionData('getTokenlist', [whitelist]),
      blockTag: head.number,
    });
    this.rpcCalls += 1;
    const tokens = (tokenlistAbi.decodeFunctionResult('getTokenlist', raw)[0] as string[]).map(
      (t) => t.toLowerCase() as Address,
    );
    this.tokenlists.set(whitelist, tokens);
    return tokens;
  }

  /** "spot X % under TWAP, clears at ~second S" for the first sold asset whose pool trades under its TWAP. */
  private floorNote(positionId: bigint): string | null {
    const position = this.mirror.positions.get(positionId);
    if (!position) return null;
    for (let i = position.assets.length - 1; i >= 1; i--) {
      if ((position.balances[i] ?? 0n) === 0n) continue;
      const poolAddress = this.book.pricingPool(positionId, i);
      const pool = poolAddress ? this.mirror.pools.get(poolAddress) : undefined;
      const twapSqrt = this.book.twapSqrtPrice(positionId, i);
      if (!pool || twapSqrt === null || twapSqrt === 0n) continue;
      const ratio = (Number(pool.sqrtPriceX96) / Number(twapSqrt)) ** 2;
      const asset = position.assets[i]!;
      const assetIsToken0 = asset === pool.token0 || asset === pool.token0Erc223;
      const assetRatio = assetIsToken0 ? ratio : 1 / ratio;
      const underPct = (1 - assetRatio) * 100;
      const newest = pool.ring?.observations[pool.ring.index];
      const oracle = this.mirror.orders.get(position.orderId)?.oracle;
      const profile = oracle ? this.profiles.get(oracle) : undefined;
      const window = profile && 'twapWindow' in profile ? profile.twapWindow : undefined;
      const clears =
        newest && window !== undefined ? ` clears at ~second ${newest.blockTimestamp + window}` : '';
      return `spot ${underPct.toFixed(2)} % under TWAP in pool ${pool.address} (asset ${asset}),${clears}`;
    }
    return null;
  }

  /** `priceOracle()` picks gen 3; gen 1 vs 2 (and gen 3's own rule) is then learnt from sampled debts. */
  private async identifyModule(sync: SyncResult): Promise<void> {
    this.module = await probeModule(this.deps.rpc.provider, this.deps.config.marginModule, sync.block.number);
    this.rpcCalls += 1;
    this.book.setDebtModel(this.module.debtModel);
    this.deps.log.info(
      {
        generation: this.module.generation,
        priceOracle: this.module.priceOracle,
        debt: this.module.debtModel,
      },
      'margin module identified (debt rule to be confirmed on live positions)',
    );
  }

  /**
   * Checks the module's debt rule against the contract's own debts. A debt only the other rule gives switches
   * the book to it; a debt no known rule gives (an unexpected module) values every position on chain from now on.
   * Returns whether the book's debts changed.
   */
  private learnDebtRule(answers: Map<bigint, OnchainStatus>, timestampSec: bigint): boolean {
    if (!this.module || this.moduleDistrust) return false;
    for (const [id, answer] of answers) {
      const position = this.mirror.positions.get(id);
      if (!answer.ok || !position) continue;
      const verdict = refineByDebt(this.module, position, timestampSec, answer.debt);
      if (verdict.kind === 'agrees') {
        this.module = verdict.profile;
        continue;
      }
      this.deps.metrics.oracleDrift.inc({ oracle: this.deps.config.marginModule });
      if (verdict.kind === 'switched') {
        this.module = verdict.profile;
        this.deps.log.warn(
          { generation: this.module.generation, debt: this.module.debtModel, detail: verdict.detail },
          'margin module debt rule corrected from getPositionStatus',
        );
        this.book.setDebtModel(this.module.debtModel);
        this.book.update({}, timestampSec);
        return true;
      }
      this.moduleDistrust = `the module's debts fit no known rule (${verdict.detail})`;
      this.deps.log.warn(
        { detail: verdict.detail },
        'margin module debt rule unknown: valuing every position on chain',
      );
      const demoted = [...this.profiles.keys()].map((address): OracleProfile => ({
        kind: 'onchain',
        address,
        reason: this.moduleDistrust ?? '',
      }));
      for (const profile of demoted) this.profiles.set(profile.address, profile);
      this.book.update({ oracles: demoted }, timestampSec);
      return true;
    }
    return false;
  }

  /** Re-reads the fixed-ratio oracles' ratios for the pairs positions hold (their changes emit no indexed event). */
  private async refreshFixedRatios(head: BlockRef, timestampSec: bigint): Promise<void> {
    const fixed = [...this.profiles.values()].filter((p) => p.kind === 'fixed-ratio');
    if (fixed.length === 0) return;
    const pairs = new Map<Address, [Address, Address][]>(fixed.map((p) => [p.address, []]));
    for (const position of this.mirror.positions.values()) {
      const oracle = this.mirror.orders.get(position.orderId)?.oracle;
      const list = oracle ? pairs.get(oracle) : undefined;
      if (!list) continue;
      const base = position.assets[0];
      if (!base) continue;
      for (const asset of position.assets.slice(1)) list.push([base, asset]);
    }
    for (const profile of fixed) {
      const { profile: changed, calls } = await readFixedRatios(
        this.deps.rpc.provider,
        profile,
        pairs.get(profile.address) ?? [],
        head.number,
      );
      this.rpcCalls += calls;
      if (!changed) continue;
      this.profiles.set(profile.address, changed);
      this.book.update({ oracles: [changed] }, timestampSec);
    }
  }

  /** Probes oracles seen for the first time (at the synced block): their storage knobs pick the model. */
  private async profileNewOracles(sync: SyncResult): Promise<OracleProfile[]> {
    const fresh: OracleProfile[] = [];
    for (const id of sync.changedOrders) {
      const oracle = this.mirror.orders.get(id)?.oracle;
      if (!oracle || this.profiles.has(oracle)) continue;
      let profile: OracleProfile = this.moduleDistrust
        ? { kind: 'onchain', address: oracle, reason: this.moduleDistrust }
        : await this.prober.profile(oracle, sync.block.number);
      this.rpcCalls += this.moduleDistrust ? 0 : 4;
      const poolFactory = this.deps.poolFactory;
      if (poolFactory && profile.kind !== 'onchain' && profile.factory !== poolFactory) {
        // Our pool mirror holds the indexed factory's pools only: another factory's prices are unknown to us.
        profile = {
          kind: 'onchain',
          address: oracle,
          reason: `prices through factory ${profile.factory}, not ${poolFactory}`,
        };
      }
      this.profiles.set(oracle, profile);
      fresh.push(profile);
      this.deps.log.info(
        { oracle, kind: profile.kind, ...('reason' in profile ? { reason: profile.reason } : {}) },
        'oracle identified',
      );
    }
    return fresh;
  }

  /**
   * Checks in-process valuations against the contract's own getPositionStatus on a few positions per oracle:
   * at startup and when something changed, so a model that drifts is caught within blocks. A disagreement
   * demotes the oracle to on-chain valuation for good (with a warning and the drift metric). Compared at the head:
   * while the subgraph lags, the book holds the head's pools (the overlay), and positions changed since the indexed
   * block are not sampled (a freeze changes no valuation input).
   */
  private async verifyModels(
    sync: SyncResult,
    head: BlockRef,
    timestampSec: bigint,
    wide: boolean,
  ): Promise<void> {
    const byOracle = new Map<Address, bigint[]>();
    const pool = wide ? this.mirror.positions.keys() : sync.changedPositions.values();
    for (const id of pool) {
      if (this.untrusted(id)) continue;
      const position = this.mirror.positions.get(id);
      const oracle = position ? this.mirror.orders.get(position.orderId)?.oracle : undefined;
      const profile = oracle ? this.profiles.get(oracle) : undefined;
      if (!oracle || !profile || profile.kind === 'onchain') continue;
      const sample = byOracle.get(oracle) ?? [];
      if (sample.length < VERIFY_SAMPLE) byOracle.set(oracle, [...sample, id]);
    }
    const ids = [...byOracle.values()].flat();
    if (ids.length === 0) return;
    const answers = await onchainStatus(
      this.deps.rpc,
      this.deps.config.marginModule,
      ids,
      head.hash,
      timestampSec,
    );
    this.rpcCalls += 1;
    // The debt rule first: a wrong one would otherwise demote every oracle for a disagreement that is not theirs.
    this.learnDebtRule(answers, timestampSec);
    for (const [oracle, sample] of byOracle) {
      if (this.profiles.get(oracle)?.kind === 'onchain') continue;
      for (const id of sample) {
        const ours = this.book.valuation(id, timestampSec);
        const theirs = answers.get(id);
        const agree =
          theirs !== undefined &&
          ours !== undefined &&
          (theirs.ok
            ? ours.kind === 'valued' && ours.debt === theirs.debt && ours.value === theirs.value
            : ours.kind === 'reverts');
        if (agree) continue;
        this.deps.metrics.oracleDrift.inc({ oracle });
        this.deps.log.warn(
          { oracle, positionId: id.toString(), ours, theirs },
          'oracle model disagrees with getPositionStatus: valuing this oracle on chain',
        );
        const demoted: OracleProfile = {
          kind: 'onchain',
          address: oracle,
          reason: `model disagreed with getPositionStatus on position ${id}`,
        };
        this.profiles.set(oracle, demoted);
        this.book.update({ oracles: [demoted] }, timestampSec);
        break;
      }
    }
  }

  /** The contract's answer for positions we cannot value in-process, at the next block's timestamp. */
  private async valueOnChain(block: BlockRef, timestampSec: bigint): Promise<Map<bigint, PositionValuation>> {
    const ids = this.book.positionIds('unvalued').filter((id) => !this.untrusted(id));
    const out = new Map<bigint, PositionValuation>();
    if (ids.length === 0) return out;
    const answers = await onchainStatus(
      this.deps.rpc,
      this.deps.config.marginModule,
      ids,
      block.hash,
      timestampSec,
    );
    this.rpcCalls += Math.ceil(ids.length / 200);
    this.learnDebtRule(answers, timestampSec);
    for (const [id, answer] of answers) {
      out.set(
        id,
        answer.ok
          ? {
              kind: 'valued',
              debt: answer.debt,
              value: answer.value,
              liquidatable: answer.value < answer.debt,
              liquidatableAtSec: answer.value < answer.debt ? timestampSec : null,
            }
          : { kind: 'reverts', reason: answer.reason },
      );
    }
    return out;
  }

  private liquidatableSet(timestampSec: bigint, onchain: Map<bigint, PositionValuation>): bigint[] {
    const ids = this.book.candidates(timestampSec).filter((id) => !onchain.has(id));
    for (const [id, valuation] of onchain)
      if (valuation.kind === 'valued' && valuation.liquidatable) ids.push(id);
    return ids.filter((id) => !this.untrusted(id));
  }

  /** Only positions that may need a call: liquidatable ones, frozen ones (completion, take-over) and our in-flight ones. */
  private decisionInputs(
    liquidatable: bigint[],
    timestampSec: bigint,
    onchain: Map<bigint, PositionValuation>,
  ): PositionInput[] {
    const ids = new Set<bigint>(liquidatable);
    for (const [id, position] of this.mirror.positions) if (position.frozenAtSec > 0n) ids.add(id);
    for (const id of this.unindexedFreezes.keys()) ids.add(id);
    for (const id of this.inFlight.keys()) ids.add(id);
    const inputs: PositionInput[] = [];
    for (const id of ids) {
      // Per-position boundary: one position we cannot read must not stop the others' liquidations.
      try {
        const input = this.decisionInput(id, timestampSec, onchain);
        if (input) inputs.push(input);
      } catch (err) {
        this.deps.metrics.positionsFailed.inc();
        this.deps.log.error(
          { positionId: id.toString(), error: formatErrorChain(err) },
          'position skipped this block',
        );
      }
    }
    return inputs;
  }

  private decisionInput(
    id: bigint,
    timestampSec: bigint,
    onchain: Map<bigint, PositionValuation>,
  ): PositionInput | undefined {
    const position = this.positionAtHead(id);
    const order = position ? this.mirror.orders.get(position.orderId) : undefined;
    if (!position || !order) return undefined;
    const valuation: PositionValuation = this.untrusted(id)
      ? { kind: 'unvalued', reason: 'stale in the subgraph, or changed in blocks it has not indexed' }
      : (onchain.get(id) ??
        this.book.valuation(id, timestampSec) ?? { kind: 'unvalued', reason: 'not in the valuation book' });
    const neverCompletes = (this.module?.generation ?? 1) >= 2 ? this.dustNote(id) : null;
    return {
      position,
      order,
      valuation,
      rewardValueWei: rewardValueWei(order, this.deps.config.weth, this.book.pools),
      spent: this.ledger.spend(id),
      ...(neverCompletes ? { completionNeverSucceeds: neverCompletes } : {}),
    };
  }

  /**
   * A held asset that the oracle values at 0 base units: its forced swap returns nothing (`require(out > 0)`) and
   * the completion reverts for as long as prices stay near; freezing it would only pay gas.
   */
  private dustNote(id: bigint): string | null {
    const quotes = this.book.assetQuotes(id);
    const position = this.mirror.positions.get(id);
    if (!quotes || !position) return null;
    for (let i = 1; i < position.assets.length; i++) {
      const balance = position.balances[i] ?? 0n;
      if (balance > 0n && quotes[i - 1] === 0n) {
        return `completion can never succeed: ${balance} of ${position.assets[i]} quotes 0 of the base asset, so its forced swap returns nothing`;
      }
      if (balance > 0n && quotes[i - 1] === REVERTED)
        return `completion reverts: no price for ${position.assets[i]}`;
    }
    return null;
  }

  /**
   * The "always liquidate" reward threshold in wei: as configured in ETH, or a USD amount converted at the
   * configured stablecoin/WETH pool's current price (null, with a warning, when that pool is not indexed).
   */
  private async alwaysLiquidateAboveWei(): Promise<bigint | null> {
    const threshold = this.deps.config.thresholds.alwaysLiquidateAboveReward;
    if (!threshold) return null;
    if ('eth' in threshold) return threshold.eth;
    const pool = this.mirror.pools.get(threshold.stablecoinPool);
    const weth = this.deps.config.weth;
    if (!pool || !weth) {
      this.warnOnce(`the USD threshold needs weth and the indexed pool ${threshold.stablecoinPool}: ignored`);
      return null;
    }
    const stablecoin = pool.token0 === weth ? pool.token1 : pool.token0;
    if (this.stablecoinDecimals === undefined) {
      const raw = await this.deps.rpc.provider.call({ to: stablecoin, data: '0x313ce567' }); // decimals()
      this.rpcCalls += 1;
      this.stablecoinDecimals = Number(BigInt(raw));
    }
    const wei = usdToWei(pool, stablecoin, weth, parseUnits(threshold.usd, this.stablecoinDecimals));
    if (wei === null)
      this.warnOnce(
        `pool ${threshold.stablecoinPool} is not a priced stablecoin/WETH pool: USD threshold ignored`,
      );
    return wei;
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.deps.log.warn(message);
  }

  /** The next block's fees from the head read once for this block (a bare BlockRef costs one more read). */
  private async fees(head: BlockRef | HeadBlock) {
    const priority = BigInt(Math.round(this.deps.config.priorityFeeGwei * 1e9));
    if ('baseFeePerGasWei' in head) {
      return predictFees(
        { baseFeePerGas: head.baseFeePerGasWei, gasUsed: head.gasUsed, gasLimit: head.gasLimit },
        priority,
      );
    }
    const block = await this.deps.rpc.provider.getBlock(head.hash);
    this.rpcCalls += 1;
    if (!block) throw new KeeperError(`block ${head.number} (${head.hash}) is no longer on chain`);
    return predictFees(
      { baseFeePerGas: block.baseFeePerGas ?? 0n, gasUsed: block.gasUsed, gasLimit: block.gasLimit },
      priority,
    );
  }
}
