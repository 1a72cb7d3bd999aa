import type {
  Address,
  OracleProfile,
  OrderState,
  PoolState,
  PositionState,
  PositionValuation,
} from '../model/types.js';
import { BookSlot, NO_BALANCES, SlotStatus, SlotWork, type BookOracle, type BookPair } from './BookSlot.js';
import { createOracleModel } from './createOracleModel.js';
import { debtDivisor, debtOnLine, debtSlope, type DebtModel } from './DebtLine.js';
import { IdMap } from './IdMap.js';
import { IndexedMinHeap } from './IndexedMinHeap.js';
import { liquidationTime } from './liquidationTime.js';
import { liquidationTimeBound } from './liquidationTimeBound.js';
import { monotoneUntil } from './monotoneUntil.js';
import type { OracleModel, PairPrice } from './OracleModel.js';
import { poolAddressPairs, PoolIndex } from './PoolIndex.js';
import { REVERTED, type QuoteRevert } from './QuoteResult.js';
import { wrapUint } from './wrapUint.js';
import { TwapModel, type TwapPrice } from './TwapModel.js';
import { twapRateBounds } from './twapRateBounds.js';
import { firstLiquidatableSecond, positionValue, TICK_RANGE_MAX_SEC, twapTickRange } from './twapSteps.js';
import { observedPool } from './twapViews.js';

/** What changed since the last update; states replace the stored ones whole (never mutate a state once given). */
export interface ValuationChanges {
  oracles?: readonly OracleProfile[];
  orders?: readonly OrderState[];
  pools?: readonly PoolState[];
  /** Upserts; a closed position (`open: false`) leaves the book. */
  positions?: readonly PositionState[];
  removedPositionIds?: readonly bigint[];
}

export interface ValuationBookOptions {
  /** The MarginModule generation whose interest formula applies; gen1 by default. */
  debtModel?: DebtModel;
  /** Chooses the in-process model for a profile (null: value on chain); `createOracleModel` by default. */
  modelFor?: (profile: OracleProfile) => OracleModel | null;
}

export interface UpdateSummary {
  /** Positions whose value or liquidation time was recomputed. */
  revalued: number;
  /** Pair prices recomputed because a pool changed, or because time alone moves them (TWAP). */
  repriced: number;
}

interface BookOrder {
  readonly state: OrderState;
  readonly oracle: BookOracle;
}

/** Token ids stay below 2^24, so pair keys (id·2^24 + id) are exact small integers. */
const TOKEN_ID_SPAN = 2 ** 24;

/**
 * The keeper's incremental valuation of every open position: value at current prices, debt, and the exact
 * second each one becomes liquidatable, kept in queues so that a block's candidates cost what changed.
 *
 * Work per update is limited to what can have changed: a position is revalued when its own state changes,
 * when its order switches oracle, when its oracle's profile changes, or when the price of one of its
 * (base, asset) pairs changes. Prices are kept per (oracle, buy, sell) and recomputed when any pool of the
 * pair changes — any, because the oracle picks the deepest pool among all fee tiers, so a pool that is not
 * chosen can become chosen — and a position is only touched when the recomputed price actually differs.
 * Quotes are kept per position and asset and reused only while their pair's price is unchanged, which is
 * exact: a quote depends on nothing else. Oracle and order changes are rare and scan the book.
 *
 * Under the 2d3ffd2 TWAP oracle a price moves every second for a window after any swap, so positions are not
 * quoted at each update but bounded: between pool events each pair's TWAP tick over all later seconds lies in a
 * range read off the ring (`twapTickRange`), the quote floor(c·a) is monotone in the tick (`twapRateBounds`), and
 * a position is filed under the last second its value at its pairs' least rates still covers its debt, with a
 * reserve split into per-pair trigger rates so that a pool event re-files only the positions it can disturb. When a
 * filing comes due the position is valued exactly at that second; near the line it is bounded over the next
 * two minutes instead. `candidates` and `valuation` are exact at every second asked; the work per block is the
 * pools that moved and the positions near the line, not the book.
 */
export class ValuationBook {
  readonly pools = new PoolIndex();
  private debtModel: DebtModel;
  private readonly modelFor: (profile: OracleProfile) => OracleModel | null;
  private readonly orders = new IdMap<BookOrder>();
  private readonly oracles = new Map<Address, BookOracle>();
  private readonly pairsByTokens = new Map<number, BookPair[]>();
  private readonly tokenIds = new Map<string, number>();
  private readonly slotOf = new IdMap<BookSlot>();
  private readonly slots: BookSlot[] = [];
  private readonly freeSlots: BookSlot[] = [];
  /** Slots whose order was missing when they were valued, by orderId: valued again when it arrives. */
  private readonly waitingForOrder = new Map<bigint, Set<BookSlot>>();
  private readonly dirtyList: BookSlot[] = [];
  /**
   * Bounded positions' floats (see `BookSlot.floats`), ARENA_STRIDE per slot in pages of PAGE_SLOTS slots: no
   * array per position, and plain double arrays on the JS heap (an ArrayBuffer's memory counts as external, and
   * growing one by tens of MB makes the engine collect the whole heap early).
   */
  private readonly pages: number[][] = [];
  /**
   * Positions quoted under a moving price (not bounded): their queued times hold their value fixed, which is exact
   * at the update's second only, so a look-ahead checks each of them at the second asked. Pruned lazily.
   */
  private readonly movingQuoted = new Set<BookSlot>();

  /** Valued positions not yet due, by the second they become liquidatable. */
  private readonly notDue = new IndexedMinHeap();
  /**
   * Due positions (liquidatable when last checked), by the last second their debt is known not to fall back;
   * they stay due without any per-block work until then, which for ordinary terms is never.
   */
  private readonly dueUntil = new IndexedMinHeap();
  private readonly dueSlots: BookSlot[] = [];
  private readonly dueIds: bigint[] = [];

  private updateNumber = 0;
  /** The second of the last update: times are filed from it and due positions were checked at or before it. */
  private clockSec: bigint | null = null;

  constructor(options: ValuationBookOptions = {}) {
    this.debtModel = options.debtModel ?? 'gen1';
    this.modelFor = options.modelFor ?? createOracleModel;
  }

  /** The interest rule applied to every position's debt. */
  get debtRule(): DebtModel {
    return this.debtModel;
  }

  /**
   * Switches the interest rule (the module's generation, once probed or learnt from the contract's debts): every
   * position's debt line and time are rebuilt at the next update.
   */
  setDebtModel(model: DebtModel): void {
    if (model === this.debtModel) return;
    this.debtModel = model;
    this.markAll(() => true, SlotWork.Structure);
  }

  /** Open positions held. */
  get size(): number {
    return this.slotOf.size;
  }

