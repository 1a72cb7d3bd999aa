import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { terminalScreen, withoutColours } from '../support/terminalScreen.js';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'dex223-keeper.mjs');

let devnet: Devnet;
let host: GraphHost;
let market: KeeperMarket;

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: 12 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 10, seed: 53 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
}, 300_000);

afterAll(async () => {
  await host?.stop();
  await devnet?.stop();
});

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('the keeper in a terminal (a pseudo-terminal through script(1))', () => {
  it('pretty logs, quiet blocks folded into one status line with the nearest ETA, a summary on Ctrl-C', async () => {
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
    };
    // exec: the keeper itself, not a shell around it, gets the terminal's SIGINT and sets the exit code.
    const command =
      'exec ' +
      [process.execPath, bin, 'run', '--dry-run']
        .concat(Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]))
        .map(shellQuote)
        .join(' ');
    // script gives the keeper a terminal for stdout and stderr; what we write to its stdin is typed there.
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, TERM: 'xterm' },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const waitFor = async (test: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!test()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${what} in:\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    try {
      const first = await devnet.producer.latest();
      await waitFor(() => out.includes(`block ${first.number} |`), 'first block line');
      for (let i = 0; i < 4; i++) {
        const block = await devnet.producer.mine();
        await waitFor(() => out.includes(`block ${block.number} |`), `block ${block.number}`);
      }
      // Ctrl-C, typed into the terminal: the line discipline sends SIGINT to the keeper.
      child.stdin.write('\x03');
      await waitFor(() => /summary: ran /.test(out), 'summary');
      // …and exits by itself.
      await waitFor(() => child.exitCode !== null, 'exit after the summary');
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const plain = withoutColours(out);
    // Pretty log lines (time, level, message), not JSON objects.
    expect(plain).toMatch(/\[\d\d:\d\d:\d\d\.\d{3}\] INFO: startup checks passed/);
    expect(plain).not.toContain('{"level"');
    // Five quiet blocks, folded: each overwrites the status line in place, counting.
    expect(plain).toContain('\r\x1b[2Kblock');
    expect(plain).toMatch(
      /plan: none \| [\d.]+ ms \| 5 quiet blocks \| (nearest: #\d+ (in \d|liquidatable|frozen)|no position heading)/,
    );
    // On screen, the five quiet blocks left one line: the last status, kept when the keeper stopped.
    const lines = terminalScreen(out);
    expect(lines.filter((l) => /^block \d+ \|/.test(l))).toHaveLength(1);
    expect(plain).toMatch(
      /summary: ran \d+ s, 5 blocks handled \(last \d+\), 0 failed, 0 reorgs; dry run: nothing sent; 0 alerts sent/,
    );
    console.log(`keeper-terminal: ${lines.find((l) => l.includes('summary:'))?.trim()}`);
  }, 120_000);
});
