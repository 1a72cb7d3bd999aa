import { setTimeout as sleep } from 'node:timers/promises';
import type { BlockPtr, EntityStore } from '../store/types.js';
import { GraphHostError } from '../GraphHostError.js';
import type { CreatedDataSource } from '../runtime/HostContext.js';
import type { LoadedSubgraph } from '../runtime/loadSubgraph.js';
import { MappingFailure } from '../runtime/MappingFailure.js';
import type { MappingRuntime } from '../runtime/MappingRuntime.js';
import { RpcError } from '../runtime/RpcError.js';
import type { RpcBlock, RpcLog, RpcTransaction } from '../runtime/rpcTypes.js';
import type { ChainSource } from './ChainSource.js';
import { DataSourceSet, handlerFor } from './DataSourceSet.js';

export type IndexerState = 'starting' | 'syncing' | 'synced' | 'retrying' | 'failed' | 'crashed' | 'stopped';

export interface IndexerStatus {
  state: IndexerState;
  /** The store's head: the last block indexed (or the block a handler failed at). */
  head: BlockPtr | undefined;
  chainHead: number | undefined;
  /** How many blocks indexing is held behind the chain head (see `IndexerOptions.lagBlocks`). */
  lagBlocks: number;
  /** Why the last step did not succeed (a node failure being retried, a handler failure, a crash). */
  lastError: string | undefined;
  blocksProcessed: number;
  triggersProcessed: number;
  reorgs: number;
}

export interface IndexerLogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
}

export interface IndexerOptions {
  subgraph: LoadedSubgraph;
  store: EntityStore;
  runtime: MappingRuntime;
  source: ChainSource;
  /** How often to look for a new head once caught up. */
  pollIntervalMs?: number;
  /** Blocks per eth_getLogs while catching up. */
  maxRangeBlocks?: number;
  /** Backoff after a node failure: doubles from the first delay up to the cap. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /**
   * Holds indexing this many blocks behind the chain head, as a hosted subgraph that lags does: the store
   * head (so `_meta.block` and every query) is at most head − lagBlocks. Default 0.
   */
  lagBlocks?: number;
  log?: (entry: IndexerLogEntry) => void;
}

function checkLag(lagBlocks: number): number {
  if (!Number.isInteger(lagBlocks) || lagBlocks < 0) {
    throw new GraphHostError(`the subgraph lag must be a whole number of blocks >= 0, got ${lagBlocks}`);
  }
  return lagBlocks;
}

function blockPtr(block: RpcBlock): BlockPtr {
  return {
    number: Number(block.number),
    hash: block.hash.toLowerCase(),
    parentHash: block.parentHash.toLowerCase(),
    timestampSec: Number(block.timestamp),
  };
}

/**
 * Follows the chain block by block from the manifest's start blocks and runs the subgraph's handlers on each
 * block's logs into the store, one store block per chain block (empty ones too, so every block hash is
 * known to queries). Catch-up reads headers and logs over ranges; near the head it reads one block at a time,
 * logs by block hash. Reorgs are found by hash (the store head is re-checked on every step) and rolled back
 * to the common ancestor, templates included. A node failure aborts the block and retries with backoff; a
 * handler failure stops indexing at that block with the error in the store, as graph-node does.
 */
