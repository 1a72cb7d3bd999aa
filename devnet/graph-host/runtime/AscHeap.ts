import { AscTypeId, type AscTypeName } from './AscTypeId.js';

/** What a mapping module compiled with `--runtime stub --exportRuntime` exports for the host. */
export interface AscExports {
  memory: WebAssembly.Memory;
  __new(size: number, classId: number): number;
  id_of_type(typeId: number): number;
}

// Every managed object starts after a 20-byte header; the last two words are the class id and the
// payload size, which is how strings and ArrayBuffers carry their length.
const RT_ID_OFFSET = -8;
const RT_SIZE_OFFSET = -4;

/**
 * Reads and writes AssemblyScript 0.19 objects in one instance's linear memory. The stub runtime never frees
 * or moves objects, so pointers stay valid for the instance's life; memory can grow on any allocation,
 * which detaches old views, hence the view is re-taken whenever the buffer changed.
 */
export class AscHeap {
  private view: DataView;
  private bytes: Uint8Array;
  private readonly classIds = new Map<AscTypeName, number>();

  constructor(private readonly exports: AscExports) {
    this.view = new DataView(exports.memory.buffer);
    this.bytes = new Uint8Array(exports.memory.buffer);
  }

  private refresh(): void {
    if (this.view.buffer !== this.exports.memory.buffer) {
      this.view = new DataView(this.exports.memory.buffer);
      this.bytes = new Uint8Array(this.exports.memory.buffer);
    }
  }

  classId(type: AscTypeName): number {
    let id = this.classIds.get(type);
    if (id === undefined) {
      id = this.exports.id_of_type(AscTypeId[type]);
      this.classIds.set(type, id);
    }
    return id;
  }

  allocate(size: number, type: AscTypeName): number {
    const ptr = this.exports.__new(size, this.classId(type));
    this.refresh();
    return ptr;
  }

  // ---- words ----

  u8(ptr: number): number {
    this.refresh();
    return this.view.getUint8(ptr);
  }

  u32(ptr: number): number {
    this.refresh();
    return this.view.getUint32(ptr, true);
  }

  i32(ptr: number): number {
    this.refresh();
    return this.view.getInt32(ptr, true);
  }

  u64(ptr: number): bigint {
    this.refresh();
    return this.view.getBigUint64(ptr, true);
  }

  f64(ptr: number): number {
    this.refresh();
    return this.view.getFloat64(ptr, true);
  }

  setU8(ptr: number, value: number): void {
    this.refresh();
    this.view.setUint8(ptr, value);
  }

  setU32(ptr: number, value: number): void {
    this.refresh();
    this.view.setUint32(ptr, value, true);
  }

  setI32(ptr: number, value: number): void {
    this.refresh();
    this.view.setInt32(ptr, value, true);
  }

  setU64(ptr: number, value: bigint): void {
    this.refresh();
    this.view.setBigUint64(ptr, BigInt.asUintN(64, value), true);
  }

  /** Payload size recorded in the object header. */
  objectSize(ptr: number): number {
    return this.u32(ptr + RT_SIZE_OFFSET);
  }

  objectClassId(ptr: number): number {
    return this.u32(ptr + RT_ID_OFFSET);
  }

  // ---- strings (UTF-16LE, length from the header) ----

  readString(ptr: number): string {
    if (ptr === 0) throw new RangeError('null string pointer');
    const length = this.objectSize(ptr);
    this.refresh();
    return Buffer.from(this.bytes.subarray(ptr, ptr + length)).toString('utf16le');
  }

  newString(text: string): number {
    const encoded = Buffer.from(text, 'utf16le');
    const ptr = this.allocate(encoded.length, 'String');
    this.bytes.set(encoded, ptr);
    return ptr;
  }

  // ---- ArrayBuffer and typed arrays: { buffer, dataStart, byteLength } ----

  newArrayBuffer(data: Uint8Array): number {
    const ptr = this.allocate(data.length, 'ArrayBuffer');
    this.bytes.set(data, ptr);
    return ptr;
  }

  /** A Uint8Array view (also Bytes, Address, BigInt and ByteArray: they add no fields). */
  readBytes(ptr: number): Uint8Array {
    if (ptr === 0) throw new RangeError('null Uint8Array pointer');
    const dataStart = this.u32(ptr + 4);
    const byteLength = this.u32(ptr + 8);
    this.refresh();
    return this.bytes.slice(dataStart, dataStart + byteLength);
  }

  newBytes(data: Uint8Array): number {
    const buffer = this.newArrayBuffer(data);
    const ptr = this.allocate(12, 'Uint8Array');
    this.setU32(ptr, buffer);
    this.setU32(ptr + 4, buffer);
    this.setU32(ptr + 8, data.length);
    return ptr;
  }

  // ---- Array<T>: { buffer, dataStart, byteLength, length } ----

  /** Elements of an array of references (pointers). */
  readPointerArray(ptr: number): number[] {
    if (ptr === 0) throw new RangeError('null Array pointer');
    const dataStart = this.u32(ptr + 4);
    const length = this.i32(ptr + 12);
    const out = new Array<number>(length);
    for (let i = 0; i < length; i++) out[i] = this.u32(dataStart + 4 * i);
    return out;
  }

  newPointerArray(items: readonly number[], type: AscTypeName): number {
    const byteLength = items.length * 4;
    const buffer = this.allocate(byteLength, 'ArrayBuffer');
    items.forEach((item, i) => this.setU32(buffer + 4 * i, item));
    return this.newArrayHeader(buffer, byteLength, items.length, type);
  }

  newBoolArray(items: readonly boolean[]): number {
    const buffer = this.allocate(items.length, 'ArrayBuffer');
    items.forEach((item, i) => this.setU8(buffer + i, item ? 1 : 0));
    return this.newArrayHeader(buffer, items.length, items.length, 'ArrayBool');
  }

  private newArrayHeader(buffer: number, byteLength: number, length: number, type: AscTypeName): number {
    const ptr = this.allocate(16, type);
    this.setU32(ptr, buffer);
    this.setU32(ptr + 4, buffer);
    this.setU32(ptr + 8, byteLength);
    this.setI32(ptr + 12, length);
    return ptr;
  }

  // ---- classes ----

  /** A class whose fields are all 32-bit pointers (or null = 0), in declaration order. */
  newPointerObject(fields: readonly number[], type: AscTypeName): number {
    const ptr = this.allocate(fields.length * 4, type);
    fields.forEach((field, i) => this.setU32(ptr + 4 * i, field));
    return ptr;
  }

  /** graph-ts's tagged values (store Value, ethereum.Value, JSONValue): `kind: i32` at 0, `data: u64` at 8. */
  newTagged(kind: number, payload: bigint, type: AscTypeName): number {
    const ptr = this.allocate(16, type);
    this.setI32(ptr, kind);
    this.setU64(ptr + 8, payload);
    return ptr;
  }

  readTagged(ptr: number): { kind: number; payload: bigint } {
    if (ptr === 0) throw new RangeError('null value pointer');
    return { kind: this.i32(ptr), payload: this.u64(ptr + 8) };
  }
}
