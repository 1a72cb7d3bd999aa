import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');

// The devnet as the field is: blocks every two seconds whatever the keeper does, and a subgraph two blocks behind.
// The keeper acts at the head on the chain's overlay: nothing due is missed and nothing reverts. Lateness is printed,
// not judged: on two cores shared with another test file a block may take the keeper longer than its slot.
describe('npm run devnet -- --generation 1 --block-time 2 --subgraph-lag 2 --scenario crash --positions 30 --exit-when-done', () => {
  it('mines on the clock, serves the subgraph two blocks behind, and the keeper misses nothing', async () => {
    const args = [
      '--generation',
      '1',
      '--block-time',
      '2',
      '--subgraph-lag',
      '2',
      '--scenario',
      'crash',
      '--positions',
      '30',
    ];
    const child = spawn('npm', ['run', 'devnet', '--', ...args, '--exit-when-done'], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, err.slice(-2000) + out.slice(-2000)).toBe(0);
    expect(out).toMatch(/graph host: http:\/\/\S+ \(answers 2 blocks behind the head\)/);
    expect(out).toMatch(/chain: a block every 2 s of wall-clock time \(\+2 s chain time each\)/);

    const clock =
      /chain: (\d+) blocks in (\d+) slots of 2 s, mined at most (\d+) ms after their slot; (\d+) overrun/.exec(
        out,
      );
    expect(clock, out.slice(-2000)).not.toBeNull();
    const [, blocks, slots, maxLateMs] = clock!.map(Number);
    console.log(`devnet clock: ${clock![0]}`);
    // The crash scenario runs until everything due is closed and 4 blocks stay quiet, or 80 blocks.
    expect(blocks).toBeGreaterThanOrEqual(5);
    expect(blocks).toBeLessThanOrEqual(slots!);
    // Every block came within its own slot: the hook budget is half the block time.
    expect(maxLateMs).toBeLessThan(2000);

    const last = out.trim().split('\n').at(-1) ?? '';
    console.log(`devnet crash (block time 2 s, subgraph lag 2): ${last}`);
    const summary =
      /^liquidated=(\d+) missed=(\d+) late_blocks_max=\d+ gas_lost_wei=(\d+) wasted_gas_wei=\d+ profit_wei=-?\d+$/.exec(
        last,
      );
    expect(summary, out.slice(-2000)).not.toBeNull();
    const [, liquidated, missed, lost] = summary!.map(Number);
    expect(liquidated).toBeGreaterThan(0);
    expect([missed, lost]).toEqual([0, 0]);
  }, 400_000);

  it('refuses a bad --block-time or --subgraph-lag before building anything', () => {
    for (const [flag, value, floor] of [
      ['--block-time', '0', 1],
      ['--subgraph-lag', 'two', 0],
      ['--seconds-per-block', '1.5', 1],
    ] as const) {
      const run = spawnSync('node', ['bin/dex223-devnet.mjs', flag, value], { cwd: repo, encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`devnet: ${flag} must be an integer >= ${floor}, got ${value}`);
      expect(run.stdout).not.toMatch(/compiling/);
    }
  }, 60_000);
});
