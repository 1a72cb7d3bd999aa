import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import type { PrivateTxSender } from '../../keeper/src/execution/BundleRelay.js';
import { SubmissionError } from '../../keeper/src/execution/ExecutionError.js';
import { FlashbotsRelay } from '../../keeper/src/execution/FlashbotsRelay.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import { fundedKeys, startTestKeeper } from './support/startTestKeeper.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { blockReceipts, eventsIn, gasLostWei } from './support/blockReceipts.js';

let devnet: Devnet;
let host: GraphHost;
let market: KeeperMarket;

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: 12 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 30, seed: 11 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
}, 300_000);

afterAll(async () => {
  await host?.stop();
  await devnet?.stop();
});

/** A relay nobody listens on: port 9 (discard) on loopback refuses connections. */
function deadRelay(): FlashbotsRelay {
  return new FlashbotsRelay({
    url: 'http://127.0.0.1:9/relay',
    authSigner: new Wallet(`0x${'11'.repeat(32)}`),
    chain: devnet.provider,
    chainId: devnet.chainId,
    timeoutMs: 1000,
  });
}

describe('execution when the relay is down', () => {
  it('without a fallback it sends nothing and says why; with the public mempool it freezes, then completes', async () => {
    const snapshot = await devnet.snapshot();
    const keys = await fundedKeys(devnet, ['fallback']);
    const ours = new Set(keys.map((k) => k.address.toLowerCase()));
    await crashPrices(devnet, market, 150_000n);
    const head = await devnet.producer.latest();
    const truth = await contractLiquidatable(
      devnet.provider,
      devnet.addresses.marginModule,
      head.hash,
      head.timestampSec + devnet.producer.secondsPerBlock,
    );
    expect(truth.size).toBeGreaterThan(1);

    // The market's base token plays WETH, so rewards (paid in it) are valued 1:1 in ETH.
    const weth = market.base.address;
    const idle = startTestKeeper({ devnet, host, keys, relays: [deadRelay()], flags: { weth } });
    try {
      const { report } = await idle.step();
      expect(report.sent).toEqual([]);
      expect(report.fallback).toMatch(
        /^relay is down \(.*127\.0\.0\.1:9.*\): no fallback configured, not sending$/,
      );
      expect(new Set(report.dropped.map((d) => d.positionId))).toEqual(truth);
      expect(idle.core.inFlight.size).toBe(0);
    } finally {
      idle.close();
    }

    const keeper = startTestKeeper({
      devnet,
      host,
      keys,
      relays: [deadRelay()],
      flags: { weth, 'execution.fallback': 'public' },
    });
    try {
      const first = await keeper.step();
      expect(first.report.fallback).toMatch(/^relay is down \(.*\) → falling back to public$/);
      expect(first.report.mode).toBe('public');
      expect(new Set(first.report.sent.map((s) => s.positionId))).toEqual(truth);
      expect(first.report.sent.map((s) => s.nonce)).toEqual([...truth].map((_, i) => i));
      expect(keeper.core.inFlight.size).toBe(truth.size);

      const frozenBlock = await devnet.producer.mine();
      const frozen = eventsIn(await blockReceipts(devnet, frozenBlock.number), 'PositionFrozen');
      expect(new Set(frozen.keys())).toEqual(truth);

      const second = await keeper.step();
      expect(second.report.outcomes.map((o) => o.outcome)).toEqual([...truth].map(() => 'included'));
      expect(
        new Set(second.report.sent.filter((s) => s.kind === 'complete').map((s) => s.positionId)),
      ).toEqual(truth);
      const completedBlock = await devnet.producer.mine();
      const receipts = await blockReceipts(devnet, completedBlock.number);
      const liquidated = eventsIn(receipts, 'Liquidation');
      expect(new Set(liquidated.keys())).toEqual(truth);
      const third = await keeper.step();
      expect(third.report.outcomes.filter((o) => o.outcome === 'included')).toHaveLength(truth.size);
      expect(keeper.executor.totals.gasLostWei).toBe(0n);
      expect(gasLostWei(receipts, ours)).toBe(0n);
      expect(keeper.core.inFlight.size).toBe(0);
    } finally {
      keeper.close();
      await devnet.revert(snapshot);
    }
  }, 300_000);

  it('the private-RPC mode sends each transaction privately, and falls back to the public mempool when it is down', async () => {
    const snapshot = await devnet.snapshot();
    const keys = await fundedKeys(devnet, ['private']);
    const received: string[] = [];
    let reachable = true;
    // Stands in for a Flashbots Protect style endpoint: it takes the transaction and (here) hands it to the node.
    const privateRpc: PrivateTxSender = {
      name: 'http://private.test',
      async sendPrivateTransaction(signedTx) {
        if (!reachable) throw new SubmissionError('connect ECONNREFUSED', 'http://private.test', false);
        received.push(signedTx);
        await devnet.provider.send('eth_sendRawTransaction', [signedTx]);
      },
    };
    const keeper = startTestKeeper({
      devnet,
      host,
      keys,
      relays: [],
      privateRpc,
      flags: {
        weth: market.base.address,
        'execution.mode': 'private-rpc',
        'execution.fallback': 'public',
        'execution.private-rpc-url': 'http://private.test',
      },
    });
    try {
      await crashPrices(devnet, market, 150_000n);
      const first = await keeper.step();
      expect(first.report.mode).toBe('private-rpc');
      expect(first.report.fallback).toBeNull();
      expect(first.report.sent.length).toBeGreaterThan(1);
      expect(received).toHaveLength(first.report.sent.length);
      const frozenBlock = await devnet.producer.mine();
      expect(eventsIn(await blockReceipts(devnet, frozenBlock.number), 'PositionFrozen').size).toBe(
        first.report.sent.length,
      );
      reachable = false;
      const second = await keeper.step();
      expect(second.report.fallback).toMatch(
        /^private-rpc endpoint is down \(connect ECONNREFUSED\) → falling back to public$/,
      );
      expect(second.report.mode).toBe('public');
      expect(second.report.sent.map((s) => [s.kind, s.mode])).toEqual(
        first.report.sent.map(() => ['complete', 'public']),
      );
      const completedBlock = await devnet.producer.mine();
      expect(eventsIn(await blockReceipts(devnet, completedBlock.number), 'Liquidation').size).toBe(
        first.report.sent.length,
      );
      await keeper.step();
      expect(keeper.executor.totals).toMatchObject({
        included: first.report.sent.length * 2,
        gasLostWei: 0n,
      });
    } finally {
      keeper.close();
      await devnet.revert(snapshot);
    }
  }, 300_000);
});
