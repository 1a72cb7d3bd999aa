import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { runKeeper, waitForStdout, type KeeperProcess } from '../support/keeperProcess.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { blockReceipts, eventsIn, gasLostWei } from './support/blockReceipts.js';

const LIQUIDATOR_KEY = `0x${'4b'.repeat(32)}`;
const AUTH_KEY = `0x${'a7'.repeat(32)}`;

let devnet: Devnet;
let host: GraphHost;
let relay: Relay;
let market: KeeperMarket;

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: 12 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 40, seed: 29 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
  relay = await startRelay({ devnet });
}, 300_000);

afterAll(async () => {
  await relay?.stop();
  await host?.stop();
  await devnet?.stop();
});

function keeperArgs(overrides: Record<string, string> = {}): string[] {
  const flags: Record<string, string> = {
    'chain-id': String(devnet.chainId),
    'rpc-urls': devnet.rpcUrl,
    'subgraph-url': host.url,
    'margin-module': devnet.addresses.marginModule,
    'block-time-sec': '12',
    'poll-interval-ms': '50',
    'subgraph.max-lag-blocks': '0',
    'ops.port': '0',
    weth: market.base.address,
    ...overrides,
  };
  return Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]);
}

const waitFor = (run: KeeperProcess, test: (stdout: string) => boolean, what: string) =>
  waitForStdout(run, test, what);

const count = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern, 'gm'))?.length ?? 0;

