import { hexToBytes } from './byteCodecs.js';
import { newEntity, readEntity } from './entityCodec.js';
import type { HostContext, HostFunction } from './HostContext.js';
import { MappingFailure } from './MappingFailure.js';

function create(ctx: HostContext, namePtr: number, paramsPtr: number, contextPtr: number): void {
  const heap = ctx.heap();
  const template = heap.readString(namePtr);
  const params = heap.readPointerArray(paramsPtr).map((p) => heap.readString(p));
  if (!ctx.templates.has(template)) {
    throw new MappingFailure(
      `Failed to create data source from name \`${template}\`: No template with this name in parent data source ` +
        `\`${ctx.dataSource.name}\`. Available names: ${[...ctx.templates.keys()].join(', ')}.`,
    );
  }
  const address = params[0] ?? '';
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) {
    throw new MappingFailure(
      `Failed to create data source ${template}: parameter ${JSON.stringify(address)} is not an address`,
    );
  }
  ctx.created.push({
    template,
    params,
    address: address.toLowerCase(),
    context: contextPtr === 0 ? undefined : readEntity(heap, contextPtr),
  });
}

export function dataSourceHostFunctions(ctx: HostContext): Record<string, HostFunction> {
  return {
    'dataSource.create': (namePtr: number, paramsPtr: number) => create(ctx, namePtr, paramsPtr, 0),
    'dataSource.createWithContext': (namePtr: number, paramsPtr: number, contextPtr: number) =>
      create(ctx, namePtr, paramsPtr, contextPtr),
    'dataSource.address': () => ctx.heap().newBytes(hexToBytes(ctx.dataSource.address)),
    'dataSource.network': () => ctx.heap().newString(ctx.dataSource.network),
    'dataSource.context': () => newEntity(ctx.heap(), ctx.dataSource.context ?? new Map()),
  };
}
