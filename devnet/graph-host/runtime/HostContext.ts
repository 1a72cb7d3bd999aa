import type { EntityData, EntityStore } from '../store/types.js';
import type { AscHeap } from './AscHeap.js';
import type { MappingSpec, TemplateSpec } from './loadSubgraph.js';

/**
 * Synchronous chain reads for handlers, all at one block (by hash, so a reorg cannot make them read another
 * branch). Transport failures throw RpcError; a call that reverts answers null.
 */
export interface ChainAccess {
  call(tx: { to: string; data: string }, blockHash: string): string | null;
  getBalance(address: string, blockHash: string): bigint;
  getCode(address: string, blockHash: string): string;
}

/** A data source as it runs: a static one from the manifest or one created from a template. */
export interface DataSourceInstance {
  name: string;
  /** Lowercase hex. */
  address: string;
  network: string;
  context: EntityData | undefined;
  mapping: MappingSpec;
  /** The template it was created from; undefined for a manifest data source. */
  template: string | undefined;
  /** Block that created it (templates) or its start block (manifest data sources). */
  startBlock: number;
}

/** What `dataSource.create[WithContext]` asked for; the indexer turns it into a DataSourceInstance. */
export interface CreatedDataSource {
  template: string;
  params: string[];
  /** params[0], lowercased: on-chain templates are keyed by address. */
  address: string;
  context: EntityData | undefined;
}

export type MappingLogLevel = 'critical' | 'error' | 'warning' | 'info' | 'debug';

export interface MappingLogEntry {
  level: MappingLogLevel;
  message: string;
  dataSource: string;
  handler: string;
  blockNumber: number;
}

/** Everything a host function can reach while one trigger runs. */
export interface HostContext {
  heap(): AscHeap;
  store: EntityStore;
  chain: ChainAccess;
  block: { number: number; hash: string };
  dataSource: DataSourceInstance;
  handler: string;
  templates: ReadonlyMap<string, TemplateSpec>;
  created: CreatedDataSource[];
  log(level: MappingLogLevel, message: string): void;
}

/** A host function as linked into the module; WASM passes numbers (i32) and bigints (i64). */
export type HostFunction = (...args: never[]) => unknown;
