import { readFileSync } from 'node:fs';

// A minimal stand-in for graph-node's WASM host: enough of the store, ethereum.call, BigInt and log
// host functions to run the compiled handlers (AssemblyScript 0.19, stub runtime, no GC) in-process.

export type EthValue =
  | { kind: 'address'; value: string }
  | { kind: 'uint' | 'int'; value: bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'fixedBytes' | 'bytes'; value: string }
  | { kind: 'string'; value: string }
  | { kind: 'array' | 'tuple'; value: EthValue[] };

export interface ContractCall {
  contract: string;
  address: string;
  fn: string;
  signature: string;
  params: EthValue[];
}

/** Returns the call's outputs, or null for a revert. */
export type CallHandler = (call: ContractCall) => EthValue[] | null;

export interface TestBlock {
  number: bigint;
  timestamp: bigint;
}

export interface TestEvent {
  address: string;
  logIndex: number;
  block: TestBlock;
  txHash: string;
  params: { name: string; value: EthValue }[];
}

type StoreValue =
  | { kind: 'string'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'array'; value: StoreValue[] }
  | { kind: 'null' }
  | { kind: 'bytes'; value: string }
  | { kind: 'bigint'; value: bigint }
  | { kind: 'int8'; value: bigint };

export type Fields = Record<string, unknown>;

const STORE_KIND = { string: 0, int: 1, bool: 3, array: 4, null: 5, bytes: 6, bigint: 7, int8: 8 } as const;
const ETH_KIND = {
  address: 0,
  fixedBytes: 1,
  bytes: 2,
  int: 3,
  uint: 4,
  bool: 5,
  string: 6,
  array: 8,
  tuple: 9,
};
const LOG_LEVELS = ['critical', 'error', 'warning', 'info', 'debug'] as const;

function hexToBytes(hex: string): Uint8Array {
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex;
  return Uint8Array.from(Buffer.from(clean.length % 2 ? `0${clean}` : clean, 'hex'));
}

function bytesToHex(bytes: Uint8Array): string {
  return `0x${Buffer.from(bytes).toString('hex')}`;
}

function bigIntToBytes(value: bigint): Uint8Array {
  const out: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(rest & 0xffn);
    rest >>= 8n;
    out.push(byte);
    const signBit = (byte & 0x80) !== 0;
    if ((rest === 0n && !signBit) || (rest === -1n && signBit)) break;
  }
  return Uint8Array.from(out);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i] as number);
  if (bytes.length > 0 && ((bytes[bytes.length - 1] as number) & 0x80) !== 0)
    value -= 1n << BigInt(8 * bytes.length);
  return value;
}

function plain(value: StoreValue): unknown {
  switch (value.kind) {
    case 'null':
      return null;
    case 'array':
      return value.value.map(plain);
    default:
      return value.value;
  }
}

export class MappingHost {
  readonly store = new Map<string, Map<string, Map<string, StoreValue>>>();
  readonly logs: { level: string; message: string }[] = [];
  readonly calls: ContractCall[] = [];
  readonly createdTemplates: { name: string; params: string[] }[] = [];
  onCall: CallHandler = () => null;

  private readonly exports: Record<string, unknown>;
  private readonly memory: WebAssembly.Memory;

  constructor(wasmFile: string) {
    const module = new WebAssembly.Module(readFileSync(wasmFile));
    const instance = new WebAssembly.Instance(module, this.imports());
    this.exports = instance.exports as Record<string, unknown>;
    this.memory = this.exports.memory as WebAssembly.Memory;
    (this.exports._start as () => void)();
  }

  entity(type: string, id: string): Fields | undefined {
    const stored = this.store.get(type)?.get(id);
    if (stored === undefined) return undefined;
    return Object.fromEntries([...stored].map(([k, v]) => [k, plain(v)]));
  }

  entities(type: string): Fields[] {
    return [...(this.store.get(type)?.keys() ?? [])].map((id) => this.entity(type, id) as Fields);
  }

  warnings(): string[] {
    return this.logs.filter((l) => l.level === 'warning' || l.level === 'error').map((l) => l.message);
  }

  run(handler: string, event: TestEvent): void {
    const fn = this.exports[handler] as ((ptr: number) => void) | undefined;
    if (fn === undefined) throw new Error(`wasm exports no ${handler}`);
    fn(this.newEvent(event));
  }

  // ---- memory ----

  private view(): DataView {
    return new DataView(this.memory.buffer);
  }

