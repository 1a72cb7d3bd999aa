import type { ParamType } from 'ethers';
import type { AscHeap } from './AscHeap.js';
import { bytesToHex, hexToBytes } from './byteCodecs.js';
import { newBigInt, readBigInt } from './entityCodec.js';

/** An `ethereum.Value` on the host side; addresses and bytes are 0x-prefixed lowercase hex. */
export type EthValue =
  | { kind: 'address' | 'fixedBytes' | 'bytes'; value: string }
  | { kind: 'int' | 'uint'; value: bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'fixedArray' | 'array' | 'tuple'; value: EthValue[] };

/** graph-ts `ethereum.ValueKind`. */
const KIND = {
  address: 0,
  fixedBytes: 1,
  bytes: 2,
  int: 3,
  uint: 4,
  bool: 5,
  string: 6,
  fixedArray: 7,
  array: 8,
  tuple: 9,
} as const;

export function readEthValue(heap: AscHeap, ptr: number): EthValue {
  const { kind, payload } = heap.readTagged(ptr);
  const target = Number(payload & 0xffffffffn);
  switch (kind) {
    case KIND.address:
      return { kind: 'address', value: bytesToHex(heap.readBytes(target)) };
    case KIND.fixedBytes:
      return { kind: 'fixedBytes', value: bytesToHex(heap.readBytes(target)) };
    case KIND.bytes:
      return { kind: 'bytes', value: bytesToHex(heap.readBytes(target)) };
    case KIND.int:
      return { kind: 'int', value: readBigInt(heap, target) };
    case KIND.uint:
      return { kind: 'uint', value: readBigInt(heap, target) };
    case KIND.bool:
      return { kind: 'bool', value: payload !== 0n };
    case KIND.string:
      return { kind: 'string', value: heap.readString(target) };
    case KIND.fixedArray:
    case KIND.array:
    case KIND.tuple:
      return {
        kind: kind === KIND.tuple ? 'tuple' : kind === KIND.array ? 'array' : 'fixedArray',
        value: heap.readPointerArray(target).map((item) => readEthValue(heap, item)),
      };
    default:
      throw new RangeError(`unknown ethereum value kind ${kind}`);
  }
}

export function newEthValue(heap: AscHeap, value: EthValue): number {
  const tagged = (payload: number) => heap.newTagged(KIND[value.kind], BigInt(payload), 'EthereumValue');
  switch (value.kind) {
    case 'address':
    case 'fixedBytes':
    case 'bytes':
      return tagged(heap.newBytes(hexToBytes(value.value)));
    case 'int':
    case 'uint':
      return tagged(newBigInt(heap, value.value));
    case 'bool':
      return tagged(value.value ? 1 : 0);
    case 'string':
      return tagged(heap.newString(value.value));
    case 'fixedArray':
    case 'array':
    case 'tuple':
      return tagged(newEthValueArray(heap, value.value));
  }
}

export function newEthValueArray(heap: AscHeap, values: readonly EthValue[]): number {
  return heap.newPointerArray(
    values.map((v) => newEthValue(heap, v)),
    'ArrayEthereumValue',
  );
}

/** A value ethers decoded for `type`, as the `ethereum.Value` graph-node would hand the mapping. */
export function ethValueFromAbi(type: ParamType, value: unknown): EthValue {
  if (type.isArray()) {
    const items = [...(value as unknown[])].map((item) => ethValueFromAbi(type.arrayChildren, item));
    return { kind: type.arrayLength === -1 ? 'array' : 'fixedArray', value: items };
  }
  if (type.isTuple()) {
    return {
      kind: 'tuple',
      value: type.components.map((component, i) => ethValueFromAbi(component, (value as unknown[])[i])),
    };
  }
  const base = type.baseType;
  if (base === 'address') return { kind: 'address', value: (value as string).toLowerCase() };
  if (base === 'bool') return { kind: 'bool', value: value as boolean };
  if (base === 'string') return { kind: 'string', value: value as string };
  if (base === 'bytes') return { kind: 'bytes', value: (value as string).toLowerCase() };
  if (base.startsWith('bytes')) return { kind: 'fixedBytes', value: (value as string).toLowerCase() };
  if (base.startsWith('uint')) return { kind: 'uint', value: value as bigint };
  if (base.startsWith('int')) return { kind: 'int', value: value as bigint };
  throw new RangeError(`ABI type ${type.format()} has no ethereum.Value form`);
}

/** The plain JS value ethers encodes for an `ethereum.Value`. */
export function ethValueToAbi(value: EthValue): unknown {
  switch (value.kind) {
    case 'fixedArray':
    case 'array':
    case 'tuple':
      return value.value.map(ethValueToAbi);
    default:
      return value.value;
  }
}

/** The ABI type a value encodes as when nothing else says (graph-node's `ethereum.encode` of one token). */
export function ethValueAbiType(value: EthValue): string {
  switch (value.kind) {
    case 'address':
    case 'bool':
    case 'string':
    case 'bytes':
      return value.kind;
    case 'fixedBytes':
      return `bytes${hexToBytes(value.value).length}`;
    case 'int':
      return 'int256';
    case 'uint':
      return 'uint256';
    case 'tuple':
      return `(${value.value.map(ethValueAbiType).join(',')})`;
    case 'array':
    case 'fixedArray': {
      const first = value.value[0];
      const element = first === undefined ? 'uint256' : ethValueAbiType(first);
      return value.kind === 'array' ? `${element}[]` : `${element}[${value.value.length}]`;
    }
  }
}
