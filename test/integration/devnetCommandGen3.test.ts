import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');

// The keeper as a process against the deployed generation: a gen-3 module whose orders are priced by the 2d3ffd2
// TWAP oracle, every token crashing by 70 %. The crash reaches positions progressively (the TWAP takes the window
// to follow the spot) and the 95 % floor holds every completion back until the TWAP has caught up, so the keeper
// must freeze in-process as positions cross, recognise blocked completions by simulation without sending them,
// and complete as the floor clears. Runs in this working tree (the subgraph must be built: npm run subgraph:build).
describe('npm run devnet -- --scenario crash --generation 3 (keeper as a process, TWAP valued in-process)', () => {
  it('liquidates every position the crash makes liquidatable, with no gas lost or wasted', async () => {
    const child = spawn(
      'npm',
      [
        'run',
        'devnet',
        '--',
        '--scenario',
        'crash',
        '--positions',
        '100',
        '--exit-when-done',
        '--generation',
        '3',
      ],
      {
        cwd: repo,
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
    const lines = out.trim().split('\n');
    const last = lines.at(-1) ?? '';
    const reach = lines.find((l) => l.startsWith('crash reach:')) ?? '';
    console.log(`devnet crash gen 3: ${reach} | ${last}`);
    const match =
      /^liquidated=(\d+) missed=(\d+) late_blocks_max=(\d+) gas_lost_wei=(\d+) wasted_gas_wei=(\d+)$/.exec(
        last,
      );
    expect(match, out.slice(-2000)).not.toBeNull();
    const [, liquidated, missed, , lost, wasted] = match!.map(Number);
    expect(liquidated).toBeGreaterThan(80);
    expect([missed, lost, wasted]).toEqual([0, 0, 0]);
    // Every call sent landed: none was sent into the floor (reverted=0).
    expect(out).toMatch(/keeper \| execution: sent=\d+ included=\d+ reverted=0 /);
    expect(out).toMatch(/keeper \| {3}included complete position \d+: landed in block \d+/);
  }, 900_000);
});
