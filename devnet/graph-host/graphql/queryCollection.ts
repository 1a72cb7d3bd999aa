import type { EntityVersion } from '../store/EntityReader.js';
import { isScalarTypeName, type EntityTypeModel, type FieldModel } from '../store/SubgraphSchema.js';
import { comparableOf, compareComparable, parseFilterScalar, type Comparable } from './Comparable.js';
import { compileFilter, type EntityPredicate, type FilterScope } from './compileFilter.js';
import { QueryError } from './QueryError.js';

/** The arguments graph-node gives every collection field. */
export interface CollectionArgs {
  first?: number | null;
  skip?: number | null;
  orderBy?: string | null;
  orderDirection?: string | null;
  where?: Readonly<Record<string, unknown>> | null;
}

/** graph-node's defaults (`GRAPH_GRAPHQL_MAX_FIRST`, `GRAPH_GRAPHQL_MAX_SKIP`). */
export const MAX_FIRST = 1000;
export const MAX_SKIP = 4_294_967_295;
const DEFAULT_FIRST = 100;

type SortOrder =
  | { byId: true; sign: 1 | -1 }
  | { byId: false; sign: 1 | -1; key: (version: EntityVersion) => Comparable | undefined };

/**
 * Runs one collection query at the scope's block: `where`, `orderBy`/`orderDirection` (default: id
 * ascending), `skip` and `first`, checked in graph-node's order. `candidates` are the versions a nested
 * collection starts from; without them every entity of the type is a candidate, narrowed by the indexes
 * the store has (`_change_block`, `id`, `id_in`, id order with an id cursor).
 */
export function queryCollection(
  scope: FilterScope,
  model: EntityTypeModel,
  args: CollectionArgs,
  candidates?: readonly EntityVersion[],
): EntityVersion[] {
  const order = compileOrder(scope, model, args.orderBy ?? undefined, args.orderDirection ?? undefined);
  const first = args.first ?? DEFAULT_FIRST;
  if (!(first > 0 && first <= MAX_FIRST)) throw QueryError.range('first', MAX_FIRST, first);
  const skip = args.skip ?? 0;
  if (!(skip >= 0 && skip <= MAX_SKIP)) throw QueryError.range('skip', MAX_SKIP, skip);
  const where = args.where ?? undefined;
  const matches: EntityPredicate = where ? compileFilter(scope, model, where) : () => true;
  const compareIds = (a: EntityVersion, b: EntityVersion): number =>
    scope.reader.compareIds(model.name, a.id, b.id);

  const pool = candidates ?? indexedCandidates(scope, model, where);
  if (!pool && order.byId) {
    const out: EntityVersion[] = [];
    for (const version of scope.reader.scanAt(model.name, scope.block, {
      direction: order.sign === 1 ? 'asc' : 'desc',
      start: idCursor(model, where, order.sign),
    })) {
      if (!matches(version)) continue;
      out.push(version);
      if (out.length >= skip + first) break;
    }
    return out.slice(skip);
  }

  const found = [...(pool ?? scope.reader.scanAt(model.name, scope.block))].filter(matches);
  if (order.byId) {
    found.sort((a, b) => order.sign * compareIds(a, b));
  } else {
    const keyed = found.map((version) => ({ version, key: order.key(version) }));
    keyed.sort((a, b) => {
      // Postgres puts nulls last in ascending order, hence first in descending order.
      const c =
        a.key === undefined
          ? b.key === undefined
            ? 0
            : 1
          : b.key === undefined
            ? -1
            : compareComparable(a.key, b.key);
      return order.sign * (c !== 0 ? c : compareIds(a.version, b.version));
    });
    return keyed.slice(skip, skip + first).map((k) => k.version);
  }
  return found.slice(skip, skip + first);
}

