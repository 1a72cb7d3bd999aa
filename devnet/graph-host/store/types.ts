/**
 * The contract between the graph host's two halves: the runtime/indexer (runs the subgraph's WASM against
 * the chain and writes entities) and the store/GraphQL side (keeps entity versions by block range and
 * answers graph-node's query API). Both sides code against these types only.
 */

/** A value as graph-node stores it (graph-ts `Value` kinds). */
export type StoreValue =
  | { kind: 'string'; value: string }
  /** GraphQL `Int` (i32). */
  | { kind: 'int'; value: number }
  /** GraphQL `Int8` (i64). */
  | { kind: 'int8'; value: bigint }
  | { kind: 'bigint'; value: bigint }
  /** Decimal string in graph-node's canonical form (no exponent, no trailing zeros). */
  | { kind: 'bigdecimal'; value: string }
  | { kind: 'bool'; value: boolean }
  /** 0x-prefixed lowercase hex. */
  | { kind: 'bytes'; value: string }
  /** GraphQL `Timestamp`: microseconds since the epoch. */
  | { kind: 'timestamp'; value: bigint }
  | { kind: 'array'; value: StoreValue[] }
  | { kind: 'null' };

/** An entity's fields, `id` included. */
export type EntityData = Map<string, StoreValue>;

export interface BlockPtr {
  number: number;
  /** 0x-prefixed lowercase hex. */
  hash: string;
  parentHash: string;
  timestampSec: number;
}

/** Thrown by the store for invalid writes (unknown entity type, missing required field, wrong type). */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/**
 * Entity versions with block ranges. Writes happen inside a block: `beginBlock`, any number of
 * get/set/remove (reads see the block's own pending writes), then `commitBlock` (versions become visible
 * from that block on) or `abortBlock` (the block's writes are dropped). `revertTo(n)` undoes every block
 * after n exactly (reorgs). Entity types are the schema's type names; ids are strings (Bytes ids in 0x hex).
 */
export interface EntityStore {
  beginBlock(block: BlockPtr): void;
  /** Latest state including the current block's pending writes. */
  get(entityType: string, id: string): EntityData | undefined;
  /** Only if the entity was written in the current block (graph-ts `loadInBlock`). */
  getInBlock(entityType: string, id: string): EntityData | undefined;
  /** Full entity as the mapping holds it; validated against the schema. */
  set(entityType: string, id: string, data: EntityData): void;
  remove(entityType: string, id: string): void;
  /** Entities of the `@derivedFrom` field `field` of entity (entityType, id) (graph-ts `loadRelated`). */
  loadRelated(entityType: string, id: string, field: string): EntityData[];
  commitBlock(): void;
  abortBlock(): void;
  /** Removes every version and block pointer after `blockNumber`. */
  revertTo(blockNumber: number): void;

  /** The last committed block, if any. */
  head(): BlockPtr | undefined;
  blockByNumber(blockNumber: number): BlockPtr | undefined;
  blockByHash(hash: string): BlockPtr | undefined;

  /** Set once indexing stopped on a handler failure; `_meta.hasIndexingErrors` reports it. */
  markIndexingError(error: { message: string; block: BlockPtr }): void;
  indexingError(): { message: string; block: BlockPtr } | undefined;
}
