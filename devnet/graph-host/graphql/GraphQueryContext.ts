import type { GraphQLResolveInfo } from 'graphql';

import type { EntityReader, EntityVersion } from '../store/EntityReader.js';
import type { EntityTypeModel } from '../store/SubgraphSchema.js';
import type { BlockPtr } from '../store/types.js';
import { QueryError } from './QueryError.js';

/** An entity as resolvers pass it down: nested fields read at the same block as their parent. */
export interface ResolvedEntity {
  readonly model: EntityTypeModel;
  readonly version: EntityVersion;
  readonly block: number;
}

/** Per-request state shared by the resolvers. */
export interface GraphQueryContext {
  readonly reader: EntityReader;
  readonly deployment: string;
  /** The head when the request started: "latest" means this block for the whole request. */
  readonly latest: BlockPtr;
  /** Top-level response key -> its block-constraint group. */
  readonly groups: Map<string, string>;
  /** Query errors caught in resolvers, with the top-level response key they happened under. */
  readonly failures: { topKey: string; error: QueryError }[];
}

export function topLevelKey(info: GraphQLResolveInfo): string {
  let path = info.path;
  while (path.prev) path = path.prev;
  return String(path.key);
}

/**
 * Runs a resolver; a QueryError is recorded rather than thrown, so the executor can drop the whole block
 * group the way graph-node fails it, instead of graphql-js nulling the field (and, through non-null
 * collection types, everything up to `data`).
 */
export function guarded<T>(
  context: GraphQueryContext,
  info: GraphQLResolveInfo,
  fallback: T,
  run: () => T,
): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof QueryError)) throw error;
    context.failures.push({ topKey: topLevelKey(info), error });
    return fallback;
  }
}
