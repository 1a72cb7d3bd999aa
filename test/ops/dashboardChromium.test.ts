import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet } from 'ethers';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { freePort } from '../../devnet/chain/freePort.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { runKeeper, waitForStdout, type KeeperProcess } from '../support/keeperProcess.js';
import { pngFacts } from '../support/pngFacts.js';

const LIQUIDATOR_KEY = `0x${'5c'.repeat(32)}`;
const AUTH_KEY = `0x${'a8'.repeat(32)}`;
const CHROMIUM = '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 900 };

let devnet: Devnet;
let host: GraphHost;
let relay: Relay;
let market: KeeperMarket;
let keeper: KeeperProcess | undefined;
let browser: BrowserContext | undefined;
let profileDir: string | undefined;
/** A local webhook receiver: the keeper's alerts land here. */
let hook: Server;
const alerts: { text: string }[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it when it can)`);
  devnet = await Devnet.start({ secondsPerBlock: 12 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 30, seed: 41 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
  relay = await startRelay({ devnet });
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      alerts.push(JSON.parse(body) as { text: string });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (keeper && keeper.child.exitCode === null) {
    keeper.child.kill('SIGTERM');
    await keeper.exited;
  }
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => (hook ? hook.close(() => resolve()) : resolve()));
  await relay?.stop();
  await host?.stop();
  await devnet?.stop();
});

const count = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern, 'gm'))?.length ?? 0;

/** The ops endpoint's URL, from the keeper's JSON start-up log line (it listens on a port the OS picked). */
function dashboardUrl(run: KeeperProcess): string | undefined {
  for (const line of run.stderr().split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { dashboard?: string };
    if (entry.dashboard) return entry.dashboard;
  }
  return undefined;
}

describe('the dashboard, in headless Chromium against a devnet keeper', () => {
  it('shows the positions at risk, what is in flight, the liquidations and the profit, and subgraph health', async () => {
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
    expect(truth.size).toBeGreaterThanOrEqual(2);
    const flags: Record<string, string> = {
      'chain-id': String(devnet.chainId),
      'rpc-urls': devnet.rpcUrl,
      'subgraph-url': host.url,
      'margin-module': devnet.addresses.marginModule,
      'block-time-sec': '12',
      'poll-interval-ms': '50',
      'subgraph.max-lag-blocks': '0',
      // 0 would turn the ops endpoint off: a loopback port the OS just handed out.
      'ops.port': String(await freePort()),
      'ops.host': '127.0.0.1',
      weth: market.base.address,
      'execution.relays': relay.url,
      // Above the 100 ETH the key holds: the start-up balance check must raise a low-balance alert.
      'ops.min-signer-balance': '1000',
      'ops.alerts.webhook-url': `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
    };
    keeper = runKeeper(['run', ...Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v])], {
      DEX223_KEEPER_PRIVATE_KEY: LIQUIDATOR_KEY,
      DEX223_KEEPER_FLASHBOTS_AUTH_KEY: AUTH_KEY,
    });
    const run = keeper;
    // Freezes sent, mined, completions sent and mined, completions settled: liquidations the keeper earned.
    await waitForStdout(
      run,
      (out) =>
        count(out, new RegExp(`^  sent freeze position \\d+ .* for block ${crash.number + 1} `)) ===
        truth.size,
      'freezes sent',
    );
    // Sent, not mined yet: the freezes are in flight.
    const inFlight = (await (await fetch(`${dashboardUrl(run)}api/state`)).json()) as {
      inFlight: { positionId: string; kind: string; lastTargetBlock: string }[];
    };
    expect(new Set(inFlight.inFlight.map((a) => `${a.positionId} ${a.kind} ${a.lastTargetBlock}`))).toEqual(
      new Set([...truth].map((id) => `${id} freeze ${crash.number + 1}`)),
    );
    const freezeBlock = await devnet.producer.mine();
    await waitForStdout(
      run,
      (out) =>
        count(out, new RegExp(`^  sent complete position \\d+ .* for block ${freezeBlock.number + 1} `)) ===
        truth.size,
      'completions sent',
    );
    const completeBlock = await devnet.producer.mine();
    await waitForStdout(
      run,
      (out) => count(out, /^ {2}included complete position \d+: landed in block/) === truth.size,
      'completions settled',
    );
    expect(alerts.map((a) => a.text)).toEqual([
      `dex223-keeper chain ${devnet.chainId}: [low-balance] signer balance below 1000.0000 ETH: ${liquidator} 100.0000 ETH; top it up`,
    ]);
    // The webhook URL is a secret: it is in argv here, but never in what the keeper prints.
    expect(run.stdout() + run.stderr()).not.toContain('/hook');
    const url = dashboardUrl(run);
    expect(url, `no dashboard URL in the keeper's log:\n${run.stderr().slice(-2000)}`).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/$/,
    );

    const state = (await (await fetch(`${url}api/state`)).json()) as {
      block: { head: number; lagBlocks: number };
      earnings: { liquidations: number; rewardWei: string; profitWei: string; gasSpentWei: string };
      recent: { positionId: string; kind: string; outcome: string }[];
    };
    expect(state.block.head).toBe(completeBlock.number);
    expect(state.block.lagBlocks).toBe(0);
    expect(state.earnings.liquidations).toBe(truth.size);
    expect(BigInt(state.earnings.rewardWei)).toBeGreaterThan(0n);
    expect(BigInt(state.earnings.profitWei)).toBe(
      BigInt(state.earnings.rewardWei) - BigInt(state.earnings.gasSpentWei),
    );
    const completed = new Set(
      state.recent.filter((r) => r.kind === 'complete' && r.outcome === 'included').map((r) => r.positionId),
    );
    expect(completed).toEqual(new Set([...truth].map(String)));

    profileDir = mkdtempSync(join(tmpdir(), 'dex223-dashboard-chromium-'));
    // A fresh profile (--user-data-dir, which playwright passes from here), removed afterwards.
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      viewport: VIEWPORT,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    const page = await browser.newPage();
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(url!)) outside.push(request.url());
    });
    await page.goto(url!);
    // The page renders after its first poll of /api/state: it marks the head block it shows on <body>.
    await page.waitForFunction((head) => document.body.dataset.head === String(head), completeBlock.number, {
      timeout: 15_000,
    });
    const text = await page.locator('body').innerText();
    expect(text).toContain('health: ok');
    expect(text).toMatch(new RegExp(`head block\\s+${completeBlock.number}`));
    expect(text).toMatch(/subgraph lag\s+0 blocks/);
    expect(text).toMatch(new RegExp(`liquidations\\s+${truth.size}`));
    expect(text).toContain('Positions nearest to liquidation');
    expect(text).toContain('nothing in flight');
    const recentRows = await page.locator('#recent tbody tr').allInnerTexts();
    for (const id of truth)
      expect(recentRows.some((row) => new RegExp(`^${id}\\s+complete\\s+included`).test(row))).toBe(true);
    const atRiskRows = await page.locator('#at-risk tbody tr').allInnerTexts();
    expect(atRiskRows.length).toBeGreaterThan(0);
    // Every row either says it has no position heading for liquidation or gives the ETA as time.
    for (const row of atRiskRows)
      expect(row).toMatch(/no position is heading|\bnow\b|\bin \d+ (d|h|min|s)\b|never/);

    const png = await page.screenshot({ type: 'png' });
    const facts = pngFacts(png);
    expect({ width: facts.width, height: facts.height }).toEqual(VIEWPORT);
    expect(facts.colours).toBeGreaterThan(20);
    expect(facts.inkRatio).toBeGreaterThan(0.02);
    expect(outside).toEqual([]);
    const dir = join(import.meta.dirname, '..', '..', 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'dashboard.png'), png);
    console.log(
      `dashboard-chromium: liquidations=${state.earnings.liquidations} reward_wei=${state.earnings.rewardWei} profit_wei=${state.earnings.profitWei} png=${facts.width}x${facts.height} colours=${facts.colours} ink=${facts.inkRatio.toFixed(3)}`,
    );
  }, 180_000);
});
