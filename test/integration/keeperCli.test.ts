import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { deployArtifact } from '../../devnet/deploy/deployCore.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import {
  randomPriceMove,
  seededRandom,
  setUpKeeperMarket,
  type KeeperMarket,
} from '../../devnet/scenario/keeperMarket.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { runKeeper, waitForStdout, type KeeperProcess } from '../support/keeperProcess.js';

let devnet: Devnet;
let host: GraphHost;
let market: KeeperMarket;

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: 3600 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 20, seed: 5 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 20 });
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await devnet?.stop();
});

function keeperFlags(overrides: Record<string, string> = {}): string[] {
  const flags: Record<string, string> = {
    'chain-id': String(devnet.chainId),
    'rpc-urls': devnet.rpcUrl,
    'subgraph-url': host.url,
    'margin-module': devnet.addresses.marginModule,
    'block-time-sec': '3600',
    'poll-interval-ms': '50',
    // The lines below expect the subgraph at the head (lag 0): let each head wait for the graph host to index it.
    'subgraph.head-grace-ms': '4000',
    'ops.port': '0',
    ...overrides,
  };
  return Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]);
}

const waitForOutput = (run: KeeperProcess, pattern: RegExp) =>
  waitForStdout(run, (out) => pattern.test(out), String(pattern));

describe('the keeper as a process', () => {
  it('status prints the positions nearest to liquidation', async () => {
    const run = runKeeper(['status', ...keeperFlags(), '--top', '5']);
    expect(await run.exited).toBe(0);
    const lines = run.stdout().trim().split('\n');
    expect(lines[0]).toMatch(
      /^block \d+: 20 open positions, \d+ liquidatable at the next block, \d+ at risk$/,
    );
    expect(lines[1]).toMatch(/^position\s+order\s+health\s+liquidatable in\s+frozen\s+reward$/);
    expect(lines).toHaveLength(7);
    expect(lines[2]).toMatch(/^\d+\s+\d+\s+[\d.]+%\s+/);
  });

  it('run --dry-run prints a line per block and says "not acting" while the subgraph is unreachable', async () => {
    const run = runKeeper(['run', '--dry-run', ...keeperFlags()]);
    try {
      await waitForOutput(run, /block \d+ \| lag 0 \| tracked 20 \| at risk \d+ \| candidates \d+ \| plan: /);
      const random = seededRandom(1);
      await randomPriceMove(devnet, market, random);
      const head = await devnet.producer.latest();
      await waitForOutput(run, new RegExp(`block ${head.number} \\| lag 0`));
      // A second keeper whose subgraph is down says why it does not act, and keeps trying.
      const dead = runKeeper([
        'run',
        '--dry-run',
        ...keeperFlags({ 'subgraph-url': 'http://127.0.0.1:9/subgraphs/name/x' }),
      ]);
      try {
        await waitForOutput(dead, /^not acting: subgraph unreachable at http:\/\/127\.0\.0\.1:9/m);
        expect(dead.child.exitCode).toBeNull();
      } finally {
        dead.child.kill('SIGTERM');
        await dead.exited;
      }
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    }
  });

  it('run --dry-run fails over from a first RPC that is down and a second that rate-limits', async () => {
    const limited = createServer((_req, res) => res.writeHead(429).end('slow down'));
    await new Promise<void>((r) => limited.listen(0, '127.0.0.1', r));
    const limitedUrl = `http://127.0.0.1:${(limited.address() as AddressInfo).port}`;
    const run = runKeeper([
      'run',
      '--dry-run',
      ...keeperFlags({ 'rpc-urls': `http://127.0.0.1:9,${limitedUrl},${devnet.rpcUrl}` }),
    ]);
    try {
      await waitForOutput(run, /block \d+ \| lag 0 \| tracked 20 \| at risk \d+ \| candidates \d+ \| plan: /);
      expect(run.stderr()).toMatch(/RPC endpoint failing/);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
      await new Promise<void>((r) => limited.close(() => r()));
    }
  });

  it('refuses to start on a wrong chain id, a contract that is not a MarginModule, or a subgraph of another module', async () => {
    const wrongChain = runKeeper(['status', ...keeperFlags({ 'chain-id': '1' })]);
    expect(await wrongChain.exited).toBe(1);
    expect(wrongChain.stderr()).toMatch(/wrong chain: configured chain id 1, the RPC says 31337/);

    const notModule = runKeeper(['status', ...keeperFlags({ 'margin-module': devnet.addresses.factory })]);
    expect(await notModule.exited).toBe(1);
    expect(notModule.stderr()).toMatch(/does not answer the MarginModule interface/);

    const ctx = {
      provider: devnet.provider,
      producer: devnet.producer,
      deployer: devnet.deployer,
      artifacts: devnet.artifacts,
    };
    const other = await deployArtifact(ctx, 'MarginModule', [
      devnet.addresses.factory,
      devnet.addresses.router,
    ]);
    const otherModule = runKeeper([
      'status',
      ...keeperFlags({ 'margin-module': await other.contract.getAddress() }),
    ]);
    expect(await otherModule.exited).toBe(1);
    expect(otherModule.stderr()).toMatch(/does not index MarginModule .* the subgraph more/);
  });

  it('never prints a raw private key, even when it is the configured signer', async () => {
    const key = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
    const run = runKeeper(['status', ...keeperFlags({ 'ops.log-level': 'debug' })], {
      DEX223_KEEPER_PRIVATE_KEY: key,
    });
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toMatch(/raw private key/);
    expect(run.stdout() + run.stderr()).not.toContain(key.slice(2, 24));
  });
});
