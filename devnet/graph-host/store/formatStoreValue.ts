import type { StoreValue } from './types.js';

/** A value as graph-node prints it in error messages (its `Value` Display). */
export function formatStoreValue(value: StoreValue): string {
  switch (value.kind) {
    case 'null':
      return 'null';
    case 'array':
      return `[${value.value.map(formatStoreValue).join(', ')}]`;
    case 'int8':
    case 'bigint':
    case 'timestamp':
      return value.value.toString();
    default:
      return String(value.value);
  }
}

/** graph-node's type name for a value (`Value::type_name`). */
export function storeValueTypeName(value: StoreValue): string {
  switch (value.kind) {
    case 'string':
      return 'String';
    case 'int':
      return 'Int';
    case 'int8':
      return 'Int8';
    case 'bigint':
      return 'BigInt';
    case 'bigdecimal':
      return 'BigDecimal';
    case 'bool':
      return 'Boolean';
    case 'bytes':
      return 'Bytes';
    case 'timestamp':
      return 'Timestamp';
    case 'null':
      return 'Null';
    case 'array':
      return value.value.length > 0 ? `[${storeValueTypeName(value.value[0] as StoreValue)}]` : '[Any]';
  }
}

/** Structural equality; used to skip writes that change nothing, as graph-node does. */
export function storeValueEquals(a: StoreValue, b: StoreValue): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'null') return true;
  if (a.kind === 'array') {
    const other = (b as typeof a).value;
    if (a.value.length !== other.length) return false;
    return a.value.every((item, i) => storeValueEquals(item, other[i] as StoreValue));
  }
  return a.value === (b as typeof a).value;
}
