import { allHostFunctions } from './allHostFunctions.js';
import type { EntityStore } from '../store/types.js';
import { AscHeap, type AscExports } from './AscHeap.js';
import type {
  ChainAccess,
  CreatedDataSource,
  DataSourceInstance,
  HostContext,
  HostFunction,
  MappingLogEntry,
} from './HostContext.js';
import type { EventHandlerSpec, LoadedSubgraph } from './loadSubgraph.js';
import { MappingFailure } from './MappingFailure.js';
import { decodeEventParams, newEthereumEvent, type EventParam } from './newEthereumEvent.js';
import { RpcError } from './RpcError.js';
import type { RpcBlock, RpcLog, RpcTransaction } from './rpcTypes.js';

export interface EventTrigger {
  dataSource: DataSourceInstance;
  handler: EventHandlerSpec;
  log: RpcLog;
  block: RpcBlock;
  transaction: RpcTransaction;
}

export interface MappingRuntimeOptions {
  subgraph: Pick<LoadedSubgraph, 'templates'>;
  store: EntityStore;
  chain: ChainAccess;
  onLog?: (entry: MappingLogEntry) => void;
}

function describe(trigger: EventTrigger): string {
  return (
    `${trigger.handler.handler} of ${trigger.dataSource.name} at block ${Number(trigger.block.number)} ` +
    `(log ${Number(trigger.log.logIndex)} of tx ${trigger.log.transactionHash})`
  );
}

/**
 * Runs compiled AssemblyScript handlers the way graph-node does: each trigger gets a fresh instance of its
 * module (so module globals never leak between triggers and the stub runtime's never-freed heap is dropped),
 * `_start` runs first, the event is written into the instance's memory, and the host functions read and
 * write the entity store and the chain at the trigger's block.
 */
export class MappingRuntime {
  private readonly templates;

  constructor(private readonly options: MappingRuntimeOptions) {
    this.templates = new Map(options.subgraph.templates.map((t) => [t.name, t]));
  }

  /** Runs one event handler; returns the data sources it created. Throws MappingFailure or RpcError. */
  runEvent(trigger: EventTrigger): CreatedDataSource[] {
    let params: EventParam[];
    try {
      params = decodeEventParams(trigger.handler.fragment, trigger.log);
    } catch (cause) {
      throw new MappingFailure(`cannot decode the event for ${describe(trigger)}: ${String(cause)}`, {
        cause,
      });
    }
    let heap: AscHeap | undefined;
    const blockNumber = Number(trigger.block.number);
    const ctx: HostContext = {
      heap: () => {
        if (heap === undefined)
          throw new MappingFailure('a host function was called before the module was ready');
        return heap;
      },
      store: this.options.store,
      chain: this.options.chain,
      block: { number: blockNumber, hash: trigger.block.hash },
      dataSource: trigger.dataSource,
      handler: trigger.handler.handler,
      templates: this.templates,
      created: [],
      log: (level, message) =>
        this.options.onLog?.({
          level,
          message,
          dataSource: trigger.dataSource.name,
          handler: trigger.handler.handler,
          blockNumber,
        }),
    };
    const module = trigger.dataSource.mapping.module;
    try {
      const instance = new WebAssembly.Instance(module, linkHostFunctions(module, ctx));
      heap = new AscHeap(instance.exports as unknown as AscExports);
      const start = instance.exports._start as (() => void) | undefined;
      start?.();
      const event = newEthereumEvent(heap, trigger.log, params, trigger.block, trigger.transaction);
      (instance.exports[trigger.handler.handler] as (eventPtr: number) => void)(event);
    } catch (error) {
      if (error instanceof RpcError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new MappingFailure(`${describe(trigger)} failed: ${message}`, {
        cause: error,
        details: { handler: trigger.handler.handler, dataSource: trigger.dataSource.name, blockNumber },
      });
    }
    return ctx.created;
  }
}

const importsOfModule = new WeakMap<WebAssembly.Module, WebAssembly.ModuleImportDescriptor[]>();

/** graph-node links by function name whatever the import's module name; so does this. */
function linkHostFunctions(module: WebAssembly.Module, ctx: HostContext): WebAssembly.Imports {
  let descriptors = importsOfModule.get(module);
  if (descriptors === undefined) {
    descriptors = WebAssembly.Module.imports(module).filter((d) => d.kind === 'function');
    importsOfModule.set(module, descriptors);
  }
  const functions: Record<string, HostFunction> = allHostFunctions(ctx);
  const imports: Record<string, Record<string, HostFunction>> = {};
  for (const { module: namespace, name } of descriptors) {
    const fn = functions[name];
    if (fn === undefined)
      throw new MappingFailure(`the module imports ${namespace}.${name}, which this host lacks`);
    (imports[namespace] ??= {})[name] = fn;
  }
  return imports as WebAssembly.Imports;
}
