import type { OrderState, PoolState, PositionState } from '../model/types.js';
import { NotActingError } from './NotActingError.js';
import { MalformedPayloadError, parseOrders, parsePools, parsePositions } from './parseSubgraph.js';
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

  private async waitForSubgraph(head: BlockRef, options: SyncOptions): Promise<SubgraphMeta> {
    const deadline = Date.now() + options.headWaitMs;
    for (;;) {
      const meta = await this.client.meta();
      if (meta.hasIndexingErrors) {
        throw new NotActingError(`subgraph reports indexing errors (stuck at block ${meta.block.number})`);
      }
      if (meta.block.number >= head.number || Date.now() >= deadline) return meta;
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
    pools: PoolState[];
  }> {
    const hash = target.hash.toLowerCase();
    const since = (this.last?.number ?? -1) + 1;
    const counts = this.chain.counts ? await this.chain.counts(target) : undefined;
    const bound = (n: bigint | undefined) => (n === undefined ? FALLBACK_MAX_ROWS : Number(n));
    const maxRows = {
      positions: bound(counts?.positions),
      orders: bound(counts?.orders),
      pools: FALLBACK_MAX_ROWS,
    };
    const fetch = (kind: 'positions' | 'orders' | 'pools', kindMode: 'all' | 'open' | 'changed') =>
      this.client.fetchAll(kind, kindMode, hash, {
        since,
        pageSize: options.pageSize,
        maxRows: maxRows[kind],
        onPage: (rows) => options.onProgress?.({ kind, rows }),
      });
    try {
      const rawOrders = await fetch('orders', mode === 'changed' ? 'changed' : 'all');
      const rawPools = await fetch('pools', mode === 'changed' ? 'changed' : 'all');
      const rawPositions = await fetch('positions', mode);
      return {
        orders: parseOrders(rawOrders),
        pools: parsePools(rawPools),
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
    const { positions, orders, pools } = await this.fetchParsed(target, 'open', options);
    const changes = this.emptyChanges();
    for (const id of this.positions.keys()) changes.removedPositions.add(id);
    this.positions.clear();
    this.orders.clear();
    this.pools.clear();
    this.stalePositions.clear();
    for (const { state } of orders) {
      this.orders.set(state.orderId, state);
      changes.changedOrders.add(state.orderId);
    }
    for (const pool of pools) {
      this.pools.set(pool.address, pool);
      changes.changedPools.add(pool.address);
    }
    for (const { state, stale } of positions) this.applyPosition(state, stale, changes);
    return changes;
  }

  private async loadChanges(target: BlockRef, options: SyncOptions) {
    const { positions, orders, pools } = await this.fetchParsed(target, 'changed', options);
    const changes = this.emptyChanges();
    for (const { state } of orders) {
      this.orders.set(state.orderId, state);
      changes.changedOrders.add(state.orderId);
    }
    for (const pool of pools) {
      this.pools.set(pool.address, pool);
      changes.changedPools.add(pool.address);
    }
    for (const { state, stale } of positions) this.applyPosition(state, stale, changes);
    return changes;
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
