import type { EntityReader, EntityVersion } from '../store/EntityReader.js';
import type { EntityTypeModel, FieldModel } from '../store/SubgraphSchema.js';
import type { StoreValue } from '../store/types.js';
import { fieldTypeText } from '../store/validateEntity.js';
import {
  bytesContain,
  comparableEquals,
  comparableOf,
  compareComparable,
  likeMatches,
  parseBytes,
  parseFilterScalar,
  type Comparable,
} from './Comparable.js';
import { QueryError } from './QueryError.js';

export type EntityPredicate = (version: EntityVersion) => boolean;

/** Where and when a filter is evaluated. */
export interface FilterScope {
  readonly reader: EntityReader;
  readonly block: number;
}

type Op =
  | 'eq'
  | 'not'
  | 'gt'
  | 'lt'
  | 'gte'
  | 'lte'
  | 'in'
  | 'not_in'
  | 'contains'
  | 'contains_nocase'
  | 'not_contains'
  | 'not_contains_nocase'
  | 'starts_with'
  | 'starts_with_nocase'
  | 'not_starts_with'
  | 'not_starts_with_nocase'
  | 'ends_with'
  | 'ends_with_nocase'
  | 'not_ends_with'
  | 'not_ends_with_nocase'
  | 'child';

/** graph-node's suffix order (`parse_field_as_filter`): the first suffix that matches wins. */
const SUFFIXES: [string, Op][] = [
  ['_not', 'not'],
  ['_gt', 'gt'],
  ['_lt', 'lt'],
  ['_gte', 'gte'],
  ['_lte', 'lte'],
  ['_not_in', 'not_in'],
  ['_in', 'in'],
  ['_not_contains', 'not_contains'],
  ['_not_contains_nocase', 'not_contains_nocase'],
  ['_contains', 'contains'],
  ['_contains_nocase', 'contains_nocase'],
  ['_not_starts_with', 'not_starts_with'],
  ['_not_starts_with_nocase', 'not_starts_with_nocase'],
  ['_not_ends_with', 'not_ends_with'],
  ['_not_ends_with_nocase', 'not_ends_with_nocase'],
  ['_starts_with', 'starts_with'],
  ['_starts_with_nocase', 'starts_with_nocase'],
  ['_ends_with', 'ends_with'],
  ['_ends_with_nocase', 'ends_with_nocase'],
  ['_', 'child'],
];

const SQL_CMP: Partial<Record<Op, string>> = { gt: '>', lt: '<', gte: '>=', lte: '<=' };
const TRUE: EntityPredicate = () => true;

export function splitFilterKey(key: string): { field: string; op: Op } {
  for (const [suffix, op] of SUFFIXES) {
    if (key.endsWith(suffix)) return { field: key.slice(0, -suffix.length), op };
  }
  return { field: key, op: 'eq' };
}

/**
 * Compiles a `where` argument into a predicate over entity versions visible at the scope's block, with
 * graph-node's semantics: SQL null handling (a missing value matches no comparison), `LIKE` patterns,
 * array containment for list fields, `field_` joins against the referenced (or referencing) entities at the
 * same block, and graph-node's rules for `and`/`or`.
 */
export function compileFilter(
  scope: FilterScope,
  model: EntityTypeModel,
  where: Readonly<Record<string, unknown>>,
  inChild = false,
): EntityPredicate {
  // graph-node sees the coerced input object as a BTreeMap, hence sorted keys (it shows in error texts).
  const keys = Object.keys(where)
    .filter((k) => where[k] !== undefined)
    .sort();
  if (keys.includes('or')) {
    const columns = keys
      .filter((k) => k !== 'or' && k !== 'and' && k !== '_change_block')
      .map((k) => `'${k}'`);
    if (columns.length > 0) {
      const list = columns.join(', ');
      throw new QueryError(
        `Cannot mix column filters with 'or' operator at the same level. Found column filter(s) ${list} alongside 'or' operator.\n\n` +
          `Instead of:\nwhere: { ${list}, or: [...] }\n\nUse:\nwhere: { or: [{ ${list}, ... }, { ${list}, ... }] }`,
      );
    }
  }
  const parts = keys.map((key) => compileEntry(scope, model, where, key, inChild));
  return and(parts);
}

