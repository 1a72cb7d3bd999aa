import { StoreError, type EntityData } from '../store/types.js';
import { newEntity, readEntity } from './entityCodec.js';
import type { HostContext, HostFunction } from './HostContext.js';
import { MappingFailure } from './MappingFailure.js';

/** Store errors are the mapping's fault (unknown type, missing field, wrong type): deterministic. */
function storeCall<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof StoreError) throw new MappingFailure(`${what}: ${error.message}`, { cause: error });
    throw error;
  }
}

export function storeHostFunctions(ctx: HostContext): Record<string, HostFunction> {
  const text = (ptr: number) => ctx.heap().readString(ptr);
  const entityOrNull = (data: EntityData | undefined) =>
    data === undefined ? 0 : newEntity(ctx.heap(), data);
  return {
    'store.get': (typePtr: number, idPtr: number) => {
      const [type, id] = [text(typePtr), text(idPtr)];
      return entityOrNull(storeCall(`store.get(${type}, ${id})`, () => ctx.store.get(type, id)));
    },
    'store.get_in_block': (typePtr: number, idPtr: number) => {
      const [type, id] = [text(typePtr), text(idPtr)];
      return entityOrNull(
        storeCall(`store.get_in_block(${type}, ${id})`, () => ctx.store.getInBlock(type, id)),
      );
    },
    'store.loadRelated': (typePtr: number, idPtr: number, fieldPtr: number) => {
      const [type, id, field] = [text(typePtr), text(idPtr), text(fieldPtr)];
      const related = storeCall(`store.loadRelated(${type}, ${id}, ${field})`, () =>
        ctx.store.loadRelated(type, id, field),
      );
      const heap = ctx.heap();
      return heap.newPointerArray(
        related.map((data) => newEntity(heap, data)),
        'ArrayTypedMapEntryStringStoreValue',
      );
    },
    // The store merges the fields into the latest version and checks the id, as graph-node does.
    'store.set': (typePtr: number, idPtr: number, dataPtr: number) => {
      const [type, id] = [text(typePtr), text(idPtr)];
      const data = readEntity(ctx.heap(), dataPtr);
      storeCall(`store.set(${type}, ${id})`, () => ctx.store.set(type, id, data));
    },
    'store.remove': (typePtr: number, idPtr: number) => {
      const [type, id] = [text(typePtr), text(idPtr)];
      storeCall(`store.remove(${type}, ${id})`, () => ctx.store.remove(type, id));
    },
  };
}
