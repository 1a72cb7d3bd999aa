import type { Interface } from 'ethers';
import type {
  ChainAccess,
  CreatedDataSource,
  DataSourceInstance,
  MappingLogEntry,
} from '../../devnet/graph-host/runtime/HostContext.js';
import { loadSubgraph, type LoadedSubgraph } from '../../devnet/graph-host/runtime/loadSubgraph.js';
import { MappingRuntime } from '../../devnet/graph-host/runtime/MappingRuntime.js';
import { MemoryEntityStore } from '../../devnet/graph-host/store/MemoryEntityStore.js';
import { SubgraphSchema } from '../../devnet/graph-host/store/SubgraphSchema.js';
import type { StoreValue } from '../../devnet/graph-host/store/types.js';
import { blockHash, type TestEvent } from './EventFactory.js';

export type Fields = Record<string, unknown>;

export interface ContractCall {
  address: string;
  fn: string;
  args: unknown[];
}

/** Plays a contract: the outputs of `fn` (ethers values, tuples as arrays), or null for a revert. */
export type CallHandler = (call: ContractCall) => unknown[] | null;

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

/**
 * The graph host's own runtime and store, driven event by event: each `run` is one store block (the event's
 * block number is only what the handler sees), and `ethereum.call` is answered by `onCall` through the ABI,
 * so encoding and decoding are the host's real code paths.
 */
export class SubgraphTestHost {
  readonly store: MemoryEntityStore;
  readonly logs: MappingLogEntry[] = [];
  readonly calls: ContractCall[] = [];
  readonly created: CreatedDataSource[] = [];
  onCall: CallHandler = () => null;
  private readonly runtime: MappingRuntime;
  private storeBlock = 0;

  constructor(
    private readonly subgraph: LoadedSubgraph,
    store?: MemoryEntityStore,
  ) {
    this.store = store ?? new MemoryEntityStore(SubgraphSchema.parse(subgraph.schemaText));
    this.storeBlock = this.store.head()?.number ?? 0;
    this.runtime = new MappingRuntime({
      subgraph,
      store: this.store,
      chain: this.chain(),
      onLog: (entry) => this.logs.push(entry),
    });
  }

  static load(buildDir: string): SubgraphTestHost {
    return new SubgraphTestHost(loadSubgraph(buildDir));
  }

  /** A second host (another data source's module) on the same store. */
  sharingStore(): SubgraphTestHost {
    return new SubgraphTestHost(this.subgraph, this.store);
  }

  /** Runs `event` through the handler that `dataSource` (a manifest data source or template) has for it. */
  run(dataSource: string, event: TestEvent): void {
    const instance = this.instance(dataSource, event.log.address);
    const handler = instance.mapping.eventHandlers.find((h) => h.topic0 === event.log.topics[0]);
    if (!handler) throw new Error(`${dataSource} has no handler for topic ${event.log.topics[0]}`);
    this.inBlock(() => {
      this.created.push(...this.runtime.runEvent({ dataSource: instance, handler, ...event }));
    });
  }

  remove(entityType: string, id: string): void {
    this.inBlock(() => this.store.remove(entityType, id));
  }

  entity(entityType: string, id: string): Fields | undefined {
    const data = this.store.get(entityType, id);
    return data && Object.fromEntries([...data].map(([k, v]) => [k, plain(v)]));
  }

  entities(entityType: string): Fields[] {
    const head = this.store.head();
    if (!head) return [];
    return [...this.store.scanAt(entityType, head.number)].map((version) =>
      Object.fromEntries([...version.data].map(([k, v]) => [k, plain(v)])),
    );
  }

  warnings(): string[] {
    return this.logs.filter((l) => l.level === 'warning' || l.level === 'error').map((l) => l.message);
  }

  private inBlock(work: () => void): void {
    this.storeBlock += 1;
    const n = BigInt(this.storeBlock);
    this.store.beginBlock({
      number: this.storeBlock,
      hash: blockHash(n),
      parentHash: blockHash(n - 1n),
      timestampSec: this.storeBlock,
    });
    try {
      work();
    } catch (error) {
      this.store.abortBlock();
      throw error;
    }
    this.store.commitBlock();
  }

  private instance(name: string, address: string): DataSourceInstance {
    const manifest = this.subgraph.dataSources.find((d) => d.name === name);
    if (manifest) return { ...manifest, address: address.toLowerCase(), template: undefined };
    const template = this.subgraph.templates.find((t) => t.name === name);
    if (!template) throw new Error(`no data source or template ${name}`);
    return {
      name,
      address: address.toLowerCase(),
      network: template.network,
      context: undefined,
      mapping: template.mapping,
      template: name,
      startBlock: 0,
    };
  }

  private chain(): ChainAccess {
    const abis = (): Interface[] => [
      ...this.subgraph.dataSources.flatMap((d) => [...d.mapping.abis.values()]),
      ...this.subgraph.templates.flatMap((t) => [...t.mapping.abis.values()]),
    ];
    return {
      call: (tx) => {
        for (const abi of abis()) {
          const parsed = abi.parseTransaction({ data: tx.data });
          if (!parsed) continue;
          const call = { address: tx.to, fn: parsed.name, args: [...parsed.args] };
          this.calls.push(call);
          const outputs = this.onCall(call);
          return outputs === null ? null : abi.encodeFunctionResult(parsed.fragment, outputs);
        }
        throw new Error(`no ABI knows the call ${tx.data.slice(0, 10)}`);
      },
      getBalance: () => 0n,
      getCode: () => '0x',
    };
  }
}