  /** Applies changes and revalues what they touch, with liquidation times counted from `timestampSec`. */
  update(changes: ValuationChanges, timestampSec: bigint): UpdateSummary {
    this.updateNumber += 1;
    const wentBack = this.clockSec !== null && timestampSec < this.clockSec;
    this.clockSec = timestampSec;
    for (const profile of changes.oracles ?? []) this.applyOracle(profile);
    const repriced = this.applyPools(changes.pools ?? []) + this.repriceMovingPairs();
    for (const order of changes.orders ?? []) this.applyOrder(order);
    for (const positionId of changes.removedPositionIds ?? []) this.removePosition(positionId);
    for (const position of changes.positions ?? []) this.applyPosition(position);
    // Times computed from a later second are not "first from now" for an earlier one (debt can wrap).
    if (wentBack) this.markAll((slot) => slot.status === SlotStatus.Valued, SlotWork.Time);

    const revalued = this.dirtyList.length;
    // In allocation order, which is roughly memory order: fewer cache and TLB misses than a random walk.
    if (revalued > 64 && !inIndexOrder(this.dirtyList)) this.dirtyList.sort((a, b) => a.index - b.index);
    for (const slot of this.dirtyList) {
      const work = slot.work;
      slot.work = 0;
      if (slot.status === SlotStatus.Free) continue;
      if (work & SlotWork.Structure) this.rebuild(slot, timestampSec);
      else if (slot.bounded) {
        if (!this.certify(slot, timestampSec, false)) this.rebuild(slot, timestampSec);
      } else if (work & SlotWork.Quotes) this.requote(slot, timestampSec, (work & SlotWork.Time) === 0);
      else if (slot.status === SlotStatus.Valued) this.file(slot, timestampSec);
    }
    this.dirtyList.length = 0;
    return { revalued, repriced };
  }

  /**
   * Positions liquidatable at `nextBlockTimestampSec` (the strict value < debt rule), in no particular order.
   *
   * At the second of the last update, work is proportional to the positions that became due or whose debt may
   * have wrapped since the last call, not to the book: each newly due position is checked once at this second
   * (its debt may have wrapped back below its value after its time, when the contract's products overflow) and
   * then stays due until its value changes or its debt could fall. A later second is a look-ahead: answered
   * from the same queues without changing them (what is due later need not be due at the next update's second),
   * at the cost of checking the positions due by then. An earlier second re-times every position.
   */
  candidates(nextBlockTimestampSec: bigint): bigint[] {
    const ts = nextBlockTimestampSec;
    if (this.clockSec !== null && ts < this.clockSec) {
      for (const slot of this.slots) {
        if (slot.status !== SlotStatus.Valued) continue;
        if (!slot.bounded) this.file(slot, ts);
        else if (!this.certify(slot, ts, false)) this.queueAt(slot, ts);
      }
    }
    if (this.clockSec === null || ts < this.clockSec) this.clockSec = ts;
    if (ts > this.clockSec) return this.lookAhead(ts);
    for (let at = this.notDue.peekKey(); at !== undefined && at <= ts; at = this.notDue.peekKey()) {
      const slot = this.slots[this.notDue.peekId()!]!;
      if (slot.bounded) this.checkBounded(slot, ts);
      else if (debtOnLine(slot, ts) > slot.value) this.enterDue(slot, ts);
      else this.retime(slot, ts);
    }
    for (
      let until = this.dueUntil.peekKey();
      until !== undefined && until < ts;
      until = this.dueUntil.peekKey()
    ) {
      const slot = this.slots[this.dueUntil.peekId()!]!;
      if (slot.bounded) this.checkBounded(slot, ts);
      else if (debtOnLine(slot, ts) > slot.value) this.dueUntil.set(slot.index, monotoneUntil(slot, ts));
      else this.retime(slot, ts);
    }
    return this.dueIds.slice();
  }

  private lookAhead(ts: bigint): bigint[] {
    const out: bigint[] = [];
    for (const slot of this.dueSlots) {
      if (isMovingQuoted(slot)) continue;
      if (this.dueUntil.keyOf(slot.index)! >= ts || this.liquidatableAt(slot, ts)) out.push(slot.positionId);
    }
    for (const index of this.notDue.atMost(ts)) {
      const slot = this.slots[index]!;
      if (!isMovingQuoted(slot) && this.liquidatableAt(slot, ts)) out.push(slot.positionId);
    }
    for (const slot of this.movingQuoted) {
      if (!isMovingQuoted(slot)) this.movingQuoted.delete(slot);
      else if (this.liquidatableAt(slot, ts)) out.push(slot.positionId);
    }
    return out;
  }

  /** The position's valuation at `timestampSec` (at or after the last update); undefined when not held. */
  valuation(positionId: bigint, timestampSec: bigint): PositionValuation | undefined {
    const slot = this.slotOf.get(positionId);
    if (slot === undefined) return undefined;
    if (slot.status === SlotStatus.Reverts) return { kind: 'reverts', reason: slot.reason };
    if (slot.status !== SlotStatus.Valued) return { kind: 'unvalued', reason: slot.reason };
    const debt = debtOnLine(slot, timestampSec);
    if (slot.bounded) {
      const value = this.exactValue(slot, timestampSec);
      if (value === null) return { kind: 'reverts', reason: this.revertReason(slot, timestampSec) };
      const liquidatable = value < debt;
      return {
        kind: 'valued',
        debt,
        value,
        liquidatable,
        liquidatableAtSec: liquidatable ? timestampSec : liquidationTime(slot, value, timestampSec),
      };
    }
    return {
      kind: 'valued',
      debt,
      value: slot.value,
      liquidatable: slot.value < debt,
      liquidatableAtSec: this.timeFrom(slot, timestampSec, debt > slot.value),
    };
  }

  /** Ids of the positions in one state: `unvalued` ones need an on-chain answer, `reverts` cannot be liquidated. */
  positionIds(kind: PositionValuation['kind']): bigint[] {
    const wanted =
      kind === 'valued' ? SlotStatus.Valued : kind === 'reverts' ? SlotStatus.Reverts : SlotStatus.Unvalued;
    return this.slots.filter((slot) => slot.status === wanted).map((slot) => slot.positionId);
  }

  /**
   * Each non-base asset's quote in the base asset at the last update (index i−1 for asset i; -1n where the oracle
   * reverts); undefined when the position is not valued in-process.
   */
  assetQuotes(positionId: bigint): readonly bigint[] | undefined {
    const slot = this.slotOf.get(positionId);
    if (slot?.status !== SlotStatus.Valued) return undefined;
    if (!slot.bounded) return slot.quotes;
    const model = slot.oracle!.model!;
    const at = this.clockSec ?? 0n;
    return slot.pairs!.map((pair, i) => model.amountOut(this.priceAt(pair, at), slot.balances[i + 1] ?? 0n));
  }