  private typeId(name: string): number {
    const global = this.exports[`TypeId.${name}`] as WebAssembly.Global;
    return (this.exports.id_of_type as (t: number) => number)(global.value as number);
  }

  private alloc(size: number, type: string): number {
    return (this.exports.__new as (size: number, id: number) => number)(size, this.typeId(type));
  }

  private u32(ptr: number, offset = 0): number {
    return this.view().getUint32(ptr + offset, true);
  }

  private setU32(ptr: number, offset: number, value: number): void {
    this.view().setUint32(ptr + offset, value, true);
  }

  private readString(ptr: number): string {
    const length = this.u32(ptr, -4);
    return Buffer.from(new Uint8Array(this.memory.buffer, ptr, length)).toString('utf16le');
  }

  private newString(text: string): number {
    const encoded = Buffer.from(text, 'utf16le');
    const ptr = this.alloc(encoded.length, 'String');
    new Uint8Array(this.memory.buffer, ptr, encoded.length).set(encoded);
    return ptr;
  }

  private readBytes(ptr: number): Uint8Array {
    const dataStart = this.u32(ptr, 4);
    const length = this.u32(ptr, 8);
    return new Uint8Array(this.memory.buffer.slice(dataStart, dataStart + length));
  }

  private newBytes(bytes: Uint8Array): number {
    const buffer = this.alloc(bytes.length, 'ArrayBuffer');
    new Uint8Array(this.memory.buffer, buffer, bytes.length).set(bytes);
    const ptr = this.alloc(12, 'Uint8Array');
    this.setU32(ptr, 0, buffer);
    this.setU32(ptr, 4, buffer);
    this.setU32(ptr, 8, bytes.length);
    return ptr;
  }

  private readArray(ptr: number): number[] {
    const dataStart = this.u32(ptr, 4);
    const length = this.u32(ptr, 12);
    return Array.from({ length }, (_, i) => this.u32(dataStart, 4 * i));
  }

  private newArray(items: number[], type: string): number {
    const buffer = this.alloc(items.length * 4, 'ArrayBuffer');
    items.forEach((item, i) => this.setU32(buffer, 4 * i, item));
    const ptr = this.alloc(16, type);
    this.setU32(ptr, 0, buffer);
    this.setU32(ptr, 4, buffer);
    this.setU32(ptr, 8, items.length * 4);
    this.setU32(ptr, 12, items.length);
    return ptr;
  }

  private readBigInt(ptr: number): bigint {
    return bytesToBigInt(this.readBytes(ptr));
  }

  private newBigInt(value: bigint): number {
    return this.newBytes(bigIntToBytes(value));
  }

  // A tagged value: { kind: i32 at 0, data: u64 at 8 }.
  private newTagged(kind: number, data: bigint, type: string): number {
    const ptr = this.alloc(16, type);
    this.view().setInt32(ptr, kind, true);
    this.view().setBigUint64(ptr + 8, BigInt.asUintN(64, data), true);
    return ptr;
  }

  // ---- store values ----

  private readStoreValue(ptr: number): StoreValue {
    const kind = this.view().getInt32(ptr, true);
    const data = this.view().getBigUint64(ptr + 8, true);
    const pointer = Number(data & 0xffffffffn);
    switch (kind) {
      case STORE_KIND.string:
        return { kind: 'string', value: this.readString(pointer) };
      case STORE_KIND.int:
        return { kind: 'int', value: Number(BigInt.asIntN(32, data)) };
      case STORE_KIND.bool:
        return { kind: 'bool', value: data !== 0n };
      case STORE_KIND.array:
        return { kind: 'array', value: this.readArray(pointer).map((p) => this.readStoreValue(p)) };
      case STORE_KIND.null:
        return { kind: 'null' };
      case STORE_KIND.bytes:
        return { kind: 'bytes', value: bytesToHex(this.readBytes(pointer)) };
      case STORE_KIND.bigint:
        return { kind: 'bigint', value: this.readBigInt(pointer) };
      case STORE_KIND.int8:
        return { kind: 'int8', value: BigInt.asIntN(64, data) };
      default:
        throw new Error(`store value kind ${kind} not supported by the test host`);
    }
  }