function compileEntry(
  scope: FilterScope,
  model: EntityTypeModel,
  where: Readonly<Record<string, unknown>>,
  key: string,
  inChild: boolean,
): EntityPredicate {
  const value = where[key];
  if (key === '_change_block') {
    const since = isObject(value) ? value.number_gte : undefined;
    if (typeof since !== 'number') throw QueryError.invalidFilter();
    return (version) => version.fromBlock >= since;
  }
  if (key === 'and' || key === 'or') {
    // graph-node builds both from every value of the object, so `and` next to a column filter fails.
    const lists = Object.keys(where)
      .sort()
      .map((k) => where[k])
      .filter((v) => v !== undefined)
      .flatMap((list) => {
        if (!Array.isArray(list)) throw QueryError.invalidFilter();
        return list.map((item: unknown) => {
          if (!isObject(item)) throw QueryError.invalidFilter();
          return compileFilter(scope, model, item, inChild);
        });
      });
    return key === 'and' ? and(lists) : or(lists);
  }
  const { field: name, op } = splitFilterKey(key);
  const field = model.fieldsByName.get(name);
  if (!field) throw new QueryError(`Entity \`${model.name}\` has no attribute \`${name}\``);
  if (op === 'child') return compileChild(scope, field, value, inChild);
  return field.list ? compileListField(field, op, value) : compileScalarField(field, op, value);
}

function compileScalarField(field: FieldModel, op: Op, raw: unknown): EntityPredicate {
  const column = (version: EntityVersion): Comparable | undefined =>
    comparableOf(version.data.get(field.name));
  const parse = (value: unknown): Comparable => parseFilterScalar(value, field.storedAs);
  if (raw === null) {
    if (op === 'eq') return (version) => column(version) === undefined;
    if (op === 'not') return (version) => column(version) !== undefined;
    throw nullFilterError(op);
  }
  switch (op) {
    case 'eq':
    case 'not': {
      const want = parse(raw);
      const equal = op === 'eq';
      return (version) => {
        const have = column(version);
        return have !== undefined && comparableEquals(have, want) === equal;
      };
    }
    case 'gt':
    case 'lt':
    case 'gte':
    case 'lte': {
      const want = parse(raw);
      const accept = (c: number): boolean =>
        op === 'gt' ? c > 0 : op === 'lt' ? c < 0 : op === 'gte' ? c >= 0 : c <= 0;
      return (version) => {
        const have = column(version);
        return have !== undefined && accept(compareComparable(have, want));
      };
    }
    case 'in':
    case 'not_in': {
      const wants = (raw as unknown[]).map(parse);
      if (wants.length === 0) return () => false;
      const inside = op === 'in';
      return (version) => {
        const have = column(version);
        return have !== undefined && wants.some((w) => comparableEquals(have, w)) === inside;
      };
    }
    default:
      return compileTextMatch(field, op, raw, column);
  }
}

function compileTextMatch(
  field: FieldModel,
  op: Op,
  raw: unknown,
  column: (version: EntityVersion) => Comparable | undefined,
): EntityPredicate {
  const negated = op.startsWith('not_');
  const nocase = op.endsWith('_nocase');
  if (field.storedAs === 'Bytes') {
    const needle = parseBytes(String(raw), 'Bytes');
    return (version) => {
      const have = column(version);
      return typeof have === 'string' && bytesContain(have, needle) !== negated;
    };
  }
  const text = String(raw);
  const pattern = op.includes('starts_with')
    ? `${text}%`
    : op.includes('ends_with')
      ? `%${text}`
      : text.startsWith('%') || text.endsWith('%')
        ? text
        : `%${text}%`;
  return (version) => {
    const have = column(version);
    return typeof have === 'string' && likeMatches(have, pattern, nocase) !== negated;
  };
}