  /**
   * The exact first second in [fromSec, toSec] at which the position is liquidatable if no pool or position changes
   * meanwhile. Under a TWAP oracle the value moves with time alone (tick, eligibility and rank are step functions
   * of time between pool events: `firstLiquidatableSecond`); for other models the book's own time. Null: not
   * within the horizon; undefined: not valued in-process.
   */
  exactLiquidationSecond(positionId: bigint, fromSec: bigint, toSec: bigint): bigint | null | undefined {
    const slot = this.slotOf.get(positionId);
    if (slot === undefined || slot.status !== SlotStatus.Valued || !slot.position) return undefined;
    const model = slot.oracle?.model;
    if (model instanceof TwapModel) {
      // Every TWAP input (tick, eligibility, harmonic-mean rank) is constant once the window has passed the newest
      // write of every pool the position's pairs can use: step through time up to there, then the value is fixed
      // and only the debt moves, which `liquidationTime` answers exactly however far ahead.
      const settled = this.twapSettledSec(model, slot.position, fromSec);
      const steppedTo = settled < toSec ? settled : toSec;
      const position = slot.position;
      const at = firstLiquidatableSecond(
        model.profile,
        this.pools,
        position,
        slot,
        Number(fromSec),
        Number(steppedTo),
      );
      if (at !== null) return BigInt(at);
      if (steppedTo >= toSec) return null;
      const from = steppedTo + 1n;
      const value = positionValue(model.profile, this.pools, position, Number(from));
      if (value === null) return null; // a reverting valuation is never liquidatable
      const crossing = liquidationTime(slot, value, from);
      return crossing !== null && crossing <= toSec ? crossing : null;
    }
    const valuation = this.valuation(positionId, fromSec);
    const at = valuation?.kind === 'valued' ? valuation.liquidatableAtSec : null;
    return at !== null && at <= toSec ? at : null;
  }

  /** The last second at which any TWAP input of the position's pairs can still move with time alone. */
  private twapSettledSec(model: TwapModel, position: PositionState, fromSec: bigint): bigint {
    const base = position.assets[0];
    const now32 = Number(BigInt.asUintN(32, fromSec));
    let settled = fromSec;
    if (base === undefined) return settled;
    for (const asset of position.assets.slice(1)) {
      for (const fee of model.profile.feeTiers) {
        const ring = this.pools.get(base, asset, fee)?.ring;
        const newest = ring && ring.cardinality > 0 ? ring.observations[ring.index] : undefined;
        if (!newest) continue;
        const age = BigInt((now32 - newest.blockTimestamp + 2 ** 32) % 2 ** 32);
        const until = fromSec - age + BigInt(model.profile.twapWindow);
        if (until > settled) settled = until;
      }
    }
    return settled;
  }

  /** The TWAP sqrt price the oracle uses for the position's asset `assetIndex`; null when not a TWAP price. */
  twapSqrtPrice(positionId: bigint, assetIndex: number): bigint | null {
    const pair = this.slotOf.get(positionId)?.pairs?.[assetIndex - 1];
    const price = (pair && this.priceAt(pair, this.clockSec ?? 0n)) as
      { pair?: { sqrtPriceX96?: { ok: boolean; value?: bigint } } } | undefined;
    const sqrt = price?.pair?.sqrtPriceX96;
    return sqrt?.ok && sqrt.value !== undefined ? sqrt.value : null;
  }

  /** The pool the order's oracle would price (and `liquidate` swap) the position's asset `assetIndex` through. */
  pricingPool(positionId: bigint, assetIndex: number): Address | null {
    const pair = this.slotOf.get(positionId)?.pairs?.[assetIndex - 1];
    const price = pair && this.priceAt(pair, this.clockSec ?? 0n);
    return (price as { pool?: Address | null } | undefined)?.pool ?? null;
  }

  private applyOracle(profile: OracleProfile): void {
    const entry = this.oracleEntry(profile.address.toLowerCase() as Address);
    entry.model = this.modelFor(profile);
    entry.unvaluedReason =
      profile.kind === 'onchain'
        ? `oracle ${entry.address} is valued on chain: ${profile.reason}`
        : `no in-process model for oracle ${entry.address} (${profile.kind})`;
    // Structure, not quotes: the model (precision, tiers, ratios) may differ, and pairs are re-made.
    for (const bySell of [...entry.pairs.values()])
      for (const pair of [...bySell.values()]) this.dropPair(pair);
    this.markAll((slot) => slot.oracle === entry, SlotWork.Structure);
  }

  /** Pools go into the index first, then each touched pair is re-priced once, seeing every pool's new state. */
  private applyPools(pools: readonly PoolState[]): number {
    const touched: BookPair[] = [];
    for (const pool of pools) {
      const previous = this.pools.upsert(pool);
      const addressPairs = poolAddressPairs(pool);
      if (previous) addressPairs.push(...poolAddressPairs(previous));
      for (const [x, y] of addressPairs) {
        const idX = this.tokenIds.get(x);
        const idY = this.tokenIds.get(y);
        if (idX === undefined || idY === undefined) continue;
        for (const pair of this.pairsByTokens.get(unorderedKey(idX, idY)) ?? []) {
          if (pair.repricedAt === this.updateNumber) continue;
          pair.repricedAt = this.updateNumber;
          touched.push(pair);
        }
      }
    }
    for (const pair of touched) {
      const model = pair.oracle.model!;
      // Bounds and exact prices held for bounded positions assumed these pools would not change.
      pair.boundsFrom = NaN;
      pair.lazyAt = null;
      pair.lazyPrice = null;
      pair.short = null;
      // A TWAP price is the one at the update's second; other models ignore the time. A moving price nobody
      // quotes at is not worked out: it would hold for this second only.
      let same = true;
      if (model.pricesMoveWithTime && pair.exactUsers === 0) pair.priceStale = true;
      else {
        const price = model.price(this.pools, pair.buy, pair.sell, this.clockSec ?? undefined);
        same = !pair.priceStale && model.samePrice(pair.price, price);
        pair.price = price;
        pair.priceStale = false;
        if (!same) pair.changedAt = this.updateNumber;
      }
      if (!(model instanceof TwapModel)) {
        // Only TWAP positions are bounded: the others are re-quoted when their pair's price changed, as before.
        if (same) continue;
        for (const slot of pair.slots) if (slot.pairs?.includes(pair)) this.markDirty(slot, SlotWork.Quotes);
        continue;
      }
      const from = this.clockSec === null ? NaN : Number(this.clockSec);
      // The pair's new least rate from now on; positions whose trigger it does not reach keep their filing.
      const bounded = this.boundsOf(pair, from);
      const lo = bounded ? pair.lo : -Infinity;
      const hi = bounded ? pair.hi : Infinity;
      for (const slot of pair.slots) {
        const at = slot.pairs ? slot.pairs.indexOf(pair) : -1;
        if (at < 0) continue;
        if (slot.bounded) {
          const floats = slot.floats ?? this.pages[slot.index >> PAGE_BITS]!;
          const o = slot.floats ? 0 : (slot.index & PAGE_MASK) * ARENA_STRIDE;
          const trigger = floats[o + slot.pairs!.length + 1 + at]!;
          // Not due: re-filed when the least rate falls below its trigger; due: when the greatest rises above.
          if (slot.dueIndex > 0 ? !(trigger >= hi) : trigger > lo) this.markDirty(slot, SlotWork.Time);
        } else if (!same) this.markDirty(slot, SlotWork.Quotes);
      }
    }
    return touched.length;
  }

