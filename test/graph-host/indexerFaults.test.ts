import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Contract, JsonRpcSigner } from 'ethers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../devnet/chain/freePort.js';
import { Devnet } from '../../devnet/Devnet.js';
import { DEFAULT_BUILD_DIR, startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { GraphHostError } from '../../devnet/graph-host/GraphHostError.js';
import { startGraphQLServer } from '../../devnet/graph-host/graphql/startGraphQLServer.js';
import { ChainSource } from '../../devnet/graph-host/indexer/ChainSource.js';
import { Indexer, type IndexerLogEntry } from '../../devnet/graph-host/indexer/Indexer.js';
import { JsonRpcClient } from '../../devnet/graph-host/indexer/JsonRpcClient.js';
import { loadSubgraph } from '../../devnet/graph-host/runtime/loadSubgraph.js';
import { MappingRuntime } from '../../devnet/graph-host/runtime/MappingRuntime.js';
import { RpcChainAccess } from '../../devnet/graph-host/runtime/RpcChainAccess.js';
import { SyncRpc } from '../../devnet/graph-host/runtime/SyncRpc.js';
import { MemoryEntityStore } from '../../devnet/graph-host/store/MemoryEntityStore.js';
import { SubgraphSchema } from '../../devnet/graph-host/store/SubgraphSchema.js';
import type { EntityData, EntityStore } from '../../devnet/graph-host/store/types.js';
import { createOrder, fundOrder, type CreatedOrder } from '../../devnet/scenario/orders.js';
import { addLiquidity, createPool } from '../../devnet/scenario/pools.js';
import { deployToken, fund, type TestToken } from '../../devnet/scenario/tokens.js';
import { chainSnapshot, comparable, graphqlReader } from './hostParity.js';
import { requireDevnetBuild } from './requireDevnetBuild.js';
import { startFlakyRpcProxy, type FlakyRpcProxy } from './startFlakyRpcProxy.js';

const E18 = 10n ** 18n;
const Q96 = 2n ** 96n;

async function graphql<T>(url: string, query: string): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!body.data) throw new Error(`GraphQL: ${JSON.stringify(body)}`);
  return body.data;
}

interface Meta {
  _meta: { hasIndexingErrors: boolean; block: { number: number; hash: string } };
}
const META = '{ _meta { hasIndexingErrors block { number hash } } }';

describe('a missing or broken build fails at start with the file named', () => {
  const dirs: string[] = [];
  const brokenCopy = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'graph-host-build-'));
    dirs.push(dir);
    cpSync(DEFAULT_BUILD_DIR, dir, { recursive: true });
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('no build at all', () => {
    const dir = path.join(tmpdir(), 'graph-host-no-such-build');
    expect(() => loadSubgraph(dir)).toThrow(
      new RegExp(`${path.join(dir, 'subgraph.yaml')}: built manifest is missing .*npm run subgraph:build`),
    );
  });

  it('a manifest that is not YAML', () => {
    const dir = brokenCopy();
    writeFileSync(path.join(dir, 'subgraph.yaml'), 'dataSources: [\n  - : :\n');
    expect(() => loadSubgraph(dir)).toThrow(`${path.join(dir, 'subgraph.yaml')}: is not valid YAML`);
  });

  it('a corrupt WASM module', () => {
    const dir = brokenCopy();
    const wasm = path.join(dir, 'MarginModule', 'MarginModule.wasm');
    writeFileSync(wasm, Buffer.from('not wasm at all'));
    expect(() => loadSubgraph(dir)).toThrow(`${wasm}: is not a valid WASM module`);
  });

  it('a missing ABI, a missing schema, a handler the module does not export', () => {
    let dir = brokenCopy();
    const abi = path.join(dir, 'Pool', 'Dex223Pool.json');
    unlinkSync(abi);
    expect(() => loadSubgraph(dir)).toThrow(`${abi}: ABI Dex223Pool is missing`);

    dir = brokenCopy();
    unlinkSync(path.join(dir, 'schema.graphql'));
    expect(() => loadSubgraph(dir)).toThrow(`${path.join(dir, 'schema.graphql')}: schema is missing`);

    dir = brokenCopy();
    const manifest = path.join(dir, 'subgraph.yaml');
    writeFileSync(
      manifest,
      readFileSync(manifest, 'utf8').replace('handler: handleSwap', 'handler: handleSwapp'),
    );
    expect(() => loadSubgraph(dir)).toThrow(
      `${path.join(dir, 'templates', 'Pool', 'Pool.wasm')}: does not export the handler handleSwapp`,
    );
  });

  it('startGraphHost reports the build before it contacts the node', async () => {
    const dir = brokenCopy();
    unlinkSync(path.join(dir, 'Dex223Factory', 'Dex223Factory.wasm'));
    const started = startGraphHost({ rpcUrl: 'http://127.0.0.1:9', chainId: 31337, buildDir: dir });
    await expect(started).rejects.toThrow(GraphHostError);
    await expect(started).rejects.toThrow(/Dex223Factory\.wasm: mapping WASM file is missing/);
  });

  it('an unreachable node is named as such', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    await expect(startGraphHost({ rpcUrl: url, chainId: 31337 })).rejects.toThrow(
      `cannot reach the RPC at ${url}: eth_chainId to ${url} failed: fetch failed (ECONNREFUSED)`,
    );
  });
});

