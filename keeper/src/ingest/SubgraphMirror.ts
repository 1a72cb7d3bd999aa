import type { Observation, ObservationRing, OrderState, PoolState, PositionState } from '../model/types.js';
import { NotActingError } from './NotActingError.js';
import {
  MalformedPayloadError,
  parseObservations,
  parseOrders,
  parsePools,
  parsePositions,
  type RingShape,
} from './parseSubgraph.js';
import type { SubgraphClient, SubgraphMeta } from './SubgraphClient.js';

/** What the mirror needs from a subgraph: ingest depends on this, not on the HTTP client. */
export type SubgraphSource = Pick<SubgraphClient, 'meta' | 'fetchAll'>;

export interface BlockRef {
  number: number;
  hash: string;
  timestampSec: number;
}

/** What the keeper needs from the chain to trust the subgraph: the canonical block at a height. */
export interface ChainReader {
  blockAt(number: number): Promise<BlockRef>;
  /**
   * The module's own counts at a block (positions and orders ever created): no honest subgraph answer has
   * more rows. Without it, paging is bounded by `FALLBACK_MAX_ROWS`.
   */
  counts?(block: BlockRef): Promise<{ positions: bigint; orders: bigint }>;
}

/** Paging bound where the chain gives no count (pools; a reader without counts). */
export const FALLBACK_MAX_ROWS = 1_000_000;

export interface SyncOptions {
  maxLagBlocks: number;
  headWaitMs: number;
  /** Within the budget, how long to wait for the subgraph to reach the head before acting on the overlay (default 0). */
  headGraceMs?: number;
  pageSize: number;
  /** Poll interval while waiting for the subgraph to reach the head. */
  pollMs?: number;
  onProgress?: (progress: { kind: string; rows: number }) => void;
}

export interface SyncResult {
  /** The block the mirror now reflects (≤ the chain head). */
  block: BlockRef;
  lagBlocks: number;
  full: boolean;
  changedPositions: Set<bigint>;
  removedPositions: Set<bigint>;
  changedOrders: Set<bigint>;
  changedPools: Set<string>;
  /** Positions the subgraph flags as not trustworthy (its own re-read failed): never acted on. */
  stalePositions: Set<bigint>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The keeper's in-memory copy of the subgraph: open positions, orders and pools, updated from only what
 * changed since the last synced block, every page pinned to one block hash that the chain confirms. Any
 * doubt (lag past budget, indexing errors, hash disagreement, malformed data) is a NotActingError and leaves
 * the mirror as it was.
 */
export class SubgraphMirror {
  readonly positions = new Map<bigint, PositionState>();
  readonly orders = new Map<bigint, OrderState>();
  readonly pools = new Map<string, PoolState>();
  readonly stalePositions = new Set<bigint>();
  /** Every mirrored ring slot (below cardinalityNext) per pool, and each pool's slot0 ring fields. */
  private readonly slots = new Map<string, Map<number, Observation>>();
  private readonly ringShapes = new Map<string, RingShape>();
  private last: BlockRef | undefined;

  constructor(
    private readonly client: SubgraphSource,
    private readonly chain: ChainReader,
  ) {}

  get syncedBlock(): BlockRef | undefined {
    return this.last;
  }

  /** Forget everything: the next sync loads the full state. */
  reset(): void {
    this.last = undefined;
  }

  /**
   * The subgraph's `_meta` once it is at the head, or within the lag budget after a short grace (`headGraceMs`):
   * the chain overlay makes a lagging block exact, and waiting for the head would cost every block the subgraph's
   * whole lag (a hosted subgraph never catches a chain that keeps moving). Past the budget it waits, up to
   * `headWaitMs`.
   */
  private async waitForSubgraph(head: BlockRef, options: SyncOptions): Promise<SubgraphMeta> {
    const started = Date.now();
    const deadline = started + options.headWaitMs;
    const graceEnd = started + (options.headGraceMs ?? 0);
    for (;;) {
      const meta = await this.client.meta();
      if (meta.hasIndexingErrors) {
        throw new NotActingError(`subgraph reports indexing errors (stuck at block ${meta.block.number})`);
      }
      const now = Date.now();
      if (meta.block.number >= head.number || now >= deadline) return meta;
      if (head.number - meta.block.number <= options.maxLagBlocks && now >= graceEnd) return meta;
      await sleep(options.pollMs ?? 100);
    }
  }

