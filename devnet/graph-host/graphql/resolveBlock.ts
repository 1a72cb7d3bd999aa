import type { EntityReader } from '../store/EntityReader.js';
import type { BlockPtr } from '../store/types.js';
import { parseBytes } from './Comparable.js';
import { QueryError } from './QueryError.js';

/** The block a top-level field runs at, and the key of its block-constraint group. */
export interface ResolvedBlock {
  /** Fields with equal keys are one group: graph-node executes (and fails) them together. */
  readonly key: string;
  readonly number: number;
  /**
   * Known only when the constraint names a hash or asks for the latest block: graph-node does not look up
   * the hash of a block given by number, so `_meta.block` then has no hash, timestamp or parent hash.
   */
  readonly ptr: BlockPtr | undefined;
}

/**
 * Resolves a `block: Block_height` argument as graph-node's `locate_blocks` does: `hash` wins over
 * `number`, which wins over `number_gte`; a block past the latest indexed one is an error.
 */
export function resolveBlock(
  arg: unknown,
  reader: EntityReader,
  deployment: string,
  latest: BlockPtr,
): ResolvedBlock {
  if (arg === undefined || arg === null) return { key: 'latest', number: latest.number, ptr: latest };
  const constraint = arg as { hash?: unknown; number?: unknown; number_gte?: unknown };
  if (typeof constraint.hash === 'string') {
    const hash = parseBytes(constraint.hash, 'block.hash', true);
    const ptr = reader.blockByHash(hash);
    if (!ptr) throw QueryError.valueParse('block.hash', 'no block with that hash found', true);
    queryable(deployment, latest, ptr.number);
    return { key: `hash:${hash}`, number: ptr.number, ptr };
  }
  if (typeof constraint.number === 'number') {
    queryable(deployment, latest, constraint.number);
    return { key: `number:${constraint.number}`, number: constraint.number, ptr: undefined };
  }
  if (typeof constraint.number_gte === 'number') {
    if (latest.number < constraint.number_gte) {
      throw QueryError.notYetIndexed('block.number_gte', deployment, latest.number, constraint.number_gte);
    }
    return { key: `min:${constraint.number_gte}`, number: latest.number, ptr: latest };
  }
  throw new QueryError('invalid `BlockConstraint`', { failsWholeQuery: true });
}

function queryable(deployment: string, latest: BlockPtr, number: number): void {
  if (number > latest.number)
    throw QueryError.notYetIndexed('block.number', deployment, latest.number, number);
  if (number < 0) {
    throw QueryError.valueParse(
      'block.number',
      `subgraph ${deployment} only has data starting at block number 0 and data for block number ${number} is therefore not available`,
      true,
    );
  }
}