describe('with a devnet', () => {
  let devnet: Devnet;
  let lender: JsonRpcSigner;
  let trader: JsonRpcSigner;
  let base: TestToken;
  let token: TestToken;
  let pool: Contract;
  let order: CreatedOrder;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    devnet = await Devnet.start({ genesisTimestampSec: 1_800_000_000 });
    requireDevnetBuild(devnet);
    [lender, trader] = [await devnet.actor('lender'), await devnet.actor('trader')];
    const lp = await devnet.actor('lp');
    base = await deployToken(devnet, 'BASE');
    token = await deployToken(devnet, 'TOK');
    pool = await createPool(devnet, token, base, 3000, Q96);
    await addLiquidity(devnet, lp, pool, -60_000, 60_000, 10n ** 24n);
    order = await createOrder(devnet, lender, {
      base,
      whitelist: [base.address, token.address],
      collateral: [token.address],
    });
    await fundOrder(devnet, lender, order.orderId, base, 1000n * E18);
  }, 120_000);

  afterEach(async () => {
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  afterAll(async () => {
    await devnet?.stop();
  });

  it('refuses a node on another chain', async () => {
    await expect(startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: 1 })).rejects.toThrow(
      /wrong chain at .*expected chain id 1, the node says 31337/,
    );
  });

  it('a handler that aborts stops indexing at its block with hasIndexingErrors, and none of the block is written', async () => {
    const subgraph = loadSubgraph(DEFAULT_BUILD_DIR);
    const store = new MemoryEntityStore(SubgraphSchema.parse(subgraph.schemaText));
    // Once armed, order 0 reads back with a string balance: graph-ts's generated getter asserts the
    // value kind and aborts the handler, as a real mapping bug would.
    let armed = false;
    const corrupting = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'get') {
          return (type: string, id: string): EntityData | undefined => {
            const data = target.get(type, id);
            if (armed && data && type === 'Order' && id === '0')
              data.set('balance', { kind: 'string', value: 'oops' });
            return data;
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    }) as EntityStore;
    const sync = new SyncRpc(devnet.rpcUrl);
    cleanups.push(() => sync.close());
    const runtime = new MappingRuntime({ subgraph, store: corrupting, chain: new RpcChainAccess(sync) });
    const logs: IndexerLogEntry[] = [];
    const indexer = new Indexer({
      subgraph,
      store,
      runtime,
      source: new ChainSource(new JsonRpcClient(devnet.rpcUrl)),
      pollIntervalMs: 20,
      log: (entry) => logs.push(entry),
    });
    const server = await startGraphQLServer({
      store,
      subgraphName: 'test/abort',
      deployment: subgraph.deploymentId,
    });
    cleanups.push(() => server.close());
    indexer.start();
    cleanups.push(() => indexer.stop());
    const synced = await devnet.producer.latest();
    await indexer.waitFor({ hash: synced.hash });
    const priceBefore = store.get('Pool', (await pool.getAddress()).toLowerCase())?.get('sqrtPriceX96');

    await fund(devnet, base.erc20, lender, 5n * E18, devnet.addresses.marginModule);
    await fund(devnet, token.erc20, trader, 10n ** 21n, await devnet.contracts.router.getAddress());
    armed = true;
    const mm = devnet.contracts.marginModule.connect(lender) as Contract;
    const router = devnet.contracts.router.connect(trader) as Contract;
    const receipts = await devnet.sendInOneBlock([
      // A pool swap first: its writes belong to the failing block and must be dropped with it.
      () =>
        router.getFunction('exactInputSingle')({
          tokenIn: token.address,
          tokenOut: base.address,
          fee: 3000,
          recipient: trader.address,
          deadline: synced.timestampSec + 10_000,
          amountIn: 10n ** 20n,
          amountOutMinimum: 0,
          sqrtPriceLimitX96: 0,
          prefer223Out: false,
        }),
      () => mm.getFunction('orderDepositToken')(order.orderId, 5n * E18),
    ]);
    expect(receipts.map((r) => r.status)).toEqual([1, 1]);
    const failed = await devnet.producer.latest();
    await expect(indexer.waitFor({ hash: failed.hash }, 10_000)).rejects.toThrow(
      new RegExp(`indexing failed at block ${failed.number}: handleOrderDeposit`),
    );

    const meta = await graphql<Meta>(server.url, META);
    expect(meta._meta).toEqual({
      hasIndexingErrors: true,
      block: { number: failed.number, hash: failed.hash },
    });
    expect(store.indexingError()?.message).toMatch(
      /handleOrderDeposit of MarginModule at block .*Mapping aborted at/,
    );
    expect(store.get('Pool', (await pool.getAddress()).toLowerCase())?.get('sqrtPriceX96')).toEqual(
      priceBefore,
    );
    expect(indexer.status().state).toBe('failed');
    expect(logs.some((l) => l.level === 'error' && /indexing stopped at block/.test(l.message))).toBe(true);

    // Later blocks are not indexed.
    await devnet.producer.mineMany(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(store.head()?.number).toBe(failed.number);
  });

  it('a node that drops: clear errors, retries with backoff, no partial block, then catches up exactly', async () => {
    const proxy: FlakyRpcProxy = await startFlakyRpcProxy(devnet.rpcUrl);
    cleanups.push(() => proxy.stop());
    const logs: IndexerLogEntry[] = [];
    const host: GraphHost = await startGraphHost({
      rpcUrl: proxy.url,
      chainId: devnet.chainId,
      pollIntervalMs: 20,
      rpcTimeoutMs: 2_000,
      retryInitialMs: 50,
      retryMaxMs: 400,
      log: (entry) => logs.push(entry),
    });
    cleanups.push(() => host.stop());
    const pools = [await pool.getAddress()];
    const synced = await devnet.producer.latest();
    await host.indexer.waitFor({ hash: synced.hash });

    // The node goes away entirely while blocks keep coming.
    await proxy.setMode('drop');
    const mm = devnet.contracts.marginModule.connect(lender) as Contract;
    await fund(devnet, base.erc20, lender, 7n * E18, devnet.addresses.marginModule);
    await devnet.send('deposit', () => mm.getFunction('orderDepositToken')(order.orderId, 7n * E18));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const dropped = host.indexer.status();
    expect(dropped.state).toBe('retrying');
    expect(dropped.lastError).toMatch(new RegExp(`to ${proxy.url} failed: fetch failed`));
    expect(dropped.head?.hash).toBe(synced.hash);
    // The API keeps answering for the last indexed block, never for blocks it has not indexed.
    const meta = await graphql<Meta>(host.url, META);
    expect(meta._meta).toEqual({
      hasIndexingErrors: false,
      block: { number: synced.number, hash: synced.hash },
    });
    const delays = logs
      .filter((l) => l.level === 'warn')
      .map((l) => Number(/retrying in (\d+) ms/.exec(l.message)?.[1]));
    expect(delays.slice(0, 4)).toEqual([50, 100, 200, 400]);

    // Back, but eth_call still fails: a block whose handlers read the chain is aborted, not half-written.
    await proxy.setMode('fail-calls');
    await proxy.takeMethods();
    await createOrder(devnet, lender, {
      base,
      whitelist: [base.address, token.address],
      collateral: [token.address],
    });
    await new Promise((resolve) => setTimeout(resolve, 800));
    const stuck = host.indexer.status();
    expect(stuck.state).toBe('retrying');
    expect(stuck.lastError).toMatch(/eth_call to .* failed: HTTP 502/);
    expect(host.store.get('Order', '1')).toBeUndefined();
    expect((await proxy.takeMethods()).filter((m) => m === 'eth_call').length).toBeGreaterThan(1);

    await proxy.setMode('pass');
    const head = await devnet.producer.latest();
    await host.indexer.waitFor({ hash: head.hash }, 10_000);
    expect(host.indexer.status().lastError).toBeUndefined();
    const [fromHost, fromChain] = await Promise.all([
      graphqlReader(host.url).snapshot(head.hash),
      chainSnapshot(devnet, pools, head.hash),
    ]);
    expect(comparable(fromHost)).toEqual(comparable(fromChain));
    expect(fromHost.orders.get('1')).toBeDefined();
    expect(logs.some((l) => l.level === 'info' && /indexing resumed/.test(l.message))).toBe(true);
  });
});