  /**
   * A TWAP price moves with time alone, so the pairs of such models are re-priced at every update's second (after
   * the pools, so none is priced twice). Liquidation times filed from these prices hold them fixed: they are exact
   * for the update's second, and a later update re-prices again.
   */
  private repriceMovingPairs(): number {
    let count = 0;
    for (const oracle of this.oracles.values()) {
      const model = oracle.model;
      if (!model?.pricesMoveWithTime) continue;
      for (const bySell of oracle.pairs.values()) {
        for (const pair of bySell.values()) {
          // Bounded positions need no price at every second; the pair is priced again when an exact user comes.
          if (pair.exactUsers === 0 || pair.repricedAt === this.updateNumber) continue;
          pair.repricedAt = this.updateNumber;
          count += 1;
          const price = model.price(this.pools, pair.buy, pair.sell, this.clockSec ?? undefined);
          const same = !pair.priceStale && model.samePrice(pair.price, price);
          pair.price = price;
          pair.priceStale = false;
          if (same) continue;
          pair.changedAt = this.updateNumber;
          for (const slot of pair.slots)
            if (slot.pairs?.includes(pair)) this.markDirty(slot, SlotWork.Quotes);
        }
      }
    }
    return count;
  }

  private applyOrder(order: OrderState): void {
    const previous = this.orders.get(order.orderId);
    const oracle = this.oracleEntry(order.oracle.toLowerCase() as Address);
    this.orders.set(order.orderId, { state: order, oracle });
    if (previous?.oracle === oracle) return;
    const waiting = this.waitingForOrder.get(order.orderId);
    if (waiting) {
      this.waitingForOrder.delete(order.orderId);
      for (const slot of waiting)
        if (slot.status !== SlotStatus.Free) this.markDirty(slot, SlotWork.Structure);
    }
    if (previous) this.markAll((slot) => slot.position?.orderId === order.orderId, SlotWork.Structure);
  }

  private applyPosition(position: PositionState): void {
    if (!position.open) {
      this.removePosition(position.positionId);
      return;
    }
    const slot = this.slotOf.get(position.positionId) ?? this.allocateSlot(position.positionId);
    slot.position = position;
    this.markDirty(slot, SlotWork.Structure);
  }

  private removePosition(positionId: bigint): void {
    const slot = this.slotOf.get(positionId);
    if (slot === undefined) return;
    this.detach(slot);
    this.unqueue(slot);
    this.slotOf.delete(positionId);
    slot.position = undefined;
    slot.balances = NO_BALANCES;
    slot.status = SlotStatus.Free;
    this.freeSlots.push(slot);
  }

  /** Re-resolves debt terms, oracle and pairs, then quotes every asset and times the position. */
  private rebuild(slot: BookSlot, timestampSec: bigint): void {
    this.detach(slot);
    const position = slot.position!;
    slot.initialBalance = wrapUint(position.initialBalance);
    slot.interest = position.interest;
    slot.debtModel = this.debtModel;
    slot.slopeFloat = slopeFloat(this.debtModel, slot.initialBalance, position.interest);
    slot.divisor = debtDivisor(this.debtModel);
    slot.createdAtSec = position.createdAtSec;
    slot.balances = position.balances;
    const order = this.orders.get(position.orderId);
    if (!order) {
      let waiting = this.waitingForOrder.get(position.orderId);
      if (!waiting) this.waitingForOrder.set(position.orderId, (waiting = new Set()));
      waiting.add(slot);
      return this.markUnvalued(slot, `order ${position.orderId} is not indexed`);
    }
    const oracle = order.oracle;
    slot.oracle = oracle;
    const model = oracle.model;
    if (!model) return this.markUnvalued(slot, oracle.unvaluedReason);
    const { assets, balances } = position;
    const base = assets[0];
    if (base === undefined) return this.markUnvalued(slot, 'position has no assets');
    let bySell = oracle.pairs.get(base);
    if (!bySell) oracle.pairs.set(base, (bySell = new Map()));
    const pairs: BookPair[] = new Array<BookPair>(assets.length - 1);
    for (let i = 1; i < assets.length; i++) {
      const sell = assets[i]!;
      const pair = bySell.get(sell) ?? this.addPair(oracle, model, bySell, base, sell);
      pair.slots.push(slot);
      pair.users += 1;
      pairs[i - 1] = pair;
    }
    slot.pairs = pairs;
    if (model instanceof TwapModel && model.kind === 'twap-2d3ffd2' && boundableAmounts(balances)) {
      slot.bounded = true;
      // Balances as floats, then one trigger rate per pair (set when filed): in the book's pages when they fit.
      const size = 2 * balances.length - 1;
      let floats: number[];
      let o = 0;
      if (size <= ARENA_STRIDE) {
        o = (slot.index & PAGE_MASK) * ARENA_STRIDE;
        floats = this.pages[slot.index >> PAGE_BITS] ?? this.addPages(slot.index >> PAGE_BITS);
        slot.floats = undefined;
      } else floats = slot.floats = new Array<number>(size).fill(0);
      for (let i = 0; i < balances.length; i++) floats[o + i] = Number(balances[i]!);
      if (this.certify(slot, timestampSec, false)) return;
      slot.bounded = false;
      slot.floats = undefined;
    }
    const quotes: bigint[] = new Array<bigint>(assets.length - 1);
    let value = balances[0] ?? 0n;
    let reverted = -1;
    for (let i = 1; i < assets.length; i++) {
      const pair = pairs[i - 1]!;
      pair.exactUsers += 1;
      if (model.pricesMoveWithTime) this.priceNow(pair, timestampSec);
      const quote = model.amountOut(pair.price, balances[i] ?? 0n);
      quotes[i - 1] = quote;
      if (quote === REVERTED) {
        if (reverted < 0) reverted = i - 1;
      } else {
        value += quote;
      }
    }
    slot.quotes = quotes;
    if (model.pricesMoveWithTime) this.movingQuoted.add(slot);
    this.settle(slot, reverted, wrapUint(value), timestampSec, false);
  }

