import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGraphQLServer } from './graphql/startGraphQLServer.js';
import { GraphHostError } from './GraphHostError.js';
import { ChainSource } from './indexer/ChainSource.js';
import { Indexer, type IndexerLogEntry } from './indexer/Indexer.js';
import { JsonRpcClient } from './indexer/JsonRpcClient.js';
import type { MappingLogEntry } from './runtime/HostContext.js';
import { loadSubgraph, type LoadedSubgraph } from './runtime/loadSubgraph.js';
import { MappingRuntime } from './runtime/MappingRuntime.js';
import { RpcChainAccess } from './runtime/RpcChainAccess.js';
import { SyncRpc } from './runtime/SyncRpc.js';
import { MemoryEntityStore } from './store/MemoryEntityStore.js';
import { SubgraphSchema } from './store/SubgraphSchema.js';

/** `subgraph/build` of this repository: what `npm run subgraph:build` writes. */
export const DEFAULT_BUILD_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'subgraph',
  'build',
);

/** Networks whose chain id is fixed; a devnet's is whatever it was started with. */
const PUBLIC_CHAIN_IDS: Readonly<Record<string, number>> = { mainnet: 1, sepolia: 11_155_111 };

/**
 * A manifest built for another deployment indexes nothing and looks like an empty market: say so at start.
 * (Not an error: a data source may start at a block the chain has not reached.)
 */
async function warnAboutMissingCode(
  subgraph: LoadedSubgraph,
  source: ChainSource,
  log: GraphHostOptions['log'],
): Promise<void> {
  const codes = await source.rpc.batch<string>(
    subgraph.dataSources.map((ds) => ({ method: 'eth_getCode', params: [ds.address, 'latest'] })),
  );
  subgraph.dataSources.forEach((ds, i) => {
    if (codes[i] === '0x') {
      log?.({
        level: 'warn',
        message: `no contract at ${ds.address} (data source ${ds.name} of ${subgraph.manifestFile}) yet: was the subgraph built for this deployment?`,
      });
    }
  });
}

export interface GraphHostOptions {
  rpcUrl: string;
  chainId: number;
  /** A graph-cli build directory (subgraph.yaml, schema, WASM, ABIs). */
  buildDir?: string;
  subgraphName?: string;
  /** The deployment id to report (graph-node's is the manifest's IPFS hash); default: hashed from the build. */
  deploymentId?: string;
  pollIntervalMs?: number;
  /** GraphQL server address; port 0 (the default) picks a free one. */
  port?: number;
  host?: string;
  /** Per-request RPC timeout; handler eth_calls block the thread for at most this long. */
  rpcTimeoutMs?: number;
  /** Backoff after a node failure: doubles from the first delay up to the cap. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /**
   * Answers this many blocks behind the chain head, like a hosted subgraph that lags: indexing is held at
   * head − lagBlocks, so `_meta.block`, every query, and graph-node's "not yet indexed" error for a block past
   * it follow. Default 0. `indexer.setLagBlocks` changes it while running.
   */
  lagBlocks?: number;
  log?: (entry: IndexerLogEntry) => void;
  onMappingLog?: (entry: MappingLogEntry) => void;
}

export interface GraphHost {
  /** The GraphQL endpoint of the subgraph (graph-node's `/subgraphs/name/<name>`). */
  url: string;
  subgraph: LoadedSubgraph;
  store: MemoryEntityStore;
  indexer: Indexer;
  /** Stops indexing, the server and the RPC worker; idempotent. */
  stop(): Promise<void>;
}

/**
 * Runs the built subgraph against a chain the way graph-node would and serves it over graph-node's GraphQL
 * API. Everything is checked before indexing starts (the build, the schema, the node and its chain id), so a
 * wrong setup fails here, by name, rather than as an empty subgraph later.
 */
export async function startGraphHost(options: GraphHostOptions): Promise<GraphHost> {
  const subgraph = loadSubgraph(options.buildDir ?? DEFAULT_BUILD_DIR);
  let schema: SubgraphSchema;
  try {
    schema = SubgraphSchema.parse(subgraph.schemaText);
  } catch (cause) {
    throw new GraphHostError(
      `${subgraph.schemaFile}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
  const store = new MemoryEntityStore(schema);
  const source = new ChainSource(new JsonRpcClient(options.rpcUrl, { timeoutMs: options.rpcTimeoutMs }));
  let chainId: number;
  try {
    chainId = await source.chainId();
  } catch (cause) {
    throw new GraphHostError(`cannot reach the RPC at ${options.rpcUrl}: ${(cause as Error).message}`, {
      cause,
    });
  }
  if (chainId !== options.chainId) {
    throw new GraphHostError(
      `wrong chain at ${options.rpcUrl}: expected chain id ${options.chainId}, the node says ${chainId}`,
    );
  }
  for (const ds of subgraph.dataSources) {
    const expected = PUBLIC_CHAIN_IDS[ds.network];
    if (expected !== undefined && expected !== chainId) {
      throw new GraphHostError(
        `${subgraph.manifestFile}: data source ${ds.name} is for ${ds.network} (chain id ${expected}), the node is chain ${chainId}`,
      );
    }
  }
  await warnAboutMissingCode(subgraph, source, options.log);
  const syncRpc = new SyncRpc(options.rpcUrl, { timeoutMs: options.rpcTimeoutMs });
  const runtime = new MappingRuntime({
    subgraph,
    store,
    chain: new RpcChainAccess(syncRpc),
    onLog: options.onMappingLog,
  });
  const indexer = new Indexer({
    subgraph,
    store,
    runtime,
    source,
    pollIntervalMs: options.pollIntervalMs,
    retryInitialMs: options.retryInitialMs,
    retryMaxMs: options.retryMaxMs,
    lagBlocks: options.lagBlocks,
    log: options.log,
  });
  let server;
  try {
    server = await startGraphQLServer({
      store,
      schemaText: subgraph.schemaText,
      subgraphName: options.subgraphName ?? 'dex223/margin',
      deployment: options.deploymentId ?? subgraph.deploymentId,
      port: options.port,
      host: options.host,
    });
  } catch (cause) {
    await syncRpc.close();
    throw new GraphHostError(`cannot start the GraphQL server: ${(cause as Error).message}`, { cause });
  }
  indexer.start();
  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    subgraph,
    store,
    indexer,
    stop: () =>
      (stopped ??= (async () => {
        await indexer.stop();
        await server.close();
        await syncRpc.close();
      })()),
  };
}
