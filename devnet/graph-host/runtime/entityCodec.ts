import type { EntityData, StoreValue } from '../store/types.js';
import type { AscHeap } from './AscHeap.js';
import { BigDecimalValue } from './BigDecimalValue.js';
import { bigIntToSignedLe, bytesToHex, hexToBytes, signedLeToBigInt } from './byteCodecs.js';

/** graph-ts `ValueKind` (common/value.ts). */
const KIND = {
  string: 0,
  int: 1,
  bigdecimal: 2,
  bool: 3,
  array: 4,
  null: 5,
  bytes: 6,
  bigint: 7,
  int8: 8,
  timestamp: 9,
} as const;

function pointer(payload: bigint): number {
  return Number(payload & 0xffffffffn);
}

export function readBigInt(heap: AscHeap, ptr: number): bigint {
  return signedLeToBigInt(heap.readBytes(ptr));
}

export function newBigInt(heap: AscHeap, value: bigint): number {
  return heap.newBytes(bigIntToSignedLe(value));
}

/** BigDecimal is `{ digits: BigInt, exp: BigInt }`. */
export function readBigDecimal(heap: AscHeap, ptr: number): BigDecimalValue {
  return BigDecimalValue.of(readBigInt(heap, heap.u32(ptr)), readBigInt(heap, heap.u32(ptr + 4)));
}

export function newBigDecimal(heap: AscHeap, value: BigDecimalValue): number {
  const digits = newBigInt(heap, value.digits);
  const exp = newBigInt(heap, BigInt(value.exp));
  return heap.newPointerObject([digits, exp], 'BigDecimal');
}

export function readStoreValue(heap: AscHeap, ptr: number): StoreValue {
  const { kind, payload } = heap.readTagged(ptr);
  switch (kind) {
    case KIND.string:
      return { kind: 'string', value: heap.readString(pointer(payload)) };
    case KIND.int:
      return { kind: 'int', value: Number(BigInt.asIntN(32, payload)) };
    case KIND.bigdecimal:
      return { kind: 'bigdecimal', value: readBigDecimal(heap, pointer(payload)).toString() };
    case KIND.bool:
      return { kind: 'bool', value: payload !== 0n };
    case KIND.array:
      return {
        kind: 'array',
        value: heap.readPointerArray(pointer(payload)).map((item) => readStoreValue(heap, item)),
      };
    case KIND.null:
      return { kind: 'null' };
    case KIND.bytes:
      return { kind: 'bytes', value: bytesToHex(heap.readBytes(pointer(payload))) };
    case KIND.bigint:
      return { kind: 'bigint', value: readBigInt(heap, pointer(payload)) };
    case KIND.int8:
      return { kind: 'int8', value: BigInt.asIntN(64, payload) };
    case KIND.timestamp:
      return { kind: 'timestamp', value: BigInt.asIntN(64, payload) };
    default:
      throw new RangeError(`unknown store value kind ${kind}`);
  }
}

export function newStoreValue(heap: AscHeap, value: StoreValue): number {
  const tagged = (kind: number, payload: bigint | number) =>
    heap.newTagged(kind, BigInt(payload), 'StoreValue');
  switch (value.kind) {
    case 'string':
      return tagged(KIND.string, heap.newString(value.value));
    case 'int':
      return tagged(KIND.int, value.value);
    case 'bigdecimal':
      return tagged(KIND.bigdecimal, newBigDecimal(heap, BigDecimalValue.fromString(value.value)));
    case 'bool':
      return tagged(KIND.bool, value.value ? 1 : 0);
    case 'array': {
      const items = value.value.map((item) => newStoreValue(heap, item));
      return tagged(KIND.array, heap.newPointerArray(items, 'ArrayStoreValue'));
    }
    case 'null':
      return tagged(KIND.null, 0);
    case 'bytes':
      return tagged(KIND.bytes, heap.newBytes(hexToBytes(value.value)));
    case 'bigint':
      return tagged(KIND.bigint, newBigInt(heap, value.value));
    case 'int8':
      return tagged(KIND.int8, value.value);
    case 'timestamp':
      return tagged(KIND.timestamp, value.value);
  }
}

/** Entity = TypedMap<string, Value> = `{ entries: Array<TypedMapEntry { key, value }> }`. */
export function readEntity(heap: AscHeap, ptr: number): EntityData {
  const data: EntityData = new Map();
  for (const entry of heap.readPointerArray(heap.u32(ptr))) {
    data.set(heap.readString(heap.u32(entry)), readStoreValue(heap, heap.u32(entry + 4)));
  }
  return data;
}

export function newEntity(heap: AscHeap, data: EntityData): number {
  const entries = [...data].map(([key, value]) =>
    heap.newPointerObject([heap.newString(key), newStoreValue(heap, value)], 'TypedMapEntryStringStoreValue'),
  );
  const array = heap.newPointerArray(entries, 'ArrayTypedMapEntryStringStoreValue');
  return heap.newPointerObject([array], 'TypedMapStringStoreValue');
}