  /**
   * Re-quotes the assets whose pair price changed in this update. The sum is kept as it runs (mod 2^256 an
   * old quote can be taken out and a new one put in exactly), so the other assets are not read again.
   */
  private requote(slot: BookSlot, timestampSec: bigint, timeStillHolds: boolean): void {
    const { pairs, quotes, balances } = slot;
    const model = slot.oracle?.model;
    if (!pairs || !quotes || !model) return;
    let value = slot.value;
    let reverted = slot.status === SlotStatus.Reverts ? -2 : -1;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i]!;
      if (pair.changedAt !== this.updateNumber) continue;
      const before = quotes[i]!;
      const quote = model.amountOut(pair.price, balances[i + 1] ?? 0n);
      quotes[i] = quote;
      // A reverted quote means the slot was already Reverts (so reverted is -2 already) or is becoming so.
      if (quote === REVERTED) reverted = -2;
      else value += quote - before;
    }
    if (reverted === -2) return this.resum(slot, timestampSec, timeStillHolds);
    this.settle(slot, -1, wrapUint(value), timestampSec, timeStillHolds);
  }

  /** The value from scratch, for when a revert comes or goes: the contract stops at the first one. */
  private resum(slot: BookSlot, timestampSec: bigint, timeStillHolds: boolean): void {
    const quotes = slot.quotes!;
    let value = slot.balances[0] ?? 0n;
    let reverted = -1;
    for (let i = 0; i < quotes.length; i++) {
      const quote = quotes[i]!;
      if (quote !== REVERTED) value += quote;
      else if (reverted < 0) reverted = i;
    }
    this.settle(slot, reverted, wrapUint(value), timestampSec, timeStillHolds);
  }

  /**
   * Files the new value. While the queued time still holds (same debt terms, clock not turned back) most value
   * changes need no new time: a due position whose value fell stays due (its debt does not fall before its
   * `dueUntil`), one whose value rose stays due if still liquidatable now; a position not due whose value rose
   * keeps its queue entry, because the seconds at which debt exceeds a higher value are a subset, so the old
   * time is a lower bound on the new one. Otherwise it gets a cheap lower bound (`file`); exact times are worked
   * out when a bound comes due.
   */
  private settle(
    slot: BookSlot,
    reverted: number,
    value: bigint,
    timestampSec: bigint,
    timeStillHolds: boolean,
  ): void {
    if (reverted >= 0) {
      const pair = slot.pairs![reverted]!;
      slot.status = SlotStatus.Reverts;
      const why = revertOf(slot.oracle!.model!, pair.price, slot.balances[reverted + 1] ?? 0n);
      slot.reason = `getAmountOut(${pair.buy}, ${pair.sell}): ${why}`;
      this.unqueue(slot);
      return;
    }
    const kept = timeStillHolds && slot.status === SlotStatus.Valued;
    const rose = value >= slot.value;
    slot.status = SlotStatus.Valued;
    slot.value = value;
    if (kept && slot.dueIndex > 0) {
      // Past its dueUntil, candidates() checks it again anyway.
      if (!rose || debtOnLine(slot, timestampSec) > value) return;
    } else if (kept && rose) {
      if (slot.timeIsBound || slot.time !== null) slot.timeIsBound = true;
      return;
    }
    this.file(slot, timestampSec);
  }

  /** Queues the slot under a cheap lower bound on its liquidation time (the exact time where none applies). */
  private file(slot: BookSlot, fromSec: bigint): void {
    const bound = liquidationTimeBound(slot, slot.slopeFloat, slot.value, fromSec);
    if (bound === undefined) return this.retime(slot, fromSec);
    this.leaveDue(slot);
    slot.time = null;
    slot.timeIsBound = true;
    slot.from = fromSec;
    this.notDue.setFloat(slot.index, bound);
  }

  /** Works out the exact liquidation time from `fromSec` and queues the slot under it. */
  private retime(slot: BookSlot, fromSec: bigint): void {
    const at = liquidationTime(slot, slot.value, fromSec);
    slot.time = at;
    slot.timeIsBound = false;
    slot.from = fromSec;
    this.leaveDue(slot);
    if (at === null) this.notDue.delete(slot.index);
    else this.notDue.set(slot.index, at);
  }

  /**
   * Files a bounded position under the last second its value at its pairs' least rates still covers its debt (at
   * or after `ts`; after it when `afterTs`, the position being known not liquidatable at `ts`). False when a pair
   * cannot be bounded from `ts` on (no 2d3ffd2 bounds, or some second without a price): value it by quotes then.
   */
  private certify(slot: BookSlot, ts: bigint, afterTs: boolean): boolean {
    const pairs = slot.pairs!;
    const floats = slot.floats ?? this.pages[slot.index >> PAGE_BITS]!;
    const o = slot.floats ? 0 : (slot.index & PAGE_MASK) * ARENA_STRIDE;
    if (ts < slot.createdAtSec) return false; // Δt wraps before createdAt: the debt bound does not apply
    const from = Number(ts);
    let sum = floats[o]!;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i]!;
      if (!this.boundsOf(pair, from)) return false;
      sum += floats[o + i + 1]! * pair.lo;
    }
    // Each quote is above lo·a − 1; the margin covers the float sum's roundings.
    const lower = sum * (1 - FLOAT_MARGIN) - pairs.length;
    const first = afterTs ? from + 1 : from;
    // Filed with a reserve of RESERVE·lower when that still leaves time: a pool event then disturbs the filing
    // only if it takes a pair's least rate below the position's trigger for it (its share of the reserve);
    // otherwise without one, and any event on its pairs re-files it.
    const n = pairs.length;
    let key = safeUntil(slot, lower * (1 - RESERVE), from);
    const reserved = key > first;
    if (!reserved) key = safeUntil(slot, lower, from);
    const share = ((RESERVE * lower) / n) * (1 - FLOAT_MARGIN);
    for (let i = 0; i < n; i++)
      floats[o + n + 1 + i] = reserved ? pairs[i]!.lo - share / floats[o + i + 1]! : Infinity;
    this.leaveDue(slot);
    slot.status = SlotStatus.Valued;
    slot.value = 0n;
    slot.time = null;
    slot.timeIsBound = true;
    slot.from = ts;
    this.notDue.setFloat(slot.index, key > first ? key : first);
    return true;
  }

  /** A bounded position whose bound came due (or whose due stretch ended): the exact value at `ts` decides. */
  private checkBounded(slot: BookSlot, ts: bigint): void {
    const value = this.exactValue(slot, ts);
    if (value !== null && debtOnLine(slot, ts) > value) {
      if (slot.dueIndex === 0) this.enterDue(slot, ts);
      let until = this.dueThrough(slot, ts);
      if (until === ts) until = this.dueThroughShort(slot, ts);
      this.dueUntil.set(slot.index, until);
      return;
    }
    if (!this.certify(slot, ts, true)) return this.queueAt(slot, ts + 1n);
    // Near the line the whole future's least rates say little; the next few minutes' say more.
    if (this.notDue.keyOf(slot.index)! <= ts + 1n) this.certifyShort(slot, ts);
  }

  /** `dueThrough` from the pairs' rates over the next SHORT_HORIZON_SEC only. */
  private dueThroughShort(slot: BookSlot, ts: bigint): bigint {
    const pairs = slot.pairs!;
    const floats = slot.floats ?? this.pages[slot.index >> PAGE_BITS]!;
    const o = slot.floats ? 0 : (slot.index & PAGE_MASK) * ARENA_STRIDE;
    const from = Number(ts);
    let sum = floats[o]!;
    for (let i = 0; i < pairs.length; i++) {
      const range = this.shortRange(pairs[i]!, from);
      if (range === null) return ts;
      sum += floats[o + i + 1]! * range.hi;
    }
    const upper = sum * (1 + FLOAT_MARGIN) + 1;
    if (Number(debtOnLine(slot, ts)) * (1 - FLOAT_MARGIN) <= upper) return ts;
    const until = monotoneUntil(slot, ts);
    const horizon = ts + BigInt(SHORT_HORIZON_SEC);
    return until < horizon ? until : horizon;
  }

  /**
   * Files a position known not liquidatable at `ts` under the last second its value at its pairs' least rates over
   * the next SHORT_HORIZON_SEC covers its debt, when that is later than `ts + 1`; with no reserve, so that any
   * event on its pairs re-files it.
   */
  private certifyShort(slot: BookSlot, ts: bigint): void {
    const pairs = slot.pairs!;
    const floats = slot.floats ?? this.pages[slot.index >> PAGE_BITS]!;
    const o = slot.floats ? 0 : (slot.index & PAGE_MASK) * ARENA_STRIDE;
    const from = Number(ts);
    const n = pairs.length;
    let sum = floats[o]!;
    for (let i = 0; i < n; i++) {
      const range = this.shortRange(pairs[i]!, from);
      if (range === null) return;
      sum += floats[o + i + 1]! * range.lo;
    }
    const lower = sum * (1 - FLOAT_MARGIN) - n;
    const until = Math.min(safeUntil(slot, lower, from), from + SHORT_HORIZON_SEC);
    if (until <= from + 1) return;
    for (let i = 0; i < n; i++) floats[o + n + 1 + i] = Infinity;
    this.notDue.setFloat(slot.index, until);
  }

  /**
   * The last second a bounded position liquidatable at `ts` surely stays so: while debt does not fall
   * (`monotoneUntil`), if even its pairs' greatest rates keep its value under today's debt and every pair is priced
   * throughout (no revert can come); `ts` itself when that cannot be shown, so that the next call checks again.
   */
  private dueThrough(slot: BookSlot, ts: bigint): bigint {
    if (slot.pairs!.length === 0) return monotoneUntil(slot, ts);
    const pairs = slot.pairs!;
    const floats = slot.floats ?? this.pages[slot.index >> PAGE_BITS]!;
    const o = slot.floats ? 0 : (slot.index & PAGE_MASK) * ARENA_STRIDE;
    const from = Number(ts);
    const n = pairs.length;
    // Until shown otherwise, any event on its pairs re-checks it.
    for (let i = 0; i < n; i++) floats[o + n + 1 + i] = -Infinity;
    let sum = floats[o]!;
    for (let i = 0; i < n; i++) {
      const pair = pairs[i]!;
      if (!this.boundsOf(pair, from)) return ts;
      sum += floats[o + i + 1]! * pair.hi;
    }
    const upper = sum * (1 + FLOAT_MARGIN) + 1;
    const below = Number(debtOnLine(slot, ts)) * (1 - FLOAT_MARGIN);
    if (below <= upper) return ts;
    // The room under the debt, split over the pairs as trigger rates: an event that keeps each pair's greatest
    // rate under its trigger keeps the value under the debt.
    const share = ((below - upper) / n) * (1 - FLOAT_MARGIN);
    for (let i = 0; i < n; i++) floats[o + n + 1 + i] = pairs[i]!.hi + share / floats[o + i + 1]!;
    const until = monotoneUntil(slot, ts);
    const horizon = ts + BigInt(TICK_RANGE_HORIZON_SEC);
    return until < horizon ? until : horizon;
  }

  /** Queues a position to be checked exactly at `at` (not due meanwhile). */
  private queueAt(slot: BookSlot, at: bigint): void {
    this.leaveDue(slot);
    this.notDue.set(slot.index, at);
  }

  private liquidatableAt(slot: BookSlot, ts: bigint): boolean {
    // A moving price is taken at the second asked, for quoted positions too: their quotes hold for the update's.
    if (!slot.bounded && !slot.oracle?.model?.pricesMoveWithTime) return debtOnLine(slot, ts) > slot.value;
    const value = this.exactValue(slot, ts);
    return value !== null && debtOnLine(slot, ts) > value;
  }

  /** `getPositionStatus`'s value at `ts` from the pairs' exact prices there; null when a quote reverts. */
  private exactValue(slot: BookSlot, ts: bigint): bigint | null {
    const model = slot.oracle!.model!;
    const pairs = slot.pairs!;
    let value = slot.balances[0] ?? 0n;
    for (let i = 0; i < pairs.length; i++) {
      const quote = model.amountOut(this.priceAt(pairs[i]!, ts), slot.balances[i + 1] ?? 0n);
      if (quote === REVERTED) return null;
      value += quote;
    }
    return wrapUint(value);
  }

  private revertReason(slot: BookSlot, ts: bigint): string {
    const model = slot.oracle!.model!;
    const pairs = slot.pairs!;
    for (let i = 0; i < pairs.length; i++) {
      const pair = pairs[i]!;
      const price = this.priceAt(pair, ts);
      if (model.amountOut(price, slot.balances[i + 1] ?? 0n) === REVERTED)
        return `getAmountOut(${pair.buy}, ${pair.sell}): ${revertOf(model, price, slot.balances[i + 1] ?? 0n)}`;
    }
    return 'reverts';
  }

  /** The pair's price at `ts`: its quotes' price when that is the one, else one kept aside for exact checks. */
  private priceAt(pair: BookPair, ts: bigint): PairPrice {
    const model = pair.oracle.model!;
    if (!model.pricesMoveWithTime || (!pair.priceStale && (pair.price as TwapPrice).atSec === ts))
      return pair.price;
    if (pair.lazyAt !== ts || pair.lazyPrice === null) {
      pair.lazyPrice = model.price(this.pools, pair.buy, pair.sell, ts);
      pair.lazyAt = ts;
    }
    return pair.lazyPrice;
  }

  /** Brings a moving price up to `ts` for a position about to be quoted at it; its other quoters follow. */
  private priceNow(pair: BookPair, ts: bigint): void {
    if (!pair.priceStale && (pair.price as TwapPrice).atSec === ts) return;
    const model = pair.oracle.model!;
    const price = model.price(this.pools, pair.buy, pair.sell, ts);
    const same = !pair.priceStale && model.samePrice(pair.price, price);
    pair.price = price;
    pair.priceStale = false;
    pair.repricedAt = this.updateNumber;
    if (same) return;
    pair.changedAt = this.updateNumber;
    for (const slot of pair.slots)
      if (!slot.bounded && slot.quotes && slot.pairs?.includes(pair)) this.markDirty(slot, SlotWork.Quotes);
  }

  /** Works out the pair's rate bounds from `from` on if not done yet; true when they exist and it is always priced. */
  private boundsOf(pair: BookPair, from: number): boolean {
    if (pair.boundsFrom !== from) this.computeBounds(pair, from);
    return pair.boundable && pair.priced;
  }

  private computeBounds(pair: BookPair, from: number): void {
    const range = this.rateRange(pair, from, Infinity);
    pair.boundsFrom = from;
    pair.boundable = range !== null;
    pair.priced = range?.priced ?? false;
    pair.lo = range?.lo ?? Infinity;
    pair.hi = range?.hi ?? 0;
  }

  /** The pair's rate bounds over [from, from + SHORT_HORIZON_SEC] (kept per second asked); null: none. */
  private shortRange(pair: BookPair, from: number): RateRange | null {
    const cached = pair.short;
    if (cached !== null && cached.from === from) return cached.priced ? cached : null;
    const range = this.rateRange(pair, from, from + SHORT_HORIZON_SEC);
    pair.short = range ?? { from, lo: Infinity, hi: 0, priced: false };
    return range?.priced ? range : null;
  }

  /**
   * Floats bracketing the pair's 2d3ffd2 rate at every second of [from, to] with no pool event, and whether some tier
   * serves the window at `from` (then at every later second: the oracle prices the pair throughout); null when no
   * bounds exist (another model, a ring not mirrored, a write after `from`).
   */
  private rateRange(pair: BookPair, from: number, to: number): RateRange | null {
    let lo = Infinity;
    let hi = 0;
    let priced = false;
    const model = pair.oracle.model;
    if (!(model instanceof TwapModel) || model.kind !== 'twap-2d3ffd2') return null;
    const { buy, sell } = pair;
    const s = sell.toLowerCase();
    // The finder's requires revert at every second: such a pair is never priced.
    if (s === buy.toLowerCase() || s === ZERO_ADDRESS || buy.toLowerCase() === ZERO_ADDRESS) return null;
    const window = model.profile.twapWindow;
    for (const fee of model.profile.feeTiers) {
      const state = this.pools.get(buy, sell, fee);
      if (!state) continue;
      const observed = observedPool(state);
      if (!observed) return null; // not mirrored: the quote path reports it
      let range: ReturnType<typeof twapTickRange>;
      try {
        range = twapTickRange(observed, window, from, to);
      } catch {
        return null; // a write after `from` (the clock went back): no bounds from there
      }
      if (range === null) continue;
      const sellIsToken0 = s === state.token0.toLowerCase() || s === state.token0Erc223.toLowerCase();
      const atMin = twapRateBounds(range.min, sellIsToken0);
      const atMax = twapRateBounds(range.max, sellIsToken0);
      if (!atMin || !atMax) return null;
      lo = Math.min(lo, atMin.lo, atMax.lo);
      hi = Math.max(hi, atMin.hi, atMax.hi);
      if (range.eligibleAt <= from) priced = true;
    }
    return { from, lo, hi, priced };
  }

  /** Adds pages up to page `last` and returns it. */
  private addPages(last: number): number[] {
    while (this.pages.length <= last) {
      // Created as doubles from the start (0.5, then emptied), so that no store turns it from small integers.
      const page = [0.5];
      page.length = 0;
      for (let i = 0; i < PAGE_SLOTS * ARENA_STRIDE; i++) page.push(0);
      this.pages.push(page);
    }
    return this.pages[last]!;
  }

  private unqueue(slot: BookSlot): void {
    this.notDue.delete(slot.index);
    this.leaveDue(slot);
  }

  private enterDue(slot: BookSlot, ts: bigint): void {
    this.notDue.delete(slot.index);
    this.dueSlots.push(slot);
    this.dueIds.push(slot.positionId);
    slot.dueIndex = this.dueSlots.length;
    this.dueUntil.set(slot.index, monotoneUntil(slot, ts));
  }

  private leaveDue(slot: BookSlot): void {
    const index = slot.dueIndex - 1;
    if (index < 0) return;
    const last = this.dueSlots.pop()!;
    const lastId = this.dueIds.pop()!;
    if (last !== slot) {
      this.dueSlots[index] = last;
      this.dueIds[index] = lastId;
      last.dueIndex = index + 1;
    }
    slot.dueIndex = 0;
    this.dueUntil.delete(slot.index);
  }

  /** First second ≥ ts at which the position is liquidatable, from the stored time when it still applies. */
  private timeFrom(slot: BookSlot, ts: bigint, liquidatableNow: boolean): bigint | null {
    if (liquidatableNow) return ts;
    if (slot.timeIsBound) return liquidationTime(slot, slot.value, ts);
    // The stored time t* is the first from `from` on; for from ≤ ts ≤ t* it is also the first from ts on.
    if (ts >= slot.from && (slot.time === null || slot.time >= ts)) return slot.time;
    return liquidationTime(slot, slot.value, ts);
  }

  private markUnvalued(slot: BookSlot, reason: string): void {
    slot.status = SlotStatus.Unvalued;
    slot.reason = reason;
    slot.quotes = undefined;
    this.unqueue(slot);
  }

  private markDirty(slot: BookSlot, work: SlotWork): void {
    if (slot.work === 0) this.dirtyList.push(slot);
    slot.work |= work;
  }

  private markAll(matches: (slot: BookSlot) => boolean, work: SlotWork): void {
    for (const slot of this.slots)
      if (slot.status !== SlotStatus.Free && matches(slot)) this.markDirty(slot, work);
  }

  /** Takes the slot out of its pairs (before re-resolving or removing it). */
  private detach(slot: BookSlot): void {
    slot.oracle = undefined;
    slot.quotes = undefined;
    const pairs = slot.pairs;
    if (!pairs) return;
    for (const pair of pairs) {
      pair.users -= 1;
      if (!slot.bounded) pair.exactUsers -= 1;
      if (pair.users === 0) this.dropPair(pair);
      else if (pair.slots.length > 2 * pair.users + 16) this.compact(pair, slot);
    }
    slot.pairs = undefined;
    slot.bounded = false;
    slot.floats = undefined;
  }

  /** Keeps each slot that still uses the pair once; `leaving` is about to stop using it. */
  private compact(pair: BookPair, leaving: BookSlot): void {
    const seen = new Set<BookSlot>([leaving]);
    pair.slots = pair.slots.filter((slot) => {
      if (seen.has(slot) || !slot.pairs?.includes(pair)) return false;
      seen.add(slot);
      return true;
    });
  }

  private allocateSlot(positionId: bigint): BookSlot {
    let slot = this.freeSlots.pop();
    if (slot) {
      slot.positionId = positionId;
      slot.status = SlotStatus.Unvalued;
      slot.reason = 'not valued yet';
    } else {
      slot = new BookSlot(this.slots.length, positionId);
      this.slots.push(slot);
    }
    this.slotOf.set(positionId, slot);
    return slot;
  }

  private oracleEntry(address: Address): BookOracle {
    let entry = this.oracles.get(address);
    if (!entry) {
      entry = {
        address,
        model: null,
        unvaluedReason: `oracle ${address} is not profiled yet`,
        pairs: new Map(),
      };
      this.oracles.set(address, entry);
    }
    return entry;
  }

  private addPair(
    oracle: BookOracle,
    model: OracleModel,
    bySell: Map<string, BookPair>,
    buy: Address,
    sell: Address,
  ): BookPair {
    const pair: BookPair = {
      oracle,
      unorderedKey: unorderedKey(this.tokenId(buy), this.tokenId(sell)),
      buy,
      sell,
      // A moving price is worked out when a position is first quoted at it (bounded ones need none).
      price: model.pricesMoveWithTime
        ? UNPRICED
        : model.price(this.pools, buy, sell, this.clockSec ?? undefined),
      priceStale: model.pricesMoveWithTime === true,
      changedAt: this.updateNumber,
      repricedAt: this.updateNumber,
      slots: [],
      users: 0,
      exactUsers: 0,
      boundsFrom: NaN,
      lo: 0,
      hi: 0,
      priced: false,
      boundable: false,
      lazyAt: null,
      lazyPrice: null,
      short: null,
    };
    bySell.set(sell, pair);
    if (model.readsPools) {
      const siblings = this.pairsByTokens.get(pair.unorderedKey);
      if (siblings) siblings.push(pair);
      else this.pairsByTokens.set(pair.unorderedKey, [pair]);
    }
    return pair;
  }

  private dropPair(pair: BookPair): void {
    const bySell = pair.oracle.pairs.get(pair.buy);
    if (bySell?.get(pair.sell) === pair) {
      bySell.delete(pair.sell);
      if (bySell.size === 0) pair.oracle.pairs.delete(pair.buy);
    }
    const siblings = this.pairsByTokens.get(pair.unorderedKey);
    if (!siblings) return;
    const at = siblings.indexOf(pair);
    if (at >= 0) siblings.splice(at, 1);
    if (siblings.length === 0) this.pairsByTokens.delete(pair.unorderedKey);
  }

  private tokenId(address: string): number {
    let id = this.tokenIds.get(address);
    if (id === undefined) {
      id = this.tokenIds.size;
      if (id >= TOKEN_ID_SPAN) throw new RangeError('more than 2^24 distinct tokens');
      this.tokenIds.set(address, id);
    }
    return id;
  }
}

