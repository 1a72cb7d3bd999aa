import type { ScalarTypeName } from '../store/SubgraphSchema.js';
import type { StoreValue } from '../store/types.js';
import { QueryError } from './QueryError.js';

/** A decimal as digits × 10^-scale, compared exactly. */
export interface Decimal {
  readonly digits: bigint;
  readonly scale: number;
}

/**
 * A single value in the form filters and sorting compare: strings (also Bytes as lowercase hex, ids, enum
 * members), bigints (BigInt, Int8, Timestamp), numbers (Int), booleans and decimals.
 */
export type Comparable = string | bigint | number | boolean | Decimal;

export function comparableOf(value: StoreValue | undefined): Comparable | undefined {
  if (!value) return undefined;
  switch (value.kind) {
    case 'null':
    case 'array':
      return undefined;
    case 'bigdecimal':
      return parseDecimal(value.value);
    default:
      return value.value;
  }
}

/** Postgres order: numbers numerically, text by code unit (C collation), bytea byte-wise, false < true. */
export function compareComparable(a: Comparable, b: Comparable): number {
  if (typeof a === 'object' || typeof b === 'object') return compareDecimals(toDecimal(a), toDecimal(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

export function comparableEquals(a: Comparable, b: Comparable): boolean {
  return compareComparable(a, b) === 0;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL_TEXT.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  if (whole === '' && fraction === '') return undefined;
  const digits = BigInt(`${sign === '-' ? '-' : ''}${whole || '0'}${fraction}`);
  const scale = fraction.length - Number(exponent);
  return scale >= 0 ? { digits, scale } : { digits: digits * 10n ** BigInt(-scale), scale: 0 };
}

function toDecimal(value: Comparable): Decimal {
  if (typeof value === 'object') return value;
  if (typeof value === 'bigint') return { digits: value, scale: 0 };
  if (typeof value === 'number' && Number.isInteger(value)) return { digits: BigInt(value), scale: 0 };
  return parseDecimal(String(value)) ?? { digits: 0n, scale: 0 };
}

function compareDecimals(a: Decimal, b: Decimal): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.digits * 10n ** BigInt(scale - a.scale);
  const y = b.digits * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Converts a filter argument (already coerced by graphql-js) to the form the field is stored in, failing
 * with graph-node's "Failed to decode" texts where graph-node fails.
 */
export function parseFilterScalar(raw: unknown, storedAs: ScalarTypeName): Comparable {
  switch (storedAs) {
    case 'ID':
    case 'String':
      return String(raw);
    case 'Boolean':
      return Boolean(raw);
    case 'Int':
      return Number(raw);
    case 'Bytes':
      return parseBytes(String(raw), 'Bytes');
    case 'BigInt':
      return parseInteger(raw, 'BigInt', 'invalid digit found in string');
    case 'Int8':
    case 'Timestamp':
      return parseInteger(raw, storedAs, String(raw));
    case 'BigDecimal': {
      const decimal =
        typeof raw === 'string' || typeof raw === 'number' ? parseDecimal(String(raw)) : undefined;
      if (!decimal) throw QueryError.valueParse('BigDecimal', `failed to parse decimal: ${String(raw)}`);
      return decimal;
    }
  }
}

/** Hex in graph-node's `Bytes::from_str` way (optional 0x, hex crate errors), returned as lowercase 0x hex. */
export function parseBytes(text: string, what: string, failsWholeQuery = false): string {
  const hex = text.startsWith('0x') ? text.slice(2) : text;
  if (hex.length % 2 !== 0) throw QueryError.valueParse(what, 'Odd number of digits', failsWholeQuery);
  const bad = /[^0-9a-fA-F]/.exec(hex);
  if (bad) {
    throw QueryError.valueParse(
      what,
      `Invalid character '${bad[0]}' at position ${bad.index}`,
      failsWholeQuery,
    );
  }
  return `0x${hex.toLowerCase()}`;
}

function parseInteger(raw: unknown, what: string, detail: string): bigint {
  const text = typeof raw === 'bigint' ? raw.toString() : String(raw);
  if (!/^[+-]?\d+$/.test(text)) throw QueryError.valueParse(what, detail);
  return BigInt(text);
}

/** Byte-aligned substring search in 0x hex, as Postgres `position(needle in haystack)` on bytea. */
export function bytesContain(haystack: string, needle: string): boolean {
  const h = haystack.slice(2);
  const n = needle.slice(2);
  for (let at = h.indexOf(n); at >= 0; at = h.indexOf(n, at + 1)) {
    if (at % 2 === 0) return true;
  }
  return false;
}

const likeCache = new Map<string, RegExp>();

/**
 * SQL `LIKE` (`%`, `_`, backslash escapes), or `ILIKE` with `caseInsensitive`. graph-node passes the
 * user's text into the pattern unescaped, so `%` and `_` in a filter value are wildcards there too.
 * Case folding is ASCII-only, as under the C locale graph-node requires of its database.
 */
export function likeMatches(text: string, pattern: string, caseInsensitive: boolean): boolean {
  const key = `${caseInsensitive ? 'i' : 'c'}${pattern}`;
  let regex = likeCache.get(key);
  if (!regex) {
    let source = '';
    const chars = [...(caseInsensitive ? asciiLower(pattern) : pattern)];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] as string;
      if (c === '\\' && i + 1 < chars.length) source += escapeRegex(chars[++i] as string);
      else if (c === '%') source += '.*';
      else if (c === '_') source += '.';
      else source += escapeRegex(c);
    }
    regex = new RegExp(`^${source}$`, 'su');
    if (likeCache.size > 10_000) likeCache.clear();
    likeCache.set(key, regex);
  }
  return regex.test(caseInsensitive ? asciiLower(text) : text);
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

/** JSON as graph-node serializes entity values: big numbers and bytes as strings. */
export function storeValueToJson(value: StoreValue | undefined): unknown {
  if (!value) return null;
  switch (value.kind) {
    case 'null':
      return null;
    case 'array':
      return value.value.map(storeValueToJson);
    case 'int8':
    case 'bigint':
    case 'timestamp':
      return value.value.toString();
    default:
      return value.value;
  }
}
