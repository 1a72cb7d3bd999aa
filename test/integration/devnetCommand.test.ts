import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');

/**
 * A checkout with nothing built: the files git would commit, as they are in this working tree (so uncommitted work is
 * what runs), `../shared` beside it as in CI, and the installed node_modules linked in (npm ci's job, not ours).
 */
function freshCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), 'dex223-fresh-'));
  const dir = join(root, 'repo');
  const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    encoding: 'utf8',
  }).stdout.split('\0');
  for (const file of files.filter(Boolean)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    try {
      copyFileSync(join(repo, file), join(dir, file));
    } catch (err) {
      // A tracked file deleted in the working tree is not part of this checkout.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
  symlinkSync(join(repo, '..', 'shared'), join(root, 'shared'));
  return dir;
}

// The README's main command, exactly, on what a newcomer has after `npm ci`: the default generation is the deployed
// one (gen 3, orders priced by the 2d3ffd2 TWAP oracle). Every token crashes by 70 %; the TWAP reaches positions
// progressively and the 95 % floor holds every completion back until the average has caught up, so the keeper must
// freeze in-process as positions cross, recognise blocked completions by simulation without sending them, and
// complete as the floor clears.
describe('npm run devnet -- --scenario crash --positions 100 --exit-when-done, on a checkout with nothing built', () => {
  let dir: string;
  beforeAll(() => {
    dir = freshCheckout();
  });
  afterAll(() => rmSync(dirname(dir), { recursive: true, force: true }));

  it('builds what it needs and liquidates every position the crash makes liquidatable, with no gas lost or wasted', async () => {
    const child = spawn(
      'npm',
      ['run', 'devnet', '--', '--scenario', 'crash', '--positions', '100', '--exit-when-done'],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH, HOME: process.env.HOME },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, err.slice(-2000) + out.slice(-2000)).toBe(0);
    expect(out).toMatch(/subgraph: not built yet; building it/);
    expect(out).toMatch(/subgraph build \| /);
    expect(out).toMatch(/MarginModule generation 3 at /);
    const lines = out.trim().split('\n');
    const last = lines.at(-1) ?? '';
    const reach = lines.find((l) => l.startsWith('crash reach:')) ?? '';
    console.log(`devnet crash (default, gen 3): ${reach} | ${last}`);
    const match =
      /^liquidated=(\d+) missed=(\d+) late_blocks_max=(\d+) gas_lost_wei=(\d+) wasted_gas_wei=(\d+) profit_wei=(-?\d+)$/.exec(
        last,
      );
    expect(match, out.slice(-2000)).not.toBeNull();
    const [, liquidated, missed, late, lost, wasted] = match!.map(Number);
    // Every market position holds a token the crash sinks: most of the 100 go under.
    expect(liquidated).toBeGreaterThanOrEqual(80);
    // On time too: every freeze in the block it became due, every completion in the first block with room for it.
    expect([missed, late, lost, wasted]).toEqual([0, 0, 0, 0]);
    // Every call sent landed: none was sent into the floor.
    expect(out).toMatch(/keeper \| execution: sent=\d+ included=\d+ reverted=0 /);
    // Every reward is worth far more than the gas of its freeze and completion.
    expect(BigInt(match![6] as string)).toBeGreaterThan(0n);
    expect(out).toMatch(/keeper \| {3}included freeze position \d+: landed in block \d+/);
    expect(out).toMatch(/keeper \| {3}included complete position \d+: landed in block \d+/);
  }, 900_000);
});
