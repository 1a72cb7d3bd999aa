import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'dex223-keeper.mjs');

describe('npm run devnet -- --scenario crash --positions 100 --exit-when-done', () => {
  it('liquidates every position the crash makes liquidatable, none late, no gas lost, and says so in one line', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'devnet', '--scenario', 'crash', '--positions', '100', '--exit-when-done'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH },
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code, err.slice(-2000)).toBe(0);
    const last = out.trim().split('\n').at(-1) ?? '';
    console.log(`devnet crash: ${last}`);
    const match = /^liquidated=(\d+) missed=(\d+) late_blocks_max=(\d+) gas_lost_wei=(\d+)$/.exec(last);
    expect(match, out.slice(-2000)).not.toBeNull();
    const [, liquidated, missed, late, lost] = match!.map(Number);
    expect(liquidated).toBeGreaterThan(5);
    expect([missed, late, lost]).toEqual([0, 0, 0]);
    expect(out).toMatch(/keeper \| {3}included freeze position \d+: landed in block \d+/);
    expect(out).toMatch(/keeper \| {3}included complete position \d+: landed in block \d+/);
  }, 180_000);
});