  private newStoreValue(value: StoreValue): number {
    switch (value.kind) {
      case 'string':
        return this.newTagged(STORE_KIND.string, BigInt(this.newString(value.value)), 'StoreValue');
      case 'int':
        return this.newTagged(STORE_KIND.int, BigInt(value.value), 'StoreValue');
      case 'bool':
        return this.newTagged(STORE_KIND.bool, value.value ? 1n : 0n, 'StoreValue');
      case 'array': {
        const items = value.value.map((v) => this.newStoreValue(v));
        return this.newTagged(
          STORE_KIND.array,
          BigInt(this.newArray(items, 'ArrayStoreValue')),
          'StoreValue',
        );
      }
      case 'null':
        return this.newTagged(STORE_KIND.null, 0n, 'StoreValue');
      case 'bytes':
        return this.newTagged(STORE_KIND.bytes, BigInt(this.newBytes(hexToBytes(value.value))), 'StoreValue');
      case 'bigint':
        return this.newTagged(STORE_KIND.bigint, BigInt(this.newBigInt(value.value)), 'StoreValue');
      case 'int8':
        return this.newTagged(STORE_KIND.int8, value.value, 'StoreValue');
    }
  }

  private readEntity(ptr: number): Map<string, StoreValue> {
    const fields = new Map<string, StoreValue>();
    for (const entry of this.readArray(this.u32(ptr, 0))) {
      fields.set(this.readString(this.u32(entry, 0)), this.readStoreValue(this.u32(entry, 4)));
    }
    return fields;
  }

  private newEntity(fields: Map<string, StoreValue>): number {
    const entries = [...fields].map(([key, value]) => {
      const entry = this.alloc(8, 'TypedMapEntryStringStoreValue');
      this.setU32(entry, 0, this.newString(key));
      this.setU32(entry, 4, this.newStoreValue(value));
      return entry;
    });
    const map = this.alloc(4, 'TypedMapStringStoreValue');
    this.setU32(map, 0, this.newArray(entries, 'ArrayTypedMapEntryStringStoreValue'));
    return map;
  }

  // ---- ethereum values ----

  private newEthValue(value: EthValue): number {
    const kind = ETH_KIND[value.kind];
    switch (value.kind) {
      case 'address':
      case 'fixedBytes':
      case 'bytes':
        return this.newTagged(kind, BigInt(this.newBytes(hexToBytes(value.value))), 'EthereumValue');
      case 'uint':
      case 'int':
        return this.newTagged(kind, BigInt(this.newBigInt(value.value)), 'EthereumValue');
      case 'bool':
        return this.newTagged(kind, value.value ? 1n : 0n, 'EthereumValue');
      case 'string':
        return this.newTagged(kind, BigInt(this.newString(value.value)), 'EthereumValue');
      case 'array':
      case 'tuple': {
        const items = value.value.map((v) => this.newEthValue(v));
        return this.newTagged(kind, BigInt(this.newArray(items, 'ArrayEthereumValue')), 'EthereumValue');
      }
    }
  }

  private readEthValue(ptr: number): EthValue {
    const kind = this.view().getInt32(ptr, true);
    const pointer = Number(this.view().getBigUint64(ptr + 8, true) & 0xffffffffn);
    switch (kind) {
      case ETH_KIND.address:
        return { kind: 'address', value: bytesToHex(this.readBytes(pointer)) };
      case ETH_KIND.fixedBytes:
        return { kind: 'fixedBytes', value: bytesToHex(this.readBytes(pointer)) };
      case ETH_KIND.uint:
        return { kind: 'uint', value: this.readBigInt(pointer) };
      case ETH_KIND.int:
        return { kind: 'int', value: this.readBigInt(pointer) };
      case ETH_KIND.bool:
        return { kind: 'bool', value: pointer !== 0 };
      default:
        throw new Error(`ethereum value kind ${kind} not supported as a call parameter by the test host`);
    }
  }

  private newEvent(event: TestEvent): number {
    const zero32 = () => this.newBytes(new Uint8Array(32));
    const zeroBig = () => this.newBigInt(0n);
    const block = this.alloc(60, 'EthereumBlock');
    const blockFields = [
      this.newBytes(hexToBytes(event.block.number.toString(16).padStart(64, '0'))),
      zero32(),
      zero32(),
      this.newBytes(new Uint8Array(20)),
      zero32(),
      zero32(),
      zero32(),
      this.newBigInt(event.block.number),
      zeroBig(),
      zeroBig(),
      this.newBigInt(event.block.timestamp),
      zeroBig(),
      zeroBig(),
      0,
      0,
    ];
    blockFields.forEach((p, i) => this.setU32(block, 4 * i, p));
    const tx = this.alloc(36, 'EthereumTransaction');
    const txFields = [
      this.newBytes(hexToBytes(event.txHash)),
      zeroBig(),
      this.newBytes(new Uint8Array(20)),
      0,
      zeroBig(),
      zeroBig(),
      zeroBig(),
      this.newBytes(new Uint8Array(0)),
      zeroBig(),
    ];
    txFields.forEach((p, i) => this.setU32(tx, 4 * i, p));
    const params = event.params.map(({ name, value }) => {
      const param = this.alloc(8, 'EventParam');
      this.setU32(param, 0, this.newString(name));
      this.setU32(param, 4, this.newEthValue(value));
      return param;
    });
    const ptr = this.alloc(32, 'EthereumEvent');
    const fields = [
      this.newBytes(hexToBytes(event.address)),
      this.newBigInt(BigInt(event.logIndex)),
      this.newBigInt(BigInt(event.logIndex)),
      0,
      block,
      tx,
      this.newArray(params, 'ArrayEventParam'),
      0,
    ];
    fields.forEach((p, i) => this.setU32(ptr, 4 * i, p));
    return ptr;
  }

