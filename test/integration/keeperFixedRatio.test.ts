import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { RpcClient } from '../../keeper/src/chain/RpcClient.js';
import { loadConfig } from '../../keeper/src/config/loadConfig.js';
import { SubgraphClient } from '../../keeper/src/ingest/SubgraphClient.js';
import type { Address } from '../../keeper/src/model/types.js';
import { KeeperMetrics } from '../../keeper/src/ops/KeeperMetrics.js';
import { KeeperCore } from '../../keeper/src/run/KeeperCore.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import {
  LOAN,
  openAllInCollateral,
  setUpMarginFixture,
  setValue,
  type MarginFixture,
} from '../support/marginFixture.js';

let f: MarginFixture;
let host: GraphHost;
let rpc: RpcClient;
let core: KeeperCore;

beforeAll(async () => {
  f = await setUpMarginFixture();
  requireDevnetBuild(f.devnet);
  host = await startGraphHost({ rpcUrl: f.devnet.rpcUrl, chainId: f.devnet.chainId, pollIntervalMs: 10 });
  rpc = new RpcClient([f.devnet.rpcUrl], f.devnet.chainId);
  const config = loadConfig({
    flags: {
      'chain-id': String(f.devnet.chainId),
      'rpc-urls': f.devnet.rpcUrl,
      'subgraph-url': host.url,
      'margin-module': f.devnet.addresses.marginModule,
      'block-time-sec': String(f.devnet.producer.secondsPerBlock),
      'subgraph.max-lag-blocks': '0',
      'ops.port': '0',
    },
  });
  core = new KeeperCore({
    config,
    rpc,
    subgraph: new SubgraphClient(host.url, 10_000),
    ourAddresses: ['0x0000000000000000000000000000000000000000' as Address],
    log: pino({ level: 'silent' }),
    metrics: new KeeperMetrics(),
    poolFactory: f.devnet.addresses.factory.toLowerCase() as Address,
  });
}, 120_000);

afterAll(async () => {
  rpc?.destroy();
  await host?.stop();
  await f?.devnet.stop();
});

async function keeperVersusContract(): Promise<{ predicted: bigint[]; truth: bigint[] }> {
  const head = await f.devnet.producer.latest();
  await host.indexer.waitFor({ number: head.number }, 20_000);
  const outcome = await core.processBlock({
    number: head.number,
    hash: head.hash.toLowerCase(),
    timestampSec: head.timestampSec,
  });
  if (outcome.kind !== 'planned') throw new Error(outcome.reason);
  const next = head.timestampSec + f.devnet.producer.secondsPerBlock;
  const truth = await contractLiquidatable(
    f.devnet.provider,
    f.devnet.addresses.marginModule,
    head.hash,
    next,
  );
  const sort = (ids: Iterable<bigint>) => [...ids].sort((a, b) => (a < b ? -1 : 1));
  return { predicted: sort(outcome.liquidatable), truth: sort(truth) };
}

describe('keeper with the fixed-ratio oracle', () => {
  it('follows setRatio (no indexed event) at the next block, in-process, without demoting the oracle', async () => {
    const a = await openAllInCollateral(f);
    const b = await openAllInCollateral(f);
    let seen = await keeperVersusContract();
    expect(seen.predicted).toEqual(seen.truth);
    expect(seen.truth).toEqual([]);
    await setValue(f, a, LOAN - 1n);
    seen = await keeperVersusContract();
    expect(seen.predicted).toEqual(seen.truth);
    expect(seen.truth.length).toBeGreaterThan(0);
    await setValue(f, b, 0n);
    seen = await keeperVersusContract();
    expect(seen.predicted).toEqual(seen.truth);
    expect(seen.truth).toEqual([a, b]);
    await setValue(f, a, 10n * LOAN);
    seen = await keeperVersusContract();
    expect(seen.predicted).toEqual(seen.truth);
    expect(core.profiles.get(f.devnet.addresses.fixedRatioOracle.toLowerCase() as Address)?.kind).toBe(
      'fixed-ratio',
    );
  });
});