export class Indexer {
  private readonly dataSources: DataSourceSet;
  private readonly pollIntervalMs: number;
  private readonly maxRangeBlocks: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private lagBlocks: number;
  private state: IndexerState = 'starting';
  private chainHead: number | undefined;
  private lastError: string | undefined;
  private blocksProcessed = 0;
  private triggersProcessed = 0;
  private reorgs = 0;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: IndexerOptions) {
    this.dataSources = new DataSourceSet(options.subgraph);
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.maxRangeBlocks = options.maxRangeBlocks ?? 500;
    this.retryInitialMs = options.retryInitialMs ?? 250;
    this.retryMaxMs = options.retryMaxMs ?? 10_000;
    this.lagBlocks = checkLag(options.lagBlocks ?? 0);
  }

  /**
   * Changes the lag while running. A smaller lag is caught up at once; a larger one holds the store where it
   * is until the chain is that far ahead (indexed blocks are never dropped for it: only a reorg does that).
   */
  setLagBlocks(lagBlocks: number): void {
    this.lagBlocks = checkLag(lagBlocks);
    this.wake?.();
  }

  status(): IndexerStatus {
    return {
      state: this.state,
      head: this.options.store.head(),
      chainHead: this.chainHead,
      lagBlocks: this.lagBlocks,
      lastError: this.lastError,
      blocksProcessed: this.blocksProcessed,
      triggersProcessed: this.triggersProcessed,
      reorgs: this.reorgs,
    };
  }

  /** Templates instantiated so far (they are rolled back with the entities on a reorg). */
  dynamicDataSources() {
    return this.dataSources.dynamicDataSources();
  }

  start(): void {
    if (this.loop) throw new GraphHostError('the indexer is already running');
    this.stopping = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    this.state = 'stopped';
    this.notify();
  }

  /**
   * Resolves with the store head once it is at `target` (a block number, or a hash that must be the head or
   * one of its indexed ancestors). Rejects when indexing failed (a handler error: the block the error is at
   * holds none of its changes) or crashed, or after `timeoutMs`. With a lag, a block is reached only once the
   * chain is `lagBlocks` past it.
   */
  async waitFor(target: { number?: number; hash?: string }, timeoutMs = 30_000): Promise<BlockPtr> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const failure = this.options.store.indexingError();
      if (failure) {
        throw new GraphHostError(`indexing failed at block ${failure.block.number}: ${failure.message}`);
      }
      const head = this.options.store.head();
      const reached =
        head !== undefined &&
        (target.hash !== undefined
          ? this.options.store.blockByHash(target.hash) !== undefined
          : head.number >= (target.number ?? 0));
      if (reached) return head;
      if (this.state === 'crashed' || this.state === 'stopped') {
        throw new GraphHostError(
          `indexing is ${this.state} at block ${head?.number ?? 'none'}: ${this.lastError ?? ''}`,
        );
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new GraphHostError(
          `timed out waiting for block ${target.hash ?? target.number}: head ${head?.number ?? 'none'}, state ${this.state}, ${this.lastError ?? 'no error'}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, Math.min(remaining, 1_000));
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }

  private log(level: IndexerLogEntry['level'], message: string, fields?: Record<string, unknown>): void {
    this.options.log?.({ level, message, fields });
  }

  private async pause(ms: number): Promise<void> {
    if (this.stopping) return;
    const controller = new AbortController();
    this.wake = () => controller.abort();
    await sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined);
    this.wake = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let progressed: boolean;
      try {
        progressed = await this.step();
        if (failures > 0) this.log('info', 'the node answers again; indexing resumed');
        failures = 0;
        if (this.state !== 'failed') this.lastError = undefined;
      } catch (error) {
        if (!(error instanceof RpcError)) {
          this.state = 'crashed';
          this.lastError = error instanceof Error ? error.message : String(error);
          this.log('error', `indexing crashed: ${this.lastError}`, { error });
          this.notify();
          return;
        }
        failures += 1;
        const delay = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** (failures - 1));
        this.state = 'retrying';
        this.lastError = error.message;
        this.log('warn', `node failure, retrying in ${delay} ms: ${error.message}`, { attempt: failures });
        this.notify();
        await this.pause(delay);
        continue;
      }
      this.notify();
      if (!progressed) await this.pause(this.pollIntervalMs);
    }
  }

  /** One pass: reorg check, then index what the chain has beyond the store head. True when it progressed. */
  private async step(): Promise<boolean> {
    const { store, source } = this.options;
    this.chainHead = await source.headNumber();
    const head = store.head();
    if (head) {
      const [canonical] = await source.hashesAt([head.number]);
      if (canonical !== head.hash) {
        await this.revertToCommonAncestor(head);
        return true;
      }
    }
    if (store.indexingError()) {
      this.state = 'failed';
      return false;
    }
    const next = head ? head.number + 1 : this.dataSources.firstBlock;
    // The reorg check above still runs on every step: a lagging store head can be reorged away too (a branch
    // deeper than the lag, or a chain that got shorter than the store head).
    const target = this.chainHead - this.lagBlocks;
    if (next > target) {
      this.state = 'synced';
      return false;
    }
    this.state = 'syncing';
    const to = Math.min(target, next + this.maxRangeBlocks - 1);
    return (await this.indexRange(next, to)) > 0;
  }

  /** Indexes what it can of `from..to`; returns how many blocks it committed (0: try again after a pause). */
  private async indexRange(from: number, to: number): Promise<number> {
    const { store, source } = this.options;
    const headers = await source.headers(from, to);
    // Keep only a chain that hangs from the store head: anything else is a reorg the next step resolves.
    let parent = store.head();
    let linked = 0;
    for (const header of headers) {
      const ptr = blockPtr(header);
      if (parent && ptr.number === parent.number + 1 && ptr.parentHash !== parent.hash) break;
      parent = ptr;
      linked += 1;
    }
    const chain = headers.slice(0, linked);
    const last = chain[chain.length - 1];
    if (!last) return 0;
    const single = chain.length === 1;
    const logs = await source.logs(
      { from, to: Number(last.number), hash: single ? last.hash : undefined },
      this.dataSources.topics,
    );
    // The logs must belong to the headers read: re-check the last hash (it commits to every ancestor).
    const [stillCanonical] = await source.hashesAt([Number(last.number)]);
    if (stillCanonical !== last.hash.toLowerCase()) return 0;
    const logsByBlock = new Map<string, RpcLog[]>();
    for (const log of logs) {
      const hash = log.blockHash.toLowerCase();
      const header = chain[Number(log.blockNumber) - from];
      if (!header || header.hash.toLowerCase() !== hash || log.removed === true) {
        throw new RpcError(
          `eth_getLogs answered a log of block ${log.blockNumber} (${hash}) outside the headers read`,
        );
      }
      let list = logsByBlock.get(hash);
      if (!list) logsByBlock.set(hash, (list = []));
      list.push(log);
    }
    const fullBlocks = new Map(
      (await source.fullBlocks([...logsByBlock.keys()])).map((block) => [block.hash.toLowerCase(), block]),
    );
    let committed = 0;
    for (const header of chain) {
      if (this.stopping) break;
      const hash = header.hash.toLowerCase();
      const blockLogs = (logsByBlock.get(hash) ?? []).sort((a, b) => Number(a.logIndex) - Number(b.logIndex));
      if (!this.processBlock(fullBlocks.get(hash) ?? header, blockLogs)) break;
      committed += 1;
      // Let queries and timers run between blocks: handlers run synchronously.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return committed;
  }

  /** Runs a block's triggers in one store block. False when a handler failed (indexing stops there). */
  private processBlock(block: RpcBlock, logs: readonly RpcLog[]): boolean {
    const { store, runtime } = this.options;
    const ptr = blockPtr(block);
    const transactions = new Map<string, RpcTransaction>();
    for (const tx of block.transactions ?? []) {
      if (typeof tx !== 'string') transactions.set(tx.hash.toLowerCase(), tx);
    }
    const transactionOf = (log: RpcLog): RpcTransaction => {
      const tx = transactions.get(log.transactionHash.toLowerCase());
      if (!tx)
        throw new RpcError(`block ${ptr.number} from the node lacks transaction ${log.transactionHash}`);
      return tx;
    };
    store.beginBlock(ptr);
    let triggers = 0;
    try {
      let created: CreatedDataSource[] = [];
      for (const log of logs) {
        for (const { dataSource, handler } of this.dataSources.matches(log, ptr.number)) {
          created.push(
            ...runtime.runEvent({ dataSource, handler, log, block, transaction: transactionOf(log) }),
          );
          triggers += 1;
        }
      }
      // graph-node reprocesses the block for data sources created in it, after its other triggers, until no
      // new ones appear.
      while (created.length > 0) {
        const added = this.dataSources.add(created, ptr.number);
        created = [];
        for (const dataSource of added) {
          this.log('info', `created data source ${dataSource.name} at ${dataSource.address}`, {
            block: ptr.number,
          });
        }
        for (const log of logs) {
          for (const dataSource of added) {
            if (dataSource.address !== log.address.toLowerCase()) continue;
            const handler = handlerFor(dataSource, log);
            if (!handler) continue;
            created.push(
              ...runtime.runEvent({ dataSource, handler, log, block, transaction: transactionOf(log) }),
            );
            triggers += 1;
          }
        }
      }
    } catch (error) {
      store.abortBlock();
      this.dataSources.revertTo(ptr.number - 1);
      if (!(error instanceof MappingFailure)) throw error;
      // Like graph-node: the block pointer moves to the failed block with none of its entity changes, the
      // error is recorded (hasIndexingErrors), and indexing stops.
      store.beginBlock(ptr);
      store.commitBlock();
      store.markIndexingError({ message: error.message, block: ptr });
      this.state = 'failed';
      this.lastError = error.message;
      this.log('error', `indexing stopped at block ${ptr.number}: ${error.message}`);
      return false;
    }
    store.commitBlock();
    this.blocksProcessed += 1;
    this.triggersProcessed += triggers;
    return true;
  }

  private async revertToCommonAncestor(head: BlockPtr): Promise<void> {
    const { store, source } = this.options;
    const first = this.dataSources.firstBlock;
    let ancestor = first - 1;
    for (let top = head.number; top >= first; top -= 32) {
      const numbers: number[] = [];
      for (let n = top; n > top - 32 && n >= first; n--) numbers.push(n);
      const hashes = await source.hashesAt(numbers);
      const found = numbers.findIndex((n, i) => {
        const indexed = store.blockByNumber(n);
        return indexed !== undefined && indexed.hash === hashes[i];
      });
      if (found >= 0) {
        ancestor = numbers[found] as number;
        break;
      }
    }
    store.revertTo(ancestor);
    this.dataSources.revertTo(ancestor);
    this.reorgs += 1;
    this.log('warn', `reorg: reverted from block ${head.number} to common ancestor ${ancestor}`, {
      from: head.number,
      to: ancestor,
    });
  }
}