  // ---- host functions ----

  private imports(): WebAssembly.Imports {
    const big = (f: (a: bigint, b: bigint) => bigint) => (x: number, y: number) =>
      this.newBigInt(f(this.readBigInt(x), this.readBigInt(y)));
    return {
      env: {
        abort: (msg: number, file: number, line: number, column: number) => {
          const text = msg ? this.readString(msg) : 'abort';
          const where = file ? this.readString(file) : '?';
          throw new Error(`wasm abort: ${text} at ${where}:${line}:${column}`);
        },
      },
      numbers: {
        'bigInt.plus': big((a, b) => a + b),
        'bigInt.minus': big((a, b) => a - b),
        'bigInt.times': big((a, b) => a * b),
        'bigInt.dividedBy': big((a, b) => {
          if (b === 0n) throw new Error('BigInt division by zero');
          return a / b;
        }),
        'bigInt.mod': big((a, b) => a % b),
        'bigInt.bitAnd': big((a, b) => a & b),
        'bigInt.bitOr': big((a, b) => a | b),
        'bigInt.leftShift': (x: number, bits: number) => this.newBigInt(this.readBigInt(x) << BigInt(bits)),
        'bigInt.rightShift': (x: number, bits: number) => this.newBigInt(this.readBigInt(x) >> BigInt(bits)),
        'bigInt.pow': (x: number, exp: number) => this.newBigInt(this.readBigInt(x) ** BigInt(exp)),
        'bigDecimal.toString': () => this.newString('<BigDecimal>'),
      },
      conversion: {
        'typeConversion.bigIntToString': (x: number) => this.newString(this.readBigInt(x).toString()),
        'typeConversion.bytesToHex': (x: number) => this.newString(bytesToHex(this.readBytes(x))),
      },
      index: {
        'store.get': (type: number, id: number) => {
          const fields = this.store.get(this.readString(type))?.get(this.readString(id));
          return fields === undefined ? 0 : this.newEntity(fields);
        },
        'store.set': (type: number, id: number, data: number) => {
          const typeName = this.readString(type);
          const fields = this.readEntity(data);
          if (!this.store.has(typeName)) this.store.set(typeName, new Map());
          this.store.get(typeName)?.set(this.readString(id), fields);
        },
        'store.remove': (type: number, id: number) => {
          this.store.get(this.readString(type))?.delete(this.readString(id));
        },
        'log.log': (level: number, msg: number) => {
          const entry = { level: LOG_LEVELS[level] ?? String(level), message: this.readString(msg) };
          this.logs.push(entry);
          if (entry.level === 'critical') throw new Error(`log.critical: ${entry.message}`);
        },
      },
      ethereum: {
        'ethereum.call': (ptr: number) => {
          const call: ContractCall = {
            contract: this.readString(this.u32(ptr, 0)),
            address: bytesToHex(this.readBytes(this.u32(ptr, 4))),
            fn: this.readString(this.u32(ptr, 8)),
            signature: this.readString(this.u32(ptr, 12)),
            params: this.readArray(this.u32(ptr, 16)).map((p) => this.readEthValue(p)),
          };
          this.calls.push(call);
          const result = this.onCall(call);
          if (result === null) return 0;
          return this.newArray(
            result.map((v) => this.newEthValue(v)),
            'ArrayEthereumValue',
          );
        },
      },
      datasource: {
        'dataSource.create': (name: number, params: number) => {
          this.createdTemplates.push({
            name: this.readString(name),
            params: this.readArray(params).map((p) => this.readString(p)),
          });
        },
      },
    };
  }
}