  async sync(head: BlockRef, options: SyncOptions): Promise<SyncResult> {
    const meta = await this.waitForSubgraph(head, options);
    const targetNumber = Math.min(head.number, meta.block.number);
    const lagBlocks = head.number - targetNumber;
    if (lagBlocks > options.maxLagBlocks) {
      throw new NotActingError(
        `subgraph lags ${lagBlocks} blocks behind the chain (at ${meta.block.number}, head ${head.number}; budget ${options.maxLagBlocks})`,
      );
    }
    const target = targetNumber === head.number ? head : await this.chain.blockAt(targetNumber);
    if (meta.block.number === target.number && meta.block.hash !== target.hash.toLowerCase()) {
      throw new NotActingError(
        `subgraph block ${target.number} has hash ${meta.block.hash} but the chain has ${target.hash} (reorg not yet followed)`,
      );
    }
    // A reorg below our last synced block means _change_block would miss changes: start over.
    let full = this.last === undefined;
    if (this.last && !full) {
      const still = await this.chain.blockAt(this.last.number);
      if (still.hash.toLowerCase() !== this.last.hash.toLowerCase() || this.last.number > target.number)
        full = true;
    }
    const result = full ? await this.loadAll(target, options) : await this.loadChanges(target, options);
    this.last = target;
    return { ...result, block: target, lagBlocks, full };
  }

  private async fetchParsed(
    target: BlockRef,
    mode: 'all' | 'open' | 'changed',
    options: SyncOptions,
  ): Promise<{
    positions: ReturnType<typeof parsePositions>;
    orders: ReturnType<typeof parseOrders>;
    pools: ReturnType<typeof parsePools>;
    observations: ReturnType<typeof parseObservations>;
  }> {
    const hash = target.hash.toLowerCase();
    const since = (this.last?.number ?? -1) + 1;
    const counts = this.chain.counts ? await this.chain.counts(target) : undefined;
    const bound = (n: bigint | undefined) => (n === undefined ? FALLBACK_MAX_ROWS : Number(n));
    const maxRows = {
      positions: bound(counts?.positions),
      orders: bound(counts?.orders),
      pools: FALLBACK_MAX_ROWS,
      poolObservations: FALLBACK_MAX_ROWS,
    };
    const fetch = (
      kind: 'positions' | 'orders' | 'pools' | 'poolObservations',
      kindMode: 'all' | 'open' | 'changed',
    ) =>
      this.client.fetchAll(kind, kindMode, hash, {
        since,
        pageSize: options.pageSize,
        maxRows: maxRows[kind],
        onPage: (rows) => options.onProgress?.({ kind, rows }),
      });
    try {
      const rawOrders = await fetch('orders', mode === 'changed' ? 'changed' : 'all');
      const rawPools = await fetch('pools', mode === 'changed' ? 'changed' : 'all');
      const rawObservations = await fetch('poolObservations', mode === 'changed' ? 'changed' : 'all');
      const rawPositions = await fetch('positions', mode);
      return {
        orders: parseOrders(rawOrders),
        pools: parsePools(rawPools),
        observations: parseObservations(rawObservations),
        positions: parsePositions(rawPositions),
      };
    } catch (err) {
      if (err instanceof MalformedPayloadError) throw new NotActingError(err.message, { cause: err });
      throw err;
    }
  }

  private emptyChanges(): Omit<SyncResult, 'block' | 'lagBlocks' | 'full'> {
    return {
      changedPositions: new Set(),
      removedPositions: new Set(),
      changedOrders: new Set(),
      changedPools: new Set(),
      stalePositions: this.stalePositions,
    };
  }

  private async loadAll(target: BlockRef, options: SyncOptions) {
    const { positions, orders, pools, observations } = await this.fetchParsed(target, 'open', options);
    const rings = this.assembleRings(pools, observations, true);
    const changes = this.emptyChanges();
    for (const id of this.positions.keys()) changes.removedPositions.add(id);
    this.positions.clear();
    this.orders.clear();
    this.pools.clear();
    this.slots.clear();
    this.ringShapes.clear();
    this.stalePositions.clear();
    for (const { state } of orders) {
      this.orders.set(state.orderId, state);
      changes.changedOrders.add(state.orderId);
    }
    this.applyRings(rings, changes);
    for (const { state, stale } of positions) this.applyPosition(state, stale, changes);
    return changes;
  }