describe('dex223-keeper run, sending', () => {
  it('refuses to send without a signer, naming the setting', async () => {
    const run = runKeeper(['run', ...keeperArgs({ 'execution.relays': relay.url })]);
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toMatch(
      /run without --dry-run sends liquidations and needs a signer: set signer\.keystore/,
    );
  });

  it('refuses bundles without relays or with an auth key that is the liquidator key; warns without an auth key', async () => {
    const noRelays = runKeeper(['run', ...keeperArgs()], { DEX223_KEEPER_PRIVATE_KEY: LIQUIDATOR_KEY });
    expect(await noRelays.exited).toBe(1);
    expect(noRelays.stderr()).toMatch(/execution\.mode is bundle but execution\.relays lists no relay/);
    // No auth key: not refused; a fresh key for this run only, said once in one warning line, and it runs on.
    const noAuth = runKeeper(['run', ...keeperArgs({ 'execution.relays': relay.url })], {
      DEX223_KEEPER_PRIVATE_KEY: LIQUIDATOR_KEY,
    });
    const deadline = Date.now() + 60_000;
    while (!noAuth.stderr().includes('no flashbotsAuthKey configured') && noAuth.child.exitCode === null) {
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(noAuth.child.exitCode, noAuth.stderr().slice(-2000)).toBeNull();
    const warnings = noAuth
      .stderr()
      .split('\n')
      .filter((l) => l.includes('no flashbotsAuthKey configured'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/fresh key made for this run only.*lost at restart/);
    noAuth.child.kill('SIGTERM');
    expect(await noAuth.exited).toBe(0);
    const sameKey = runKeeper(['run', ...keeperArgs({ 'execution.relays': relay.url })], {
      DEX223_KEEPER_PRIVATE_KEY: LIQUIDATOR_KEY,
      DEX223_KEEPER_FLASHBOTS_AUTH_KEY: LIQUIDATOR_KEY,
    });
    expect(await sameKey.exited).toBe(1);
    expect(sameKey.stderr()).toMatch(/flashbotsAuthKey must not be a liquidator key/);
    for (const run of [noRelays, noAuth, sameKey])
      expect(run.stdout() + run.stderr()).not.toContain(LIQUIDATOR_KEY.slice(2, 24));
  });

  it('after a crash, freezes every liquidatable position in the next block and completes it in the one after', async () => {
    const liquidator = new Wallet(LIQUIDATOR_KEY).address.toLowerCase();
    await devnet.provider.send('anvil_setBalance', [liquidator, '0x56bc75e2d63100000']);
    await crashPrices(devnet, market, 150_000n);
    const crash = await devnet.producer.latest();
    const truth = await contractLiquidatable(
      devnet.provider,
      devnet.addresses.marginModule,
      crash.hash,
      crash.timestampSec + 12,
    );
    expect(truth.size).toBeGreaterThanOrEqual(3);
    const run = runKeeper(['run', ...keeperArgs({ 'execution.relays': relay.url })], {
      DEX223_KEEPER_PRIVATE_KEY: LIQUIDATOR_KEY,
      DEX223_KEEPER_FLASHBOTS_AUTH_KEY: AUTH_KEY,
    });
    try {
      await waitFor(
        run,
        (out) =>
          count(
            out,
            new RegExp(
              `^  sent freeze position \\d+ from ${liquidator} nonce \\d+ for block ${crash.number + 1} \\(bundle to 1 relay\\(s\\)\\)`,
            ),
          ) === truth.size,
        `${truth.size} freezes sent for block ${crash.number + 1}`,
      );
      const freezeBlock = await devnet.producer.mine();
      await waitFor(
        run,
        (out) =>
          count(out, new RegExp(`^  sent complete position \\d+ .* for block ${freezeBlock.number + 1} `)) ===
          truth.size,
        `${truth.size} completions sent for block ${freezeBlock.number + 1}`,
      );
      const completeBlock = await devnet.producer.mine();
      await waitFor(
        run,
        (out) => count(out, /^ {2}included complete position \d+: landed in block/) === truth.size,
        'completions settled',
      );
      const freezeReceipts = await blockReceipts(devnet, freezeBlock.number);
      const completeReceipts = await blockReceipts(devnet, completeBlock.number);
      expect(new Set(eventsIn(freezeReceipts, 'PositionFrozen').keys())).toEqual(truth);
      expect(new Set(eventsIn(completeReceipts, 'Liquidation').keys())).toEqual(truth);
      expect(gasLostWei([...freezeReceipts, ...completeReceipts], new Set([liquidator]))).toBe(0n);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    }
    const totals = run.stdout().trim().split('\n').at(-1) ?? '';
    console.log(`keeper-run-process: positions=${truth.size} ${totals}`);
    expect(totals).toMatch(
      new RegExp(
        `^execution: sent=${truth.size * 2} included=${truth.size * 2} reverted=0 .* gas_lost_wei=0$`,
      ),
    );
    expect(run.stdout() + run.stderr()).not.toContain(LIQUIDATOR_KEY.slice(2, 24));
    expect(run.stdout() + run.stderr()).not.toContain(AUTH_KEY.slice(2, 24));
  }, 120_000);

  it('killed (SIGKILL) after its freezes landed, a restarted keeper process completes them in the next block', async () => {
    const liquidator = new Wallet(LIQUIDATOR_KEY).address.toLowerCase();
    // Sixty days pass: the steep orders' interest makes more positions insolvent (the price crash above
    // already took those that prices alone could).
    await devnet.producer.advanceTime(60 * 86_400);
    const crash = await devnet.producer.mine();
    const truth = await contractLiquidatable(
      devnet.provider,
      devnet.addresses.marginModule,
      crash.hash,
      crash.timestampSec + 12,
    );
    expect(truth.size).toBeGreaterThanOrEqual(1);
    const env = { DEX223_KEEPER_PRIVATE_KEY: LIQUIDATOR_KEY, DEX223_KEEPER_FLASHBOTS_AUTH_KEY: AUTH_KEY };
    const first = runKeeper(['run', ...keeperArgs({ 'execution.relays': relay.url })], env);
    let freezeBlock;
    try {
      await waitFor(
        first,
        (out) =>
          count(out, new RegExp(`^  sent freeze position \\d+ .* for block ${crash.number + 1} `)) ===
          truth.size,
        `${truth.size} freezes sent for block ${crash.number + 1}`,
      );
      freezeBlock = await devnet.producer.mine();
    } finally {
      // Killed outright, before it could see its freezes land: no cleanup, no goodbye.
      first.child.kill('SIGKILL');
      await first.exited;
    }
    expect(
      new Set(eventsIn(await blockReceipts(devnet, freezeBlock.number), 'PositionFrozen').keys()),
    ).toEqual(truth);
    const second = runKeeper(['run', ...keeperArgs({ 'execution.relays': relay.url })], env);
    try {
      await waitFor(
        second,
        (out) =>
          count(out, new RegExp(`^  sent complete position \\d+ .* for block ${freezeBlock.number + 1} `)) ===
          truth.size,
        `${truth.size} completions sent for block ${freezeBlock.number + 1} by the restarted keeper`,
      );
      const completeBlock = await devnet.producer.mine();
      const receipts = await blockReceipts(devnet, completeBlock.number);
      expect(new Set(eventsIn(receipts, 'Liquidation').keys())).toEqual(truth);
      expect(gasLostWei(receipts, new Set([liquidator]))).toBe(0n);
      console.log(
        `keeper-restart-process: positions=${truth.size} frozen_in=${freezeBlock.number} completed_in=${completeBlock.number}`,
      );
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  }, 120_000);
});