function compileListField(field: FieldModel, op: Op, raw: unknown): EntityPredicate {
  const items = (version: EntityVersion): Comparable[] | undefined => listOf(version.data.get(field.name));
  if (raw === null) {
    if (op === 'eq') return (version) => items(version) === undefined;
    if (op === 'not') return (version) => items(version) !== undefined;
    throw nullFilterError(op);
  }
  const wants = (raw as unknown[]).map((value) => parseFilterScalar(value, field.storedAs));
  switch (op) {
    case 'eq':
    case 'not': {
      const equal = op === 'eq';
      return (version) => {
        const have = items(version);
        return have !== undefined && sameList(have, wants) === equal;
      };
    }
    case 'contains':
      return (version) => {
        const have = items(version);
        return have !== undefined && wants.every((w) => have.some((h) => comparableEquals(h, w)));
      };
    case 'not_contains':
      return (version) => {
        const have = items(version);
        return have !== undefined && !wants.some((w) => have.some((h) => comparableEquals(h, w)));
      };
    case 'contains_nocase':
    case 'not_contains_nocase': {
      // graph-node: `exists (select 1 from unnest(col) as elem where elem ilike any(values))`.
      const negated = op === 'not_contains_nocase';
      const patterns = wants.map(String);
      return (version) => {
        const have = items(version);
        return (
          have !== undefined &&
          have.some((h) => patterns.some((p) => likeMatches(String(h), p, true))) !== negated
        );
      };
    }
    default:
      throw new QueryError(`Filter not supported by value \`${field.name}\`: \`${op}\``);
  }
}

function compileChild(
  scope: FilterScope,
  field: FieldModel,
  raw: unknown,
  inChild: boolean,
): EntityPredicate {
  if (!isObject(raw)) {
    throw new QueryError(
      `Query contains value with invalid type \`${fieldTypeText(field)}\`: \`${String(raw)}\``,
    );
  }
  const { reader, block } = scope;
  const schema = reader.schema;
  const attr = field.kind === 'derived' ? (field.derivedFrom as string) : field.name;
  if (inChild) {
    throw new QueryError(
      `Child filter nesting not supported by value \`${attr}\`: \`${JSON.stringify(raw)}\``,
    );
  }
  const child = schema.entityType(field.typeName);
  if (!child) throw QueryError.invalidFilter();
  const matches = compileFilter(scope, child, raw, true);
  if (field.kind === 'derived') {
    return (version) => reader.referencingAt(child.name, attr, version.id, block).some(matches);
  }
  return (version) => {
    const value = version.data.get(field.name);
    return referencedIds(value).some((id) => {
      const target = reader.versionAt(child.name, id, block);
      return target !== undefined && matches(target);
    });
  };
}

/** What graph-node says when a filter other than equality gets `null` (texts from its store layer). */
function nullFilterError(op: Op): QueryError {
  if (op === 'in' || op === 'not_in') return new QueryError(`Non-list value passed to \`_${op}\` filter`);
  const comparison = SQL_CMP[op];
  if (comparison) return QueryError.unsupportedFilter(comparison, 'null');
  if (op.includes('contains'))
    return QueryError.unsupportedFilter(op.startsWith('not_') ? 'not_contains' : 'contains', 'null');
  const like = `${op.startsWith('not_') ? ' not' : ''} ${op.endsWith('_nocase') ? 'ilike' : 'like'} `;
  return QueryError.unsupportedFilter(like, 'null');
}

function referencedIds(value: StoreValue | undefined): string[] {
  if (!value) return [];
  if (value.kind === 'array') return value.value.flatMap(referencedIds);
  if (value.kind === 'string' || value.kind === 'bytes') return [value.value];
  if (value.kind === 'int8') return [value.value.toString()];
  return [];
}

function listOf(value: StoreValue | undefined): Comparable[] | undefined {
  if (!value || value.kind !== 'array') return undefined;
  return value.value.map((item) => comparableOf(item)).filter((c): c is Comparable => c !== undefined);
}

function sameList(a: Comparable[], b: Comparable[]): boolean {
  return a.length === b.length && a.every((item, i) => comparableEquals(item, b[i] as Comparable));
}

function and(parts: EntityPredicate[]): EntityPredicate {
  if (parts.length === 0) return TRUE;
  if (parts.length === 1) return parts[0] as EntityPredicate;
  return (version) => parts.every((p) => p(version));
}

function or(parts: EntityPredicate[]): EntityPredicate {
  return (version) => parts.some((p) => p(version));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
