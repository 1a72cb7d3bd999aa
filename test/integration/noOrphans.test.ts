import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', 'support', 'startAnvilThenExit.ts');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilGone(pid: number, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return !isAlive(pid);
}

/** Runs the child, returns anvil's PID and the child's exit code once it has ended. */
async function runChild(
  mode: string,
  signal?: NodeJS.Signals,
): Promise<{ anvilPid: number; code: number | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const anvilPid = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve(Number(line));
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing the anvil PID`)));
  });
  expect(isAlive(anvilPid)).toBe(true);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  if (signal) child.kill(signal);
  return { anvilPid, code: await exited };
}

describe('no orphan anvil processes', () => {
  for (const [mode, signal] of [
    ['throw', undefined],
    ['exit', undefined],
    ['wait', 'SIGTERM'],
    ['wait', 'SIGINT'],
  ] as const) {
    it(`anvil dies with a test process that ends by ${signal ?? mode}`, async () => {
      const { anvilPid, code } = await runChild(mode, signal);
      expect(code).not.toBe(0);
      expect(await waitUntilGone(anvilPid)).toBe(true);
    });
  }
});
