import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { builderSchedule } from '../../devnet/chain/builderSchedule.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { startBuilders, type Builders } from '../../devnet/relay/startBuilders.js';
import type { Relay } from '../../devnet/relay/startRelay.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { bundleEndpoints } from '../../keeper/src/execution/bundleEndpoints.js';
import { RelaySimulator } from '../../keeper/src/execution/BundleSimulator.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { blockReceipts, eventsIn } from './support/blockReceipts.js';
import { fundedKeys, startTestKeeper } from './support/startTestKeeper.js';

const NAMES = ['flashbots', 'titan', 'rsync'] as const;

let devnet: Devnet;
let host: GraphHost;
let builders: Builders;
let market: KeeperMarket;
/** Blocks the tests hand to a builder; the seeded draw decides the others. */
const assigned = new Map<number, string>();
const authSigner = new Wallet(`0x${'b7'.repeat(32)}`);

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: 12 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 40, seed: 23 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
  builders = await startBuilders({
    devnet,
    names: [...NAMES],
    schedule: builderSchedule({
      shares: NAMES.map((name) => ({ name, weight: 1 })),
      seed: 'keeper builders test',
      fixed: assigned,
    }),
  });
}, 300_000);

afterAll(async () => {
  await builders?.stop();
  await host?.stop();
  await devnet?.stop();
});

function builder(name: (typeof NAMES)[number]): Relay {
  const found = builders.byName.get(name);
  if (!found) throw new Error(`no builder ${name}`);
  return found;
}

const callsTo = (name: (typeof NAMES)[number], method: string) => builder(name).calls()[method] ?? 0;

/**
 * The keeper sees a crash at block N and sends its freezes for N+1, which titan builds. The keeper's only
 * endpoint is the relay (flashbots' builder): titan never gets a bundle from us directly. What lands in N+1
 * depends on whether the keeper names the other builders to the relay.
 */
async function crashWithTitanBuilding(
  label: string,
  builderEntries: string[],
  simulation: 'local' | 'relay' = 'local',
) {
  const snapshot = await devnet.snapshot();
  for (const b of builders.byName.values()) await b.clear();
  const before = Object.fromEntries(
    NAMES.map((n) => [n, { send: callsTo(n, 'eth_sendBundle'), call: callsTo(n, 'eth_callBundle') }]),
  );
  const keys = await fundedKeys(devnet, [`builders ${label}`]);
  const endpoints = bundleEndpoints({
    relays: [builders.relay.url],
    builders: builderEntries,
    authSigner,
    timeoutMs: 5_000,
  });
  const relays = [...endpoints.relays, ...endpoints.builders];
  const keeper = startTestKeeper({
    devnet,
    host,
    keys,
    relays,
    ...(simulation === 'relay' ? { simulator: new RelaySimulator(endpoints.relays) } : {}),
    flags: { weth: market.base.address },
  });
  try {
    await keeper.step();
    await crashPrices(devnet, market, 150_000n);
    const crash = await devnet.producer.latest();
    const truth = await contractLiquidatable(
      devnet.provider,
      devnet.addresses.marginModule,
      crash.hash,
      crash.timestampSec + devnet.producer.secondsPerBlock,
    );
    expect(truth.size).toBeGreaterThanOrEqual(5);
    assigned.set(crash.number + 1, 'titan');
    const atCrash = await keeper.step();
    expect(atCrash.report.mode).toBe('bundle');
    expect(new Set(atCrash.report.sent.map((s) => s.positionId))).toEqual(truth);
    const freezeBlock = await devnet.producer.mine();
    expect(freezeBlock.number).toBe(crash.number + 1);
    const frozen = eventsIn(await blockReceipts(devnet, freezeBlock.number), 'PositionFrozen');
    const calls = Object.fromEntries(
      NAMES.map((n) => [
        n,
        {
          send: callsTo(n, 'eth_sendBundle') - (before[n]?.send ?? 0),
          call: callsTo(n, 'eth_callBundle') - (before[n]?.call ?? 0),
        },
      ]),
    );
    console.log(
      `builders[${label}]: liquidatable_at_N=${truth.size} frozen_in_N+1_by_titan=${frozen.size} ` +
        `relay_builders=${endpoints.relayBuilders.join(',') || '-'} ` +
        NAMES.map((n) => `${n}_sendBundle=${calls[n]?.send} ${n}_callBundle=${calls[n]?.call}`).join(' '),
    );
    return { truth, frozen, calls, titan: await builder('titan').landed() };
  } finally {
    keeper.close();
    assigned.clear();
    await devnet.revert(snapshot);
  }
}

describe('the keeper submitting to several builders (titan builds the block after the crash)', () => {
  it('sent to the relay alone, without builders: nothing lands in the block titan builds', async () => {
    const { truth, frozen, calls } = await crashWithTitanBuilding('single', []);
    expect(truth.size).toBeGreaterThan(0);
    expect(frozen.size).toBe(0);
    expect(calls.titan?.send).toBe(0);
    expect(calls.flashbots?.send).toBeGreaterThan(0);
  }, 300_000);

  it('the relay asked to share with titan and rsync: every freeze lands in titan’s block, titan never reached directly', async () => {
    const { truth, frozen, calls, titan } = await crashWithTitanBuilding('multi', [
      'titan=relay',
      'rsync=relay',
    ]);
    expect(new Set(frozen.keys())).toEqual(truth);
    expect(calls.titan?.send).toBe(0);
    expect(calls.rsync?.send).toBe(0);
    expect(titan.blocks.flatMap((b) => b.bundles.map((p) => p.status))).toContain('landed');
    expect(titan.violations).toEqual([]);
  }, 300_000);

  it('the default configuration simulates locally: no eth_callBundle reaches any builder', async () => {
    const local = await crashWithTitanBuilding('local sim', ['titan=relay']);
    expect(local.frozen.size).toBeGreaterThan(0);
    for (const name of NAMES) expect(local.calls[name]?.call).toBe(0);
    // The counter does count: the same crash with relay simulation configured calls eth_callBundle.
    const relay = await crashWithTitanBuilding('relay sim', ['titan=relay'], 'relay');
    expect(relay.calls.flashbots?.call).toBeGreaterThan(0);
    expect(relay.frozen.size).toBe(local.frozen.size);
  }, 300_000);
});