/**
 * Number(slope) for the bound's estimate, or a little above it. Where ib·r cannot wrap, the float product is within
 * a few ulps of it (far inside the bound's margin) and spares two bigint operations per position. Gen 2 floors by
 * 10000 first: the float quotient is then at or above the exact slope up to those ulps, which only makes the bound
 * earlier (a bound it stays), if less tight for a slope of a few units.
 */
function slopeFloat(model: DebtModel, initialBalance: bigint, interest: bigint): number {
  const product = Number(initialBalance) * Number(interest);
  if (product < 2 ** 250) return model === 'gen1' ? product : product / 10_000;
  return Number(debtSlope(model, initialBalance, interest));
}

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
/** Relative margin on float sums of products: far above their roundings (a few 2^-53 each). */
const FLOAT_MARGIN = 2 ** -40;
/** Tick ranges assume the pools' uint32 clocks wrap at most once: bounds look no further than this. */
const TICK_RANGE_HORIZON_SEC = TICK_RANGE_MAX_SEC;
const MAX_BOUNDED_BASE = 1n << 200n;
const MAX_BOUNDED_AMOUNT = 1n << 96n;
const SHRINK = 1 - 1e-14;
/** A moving pair's price before anyone quotes at it (`priceStale` is then true). */
const UNPRICED: PairPrice = { revert: null };
/** Floats per slot in a page: 2·assets − 1 fit for positions of up to four assets (more get their own array). */
const ARENA_STRIDE = 8;
const PAGE_BITS = 10;
const PAGE_SLOTS = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SLOTS - 1;
/** The near future over which positions close to the line are bounded: a few blocks, then checked again. */
const SHORT_HORIZON_SEC = 120;