function compileOrder(
  scope: FilterScope,
  model: EntityTypeModel,
  orderBy: string | undefined,
  direction: string | undefined,
): SortOrder {
  // graph-node ignores orderDirection without orderBy: the default order is always id ascending.
  if (orderBy === undefined) return { byId: true, sign: 1 };
  const sign = direction === 'desc' ? -1 : 1;
  const [parentName = '', childName] = orderBy.split('__');
  const parent = model.fieldsByName.get(parentName);
  if (!parent) throw new QueryError(`Entity \`${model.name}\` has no attribute \`${parentName}\``);
  if (childName === undefined) {
    if (!orderable(parent)) {
      throw new QueryError(`Ordering by \`${parentName}\` is not supported for type \`${model.name}\``);
    }
    if (parentName === 'id') return { byId: true, sign };
    return { byId: false, sign, key: (version) => comparableOf(version.data.get(parentName)) };
  }
  const { reader, block } = scope;
  const child = reader.schema.entityType(parent.typeName);
  if (!child) throw new QueryError(`Failed to resolve named type \`${parent.typeName}\``);
  const childField = child.fieldsByName.get(childName);
  if (!childField) throw new QueryError(`Entity \`${child.name}\` has no attribute \`${childName}\``);
  if (!orderable(childField)) {
    throw new QueryError(`Ordering by \`${childName}\` is not supported for type \`${child.name}\``);
  }
  const joined = (version: EntityVersion): EntityVersion | undefined => {
    if (parent.kind === 'derived') {
      return reader.referencingAt(child.name, parent.derivedFrom as string, version.id, block)[0];
    }
    const ref = comparableOf(version.data.get(parent.name));
    return ref === undefined ? undefined : reader.versionAt(child.name, String(ref), block);
  };
  return { byId: false, sign, key: (version) => comparableOf(joined(version)?.data.get(childName)) };
}

/** graph-node sorts by builtin scalars only; lists, entity references and enums are refused. */
function orderable(field: FieldModel): boolean {
  return !field.list && field.kind === 'scalar' && isScalarTypeName(field.typeName);
}

function indexedCandidates(
  scope: FilterScope,
  model: EntityTypeModel,
  where: Readonly<Record<string, unknown>> | undefined,
): EntityVersion[] | undefined {
  if (!where) return undefined;
  const { reader, block } = scope;
  const change = where._change_block as { number_gte?: unknown } | null | undefined;
  if (change && typeof change.number_gte === 'number') {
    return reader.changedAt(model.name, change.number_gte, block);
  }
  const lookup = (ids: unknown[]): EntityVersion[] => {
    const seen = new Set<string>();
    const out: EntityVersion[] = [];
    for (const raw of ids) {
      const id = idText(model, raw);
      if (seen.has(id)) continue;
      seen.add(id);
      const version = reader.versionAt(model.name, id, block);
      if (version) out.push(version);
    }
    return out;
  };
  if (where.id !== undefined && where.id !== null) return lookup([where.id]);
  if (Array.isArray(where.id_in)) return lookup(where.id_in);
  return undefined;
}

function idCursor(
  model: EntityTypeModel,
  where: Readonly<Record<string, unknown>> | undefined,
  sign: 1 | -1,
): { id: string; inclusive: boolean } | undefined {
  if (!where) return undefined;
  const [strict, loose] = sign === 1 ? ['id_gt', 'id_gte'] : ['id_lt', 'id_lte'];
  const exclusive = where[strict];
  if (exclusive !== undefined && exclusive !== null)
    return { id: idText(model, exclusive), inclusive: false };
  const inclusive = where[loose];
  if (inclusive !== undefined && inclusive !== null) return { id: idText(model, inclusive), inclusive: true };
  return undefined;
}

/** An id filter value in the form the store keys entities by. */
function idText(model: EntityTypeModel, raw: unknown): string {
  const idField = model.fieldsByName.get('id') as FieldModel;
  return String(parseFilterScalar(raw, idField.storedAs));
}
