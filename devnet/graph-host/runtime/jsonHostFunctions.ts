import type { AscHeap } from './AscHeap.js';
import { newBigInt } from './entityCodec.js';
import type { HostContext, HostFunction } from './HostContext.js';
import { MappingFailure } from './MappingFailure.js';
import { parseJsonText, type JsonNode } from './parseJsonText.js';

/** graph-ts `JSONValueKind`. */
const KIND = { null: 0, bool: 1, number: 2, string: 3, array: 4, object: 5 } as const;

function newJsonValue(heap: AscHeap, node: JsonNode): number {
  const tagged = (payload: number) => heap.newTagged(KIND[node.kind], BigInt(payload), 'JsonValue');
  switch (node.kind) {
    case 'null':
      return tagged(0);
    case 'bool':
      return tagged(node.value ? 1 : 0);
    case 'number':
      return tagged(heap.newString(node.text));
    case 'string':
      return tagged(heap.newString(node.value));
    case 'array':
      return tagged(
        heap.newPointerArray(
          node.items.map((item) => newJsonValue(heap, item)),
          'ArrayJsonValue',
        ),
      );
    case 'object': {
      const entries = node.entries.map(([key, value]) =>
        heap.newPointerObject(
          [heap.newString(key), newJsonValue(heap, value)],
          'TypedMapEntryStringJsonValue',
        ),
      );
      const array = heap.newPointerArray(entries, 'ArrayTypedMapEntryStringJsonValue');
      return tagged(heap.newPointerObject([array], 'TypedMapStringJsonValue'));
    }
  }
}

function integer(text: string, bits: 64, signed: boolean): bigint {
  const valid = signed ? /^-?\d+$/ : /^\d+$/;
  const value = valid.test(text) ? BigInt(text) : undefined;
  const fits =
    value !== undefined &&
    (signed ? BigInt.asIntN(bits, value) === value : BigInt.asUintN(bits, value) === value);
  if (!fits)
    throw new MappingFailure(`JSON number \`${text}\` cannot be parsed as ${signed ? 'i' : 'u'}${bits}`);
  return value;
}

export function jsonHostFunctions(ctx: HostContext): Record<string, HostFunction> {
  const parse = (bytesPtr: number): JsonNode => {
    const text = Buffer.from(ctx.heap().readBytes(bytesPtr)).toString('utf8');
    return parseJsonText(text);
  };
  const text = (ptr: number) => ctx.heap().readString(ptr);
  return {
    'json.fromBytes': (bytesPtr: number) => {
      let node: JsonNode;
      try {
        node = parse(bytesPtr);
      } catch (cause) {
        throw new MappingFailure(
          `json.fromBytes: ${cause instanceof Error ? cause.message : String(cause)}`,
          {
            cause,
          },
        );
      }
      return newJsonValue(ctx.heap(), node);
    },
    // Result<JSONValue, bool> = { _value: Wrapped<JSONValue> | null, _error: Wrapped<bool> | null }.
    'json.try_fromBytes': (bytesPtr: number) => {
      const heap = ctx.heap();
      let node: JsonNode | undefined;
      try {
        node = parse(bytesPtr);
      } catch {
        node = undefined;
      }
      if (node === undefined) {
        const error = heap.allocate(4, 'WrappedBool');
        heap.setU8(error, 1);
        return heap.newPointerObject([0, error], 'ResultJsonValueBool');
      }
      const value = heap.newPointerObject([newJsonValue(heap, node)], 'WrappedJsonValue');
      return heap.newPointerObject([value, 0], 'ResultJsonValueBool');
    },
    'json.toI64': (ptr: number) => integer(text(ptr), 64, true),
    'json.toU64': (ptr: number) => BigInt.asIntN(64, integer(text(ptr), 64, false)),
    'json.toF64': (ptr: number) => {
      const value = Number(text(ptr));
      if (Number.isNaN(value))
        throw new MappingFailure(`JSON number \`${text(ptr)}\` cannot be parsed as f64`);
      return value;
    },
    'json.toBigInt': (ptr: number) => {
      const digits = text(ptr);
      if (!/^-?\d+$/.test(digits))
        throw new MappingFailure(`JSON number \`${digits}\` cannot be parsed as BigInt`);
      return newBigInt(ctx.heap(), BigInt(digits));
    },
  };
}