interface RateRange {
  readonly from: number;
  readonly lo: number;
  readonly hi: number;
  readonly priced: boolean;
}
/** The share of a bounded position's least value kept in reserve against its pairs' future pool events. */
const RESERVE = 0.01;

/**
 * Amounts for which 2d3ffd2's quotes are floor(c·a) without a revert at any tick (mulDiv cannot overflow below
 * 2^96, a zero amount reverts) and the value's sum cannot wrap: the bounds then hold at every price.
 */
function boundableAmounts(balances: readonly bigint[]): boolean {
  if ((balances[0] ?? 0n) >= MAX_BOUNDED_BASE) return false;
  for (let i = 1; i < balances.length; i++) {
    const amount = balances[i]!;
    if (amount <= 0n || amount >= MAX_BOUNDED_AMOUNT) return false;
  }
  return true;
}

/**
 * The last second from `from` on up to which the debt surely stays at or below `lower` (a float under the value
 * at every second): debt(Δt) ≤ ib + slope·Δt / D, as reducing modulo 2^256 never increases a number, so every
 * Δt ≤ (lower − ib)·D / slope is safe. `from` itself when nothing can be said (then it is checked exactly).
 */
function safeUntil(slot: BookSlot, lower: number, from: number): number {
  const horizon = from + TICK_RANGE_HORIZON_SEC;
  const gap = lower - Number(slot.initialBalance) * (1 + FLOAT_MARGIN);
  if (!(gap >= 0)) return from;
  if (slot.slopeFloat <= 0) return horizon;
  const elapsed = Math.floor(((gap * Number(slot.divisor)) / slot.slopeFloat) * SHRINK);
  const at = Number(slot.createdAtSec) + elapsed;
  return at < horizon ? at : horizon;
}

function isMovingQuoted(slot: BookSlot): boolean {
  if (slot.bounded || (slot.status !== SlotStatus.Valued && slot.status !== SlotStatus.Reverts)) return false;
  return slot.oracle?.model?.pricesMoveWithTime === true;
}

/** The reason a quote reverts, as `valuePosition` reports it (via the model's `quote`). */
function revertOf(model: OracleModel, price: PairPrice, amount: bigint): QuoteRevert {
  return price.revert ?? model.amountRevert?.(price, amount) ?? 'division-by-zero';
}

function inIndexOrder(slots: readonly BookSlot[]): boolean {
  for (let i = 1; i < slots.length; i++) if (slots[i - 1]!.index > slots[i]!.index) return false;
  return true;
}

function unorderedKey(a: number, b: number): number {
  return a < b ? a * TOKEN_ID_SPAN + b : b * TOKEN_ID_SPAN + a;
}
