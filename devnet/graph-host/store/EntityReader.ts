import type { SubgraphSchema } from './SubgraphSchema.js';
import type { BlockPtr, EntityData } from './types.js';

/** One version of an entity: its data over the block range [fromBlock, toBlock). */
export interface EntityVersion {
  readonly id: string;
  /** Shared with the store: readers must not modify it. */
  readonly data: EntityData;
  readonly fromBlock: number;
  /** `Infinity` while the version is current. */
  readonly toBlock: number;
}

/**
 * Read access to committed entity versions at any indexed block: what the GraphQL side needs and the
 * mapping-facing `EntityStore` interface does not offer.
 */
export interface EntityReader {
  readonly schema: SubgraphSchema;
  head(): BlockPtr | undefined;
  blockByNumber(blockNumber: number): BlockPtr | undefined;
  blockByHash(hash: string): BlockPtr | undefined;
  indexingError(): { message: string; block: BlockPtr } | undefined;

  versionAt(entityType: string, id: string, block: number): EntityVersion | undefined;
  /**
   * Every entity visible at `block`. With `order`, in id order (the type's id comparison), starting at
   * `start` when given, so a caller that pages by id stops early instead of reading everything.
   */
  scanAt(
    entityType: string,
    block: number,
    order?: { direction: 'asc' | 'desc'; start?: { id: string; inclusive: boolean } },
  ): Iterable<EntityVersion>;
  /** Entities visible at `block` whose visible version was written at or after `sinceBlock`. */
  changedAt(entityType: string, sinceBlock: number, block: number): EntityVersion[];
  /** Entities of `entityType` visible at `block` whose reference field `field` holds (or lists) `targetId`. */
  referencingAt(entityType: string, field: string, targetId: string, block: number): EntityVersion[];
  /** The type's id order (string, byte or numeric); -1, 0 or 1. */
  compareIds(entityType: string, a: string, b: string): number;
}
