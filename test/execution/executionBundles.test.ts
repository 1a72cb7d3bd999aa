import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { FlashbotsRelay } from '../../keeper/src/execution/FlashbotsRelay.js';
import { formatExecutionTotals } from '../../keeper/src/execution/formatExecutionLines.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import { fundedKeys, startTestKeeper } from './support/startTestKeeper.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { blockReceipts, eventsIn, gasLostWei } from './support/blockReceipts.js';

const POSITIONS = 300;

let devnet: Devnet;
let host: GraphHost;
let relay: Relay;
let market: KeeperMarket;
const authSigner = new Wallet(`0x${'a5'.repeat(32)}`);

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: 12 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: POSITIONS, seed: 17 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
  relay = await startRelay({ devnet });
}, 300_000);

afterAll(async () => {
  await relay?.stop();
  await host?.stop();
  await devnet?.stop();
});

function relayClient(url: string): FlashbotsRelay {
  return new FlashbotsRelay({
    url,
    authSigner,
    chain: devnet.provider,
    chainId: devnet.chainId,
    timeoutMs: 5000,
  });
}

/**
 * A price crash makes several positions liquidatable at block N; the keeper, sending bundles through the
 * relay, must freeze every one in N+1 and complete every one in N+2, paying no gas for anything that reverts.
 */
async function crashThenLiquidate(label: string, keyCount: number): Promise<void> {
  const snapshot = await devnet.snapshot();
  await relay.clear();
  const keys = await fundedKeys(
    devnet,
    Array.from({ length: keyCount }, (_, i) => `${label} ${i}`),
  );
  const ours = new Set(keys.map((k) => k.address.toLowerCase()));
  const keeper = startTestKeeper({
    devnet,
    host,
    keys,
    // A second relay that is down: every bundle still goes to the one that answers.
    relays: [relayClient(relay.url), relayClient('http://127.0.0.1:9')],
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
    expect(truth.size).toBeGreaterThanOrEqual(50);

    const atCrash = await keeper.step();
    expect(atCrash.report.mode).toBe('bundle');
    expect(atCrash.report.dropped).toEqual([]);
    expect(new Set(atCrash.report.sent.map((s) => s.positionId))).toEqual(truth);
    expect(
      atCrash.report.sent.every(
        (s) => s.relaysAccepted === 1 && s.firstTargetBlock === BigInt(crash.number + 1),
      ),
    ).toBe(true);
    expect(new Set(atCrash.report.sent.map((s) => s.sender)).size).toBe(Math.min(keyCount, truth.size));

    const freezeBlock = await devnet.producer.mine();
    const freezeReceipts = await blockReceipts(devnet, freezeBlock.number);
    const frozen = eventsIn(freezeReceipts, 'PositionFrozen');
    expect(new Set(frozen.keys())).toEqual(truth);
    expect([...frozen.values()].every((sender) => ours.has(sender))).toBe(true);

    const afterFreeze = await keeper.step();
    expect(afterFreeze.report.outcomes.map((o) => [o.kind, o.outcome])).toEqual(
      [...truth].map(() => ['freeze', 'included']),
    );
    const completions = afterFreeze.report.sent.filter((s) => s.kind === 'complete');
    expect(new Set(completions.map((s) => s.positionId))).toEqual(truth);
    expect(completions.every((s) => s.firstTargetBlock === BigInt(freezeBlock.number + 1))).toBe(true);

    const completeBlock = await devnet.producer.mine();
    const completeReceipts = await blockReceipts(devnet, completeBlock.number);
    const liquidated = eventsIn(completeReceipts, 'Liquidation');
    expect(new Set([...liquidated.keys()].filter((id) => truth.has(id)))).toEqual(truth);

    const settled = await keeper.step();
    expect(
      settled.report.outcomes.filter((o) => o.kind === 'complete' && o.outcome === 'included'),
    ).toHaveLength(truth.size);
    const report = await relay.landed();
    expect(report.violations).toEqual([]);
    const lost = gasLostWei([...freezeReceipts, ...completeReceipts], ours);
    const frozenLate = [...truth].map((id) => (frozen.has(id) ? 0 : 1));
    const completedLate = [...truth].map((id) => (liquidated.has(id) ? 0 : 1));
    console.log(
      `execution-e2e[${label}]: keys=${keyCount} liquidatable_at_N=${truth.size} frozen_in_N+1=${frozen.size} ` +
        `completed_in_N+2=${[...liquidated.keys()].filter((id) => truth.has(id)).length} ` +
        `late_blocks_max=${Math.max(...frozenLate, ...completedLate)} gas_lost_wei=${lost}`,
    );
    console.log(`execution-e2e[${label}]: ${formatExecutionTotals(keeper.executor.totals)}`);
    expect(lost).toBe(0n);
    expect(keeper.executor.totals.gasLostWei).toBe(0n);
    expect(keeper.executor.totals.reverted).toBe(0);
  } finally {
    keeper.close();
    await devnet.revert(snapshot);
    await relay.clear();
  }
}

describe('liquidation through bundles on the devnet (graph host + relay)', () => {
  it('one key: every liquidatable position frozen in N+1 and completed in N+2, nonces in order', async () => {
    await crashThenLiquidate('one key', 1);
  }, 300_000);

  it('a pool of three keys: freezes spread over the keys, each completed by its freezer', async () => {
    await crashThenLiquidate('key pool', 3);
  }, 300_000);
});