  private async loadChanges(target: BlockRef, options: SyncOptions) {
    const { positions, orders, pools, observations } = await this.fetchParsed(target, 'changed', options);
    const rings = this.assembleRings(pools, observations, false);
    const changes = this.emptyChanges();
    for (const { state } of orders) {
      this.orders.set(state.orderId, state);
      changes.changedOrders.add(state.orderId);
    }
    this.applyRings(rings, changes);
    for (const { state, stale } of positions) this.applyPosition(state, stale, changes);
    return changes;
  }

  /**
   * The new state of every pool that changed or whose ring slots changed, with its ring rebuilt from the mirrored
   * slots and the fetched ones, before anything is stored: a ring with a slot missing below its cardinality (the
   * subgraph mirrors every slot below cardinalityNext) is malformed, and the mirror must stay as it was.
   */
  private assembleRings(
    pools: ReturnType<typeof parsePools>,
    observations: ReturnType<typeof parseObservations>,
    full: boolean,
  ): { state: PoolState; shape: RingShape; slots: Map<number, Observation> }[] {
    const fetchedSlots = new Map<string, Map<number, Observation>>();
    for (const { pool, index, observation } of observations) {
      let slots = fetchedSlots.get(pool);
      if (!slots) fetchedSlots.set(pool, (slots = new Map()));
      slots.set(index, observation);
    }
    const touched = new Map<string, { state: PoolState; shape: RingShape }>();
    for (const { state, ring } of pools) touched.set(state.address, { state, shape: ring });
    for (const address of fetchedSlots.keys()) {
      if (touched.has(address)) continue;
      const state = full ? undefined : this.pools.get(address);
      const shape = full ? undefined : this.ringShapes.get(address);
      if (!state || !shape) {
        throw new NotActingError(
          `malformed subgraph payload: ring slots of pool ${address}, which is not indexed`,
        );
      }
      touched.set(address, { state, shape });
    }
    const out: { state: PoolState; shape: RingShape; slots: Map<number, Observation> }[] = [];
    for (const [address, { state, shape }] of touched) {
      const slots = new Map(full ? undefined : this.slots.get(address));
      for (const [index, observation] of fetchedSlots.get(address) ?? []) {
        if (index >= shape.cardinalityNext) {
          throw new NotActingError(
            `malformed subgraph payload: pool ${address} slot ${index} at or above cardinalityNext ${shape.cardinalityNext}`,
          );
        }
        slots.set(index, observation);
      }
      out.push({ state: { ...state, ring: ringOf(address, shape, slots) }, shape, slots });
    }
    return out;
  }

  private applyRings(
    rings: ReturnType<SubgraphMirror['assembleRings']>,
    changes: ReturnType<SubgraphMirror['emptyChanges']>,
  ): void {
    for (const { state, shape, slots } of rings) {
      this.pools.set(state.address, state);
      this.ringShapes.set(state.address, shape);
      this.slots.set(state.address, slots);
      changes.changedPools.add(state.address);
    }
  }

  private applyPosition(
    state: PositionState,
    stale: boolean,
    changes: ReturnType<SubgraphMirror['emptyChanges']>,
  ) {
    const id = state.positionId;
    if (!state.open) {
      // Closed positions leave the watch list for good.
      if (this.positions.delete(id)) changes.removedPositions.add(id);
      this.stalePositions.delete(id);
      changes.changedPositions.delete(id);
      return;
    }
    this.positions.set(id, state);
    changes.removedPositions.delete(id);
    changes.changedPositions.add(id);
    if (stale) this.stalePositions.add(id);
    else this.stalePositions.delete(id);
  }
}

/** `observations(0 … cardinality−1)`, every one of which the subgraph mirrors. */
function ringOf(address: string, shape: RingShape, slots: Map<number, Observation>): ObservationRing {
  const observations: Observation[] = [];
  for (let i = 0; i < shape.cardinality; i++) {
    const observation = slots.get(i);
    if (!observation) {
      throw new NotActingError(
        `malformed subgraph payload: pool ${address} ring slot ${i} of ${shape.cardinality} is not mirrored`,
      );
    }
    observations.push(observation);
  }
  return { index: shape.index, cardinality: shape.cardinality, observations };
}
