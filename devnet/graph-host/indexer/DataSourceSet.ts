import type { EntityData } from '../store/types.js';
import type { CreatedDataSource, DataSourceInstance } from '../runtime/HostContext.js';
import type { EventHandlerSpec, LoadedSubgraph, TemplateSpec } from '../runtime/loadSubgraph.js';
import type { RpcLog } from '../runtime/rpcTypes.js';

export interface TriggerMatch {
  dataSource: DataSourceInstance;
  handler: EventHandlerSpec;
}

/** A data source created from a template: kept with its creation block so a revert can drop it. */
export interface DynamicDataSource {
  template: string;
  address: string;
  params: string[];
  context: EntityData | undefined;
  createdAtBlock: number;
}

function sameContext(a: EntityData | undefined, b: EntityData | undefined): boolean {
  const text = (c: EntityData | undefined) =>
    c === undefined
      ? ''
      : JSON.stringify([...c], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return text(a) === text(b);
}

/**
 * The manifest's data sources plus those created from templates, in graph-node's host order (manifest
 * order, then creation order). Templates created in block N also run on block N's logs (graph-node reprocesses
 * the block for them); the indexer does that through `add`.
 */
export class DataSourceSet {
  private readonly statics: DataSourceInstance[];
  private readonly endBlocks: (number | undefined)[];
  private readonly templates: Map<string, TemplateSpec>;
  private readonly dynamic: { record: DynamicDataSource; instance: DataSourceInstance }[] = [];
  /** Every topic0 a manifest data source or a template handles: the eth_getLogs filter. */
  readonly topics: string[];

  constructor(subgraph: LoadedSubgraph) {
    this.statics = subgraph.dataSources.map((ds) => ({
      name: ds.name,
      address: ds.address,
      network: ds.network,
      context: ds.context,
      mapping: ds.mapping,
      template: undefined,
      startBlock: ds.startBlock,
    }));
    this.endBlocks = subgraph.dataSources.map((ds) => ds.endBlock);
    this.templates = new Map(subgraph.templates.map((t) => [t.name, t]));
    const topics = new Set<string>();
    for (const mapping of [...subgraph.dataSources, ...subgraph.templates].map((d) => d.mapping)) {
      for (const handler of mapping.eventHandlers) topics.add(handler.topic0);
    }
    this.topics = [...topics];
  }

  /** The first block any manifest data source reads. */
  get firstBlock(): number {
    return Math.min(...this.statics.map((ds) => ds.startBlock));
  }

  /** Data sources created from templates, oldest first (a snapshot). */
  dynamicDataSources(): DynamicDataSource[] {
    return this.dynamic.map((d) => ({ ...d.record }));
  }

  /** Handlers that run for `log` in block `blockNumber`, in host order. */
  matches(log: RpcLog, blockNumber: number): TriggerMatch[] {
    const address = log.address.toLowerCase();
    const out: TriggerMatch[] = [];
    this.statics.forEach((ds, i) => {
      const end = this.endBlocks[i];
      if (ds.address !== address || blockNumber < ds.startBlock || (end !== undefined && blockNumber > end))
        return;
      const handler = handlerFor(ds, log);
      if (handler) out.push({ dataSource: ds, handler });
    });
    for (const { instance } of this.dynamic) {
      if (instance.address !== address || instance.startBlock > blockNumber) continue;
      const handler = handlerFor(instance, log);
      if (handler) out.push({ dataSource: instance, handler });
    }
    return out;
  }

  /**
   * Adds data sources created in block `blockNumber` and returns the new instances. Like graph-node, an
   * identical data source (same template, address and context) is not added twice.
   */
  add(created: readonly CreatedDataSource[], blockNumber: number): DataSourceInstance[] {
    const added: DataSourceInstance[] = [];
    for (const c of created) {
      const template = this.templates.get(c.template);
      if (!template) throw new Error(`no template ${c.template}`);
      const exists = this.dynamic.some(
        ({ record }) =>
          record.template === c.template &&
          record.address === c.address &&
          sameContext(record.context, c.context),
      );
      if (exists) continue;
      const instance: DataSourceInstance = {
        name: template.name,
        address: c.address,
        network: template.network,
        context: c.context,
        mapping: template.mapping,
        template: template.name,
        startBlock: blockNumber,
      };
      this.dynamic.push({
        record: {
          template: c.template,
          address: c.address,
          params: c.params,
          context: c.context,
          createdAtBlock: blockNumber,
        },
        instance,
      });
      added.push(instance);
    }
    return added;
  }

  /** Forgets data sources created after `blockNumber` (a reorg, or an aborted block). */
  revertTo(blockNumber: number): void {
    for (let i = this.dynamic.length - 1; i >= 0; i--) {
      if ((this.dynamic[i]?.record.createdAtBlock ?? -1) > blockNumber) this.dynamic.splice(i, 1);
    }
  }
}

/** graph-node takes the first handler whose event matches (topic0, topic count, topic filters). */
export function handlerFor(ds: DataSourceInstance, log: RpcLog): EventHandlerSpec | undefined {
  const topic0 = log.topics[0]?.toLowerCase();
  return ds.mapping.eventHandlers.find((handler) => {
    if (handler.topic0 !== topic0) return false;
    const indexed = handler.fragment.inputs.filter((input) => input.indexed).length;
    if (log.topics.length !== indexed + 1) return false;
    return handler.topicFilters.every((accepted, i) => {
      const topic = log.topics[i + 1]?.toLowerCase();
      return accepted === undefined || (topic !== undefined && accepted.includes(topic));
    });
  });
}
