import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const bin = join(import.meta.dirname, '..', '..', 'bin', 'dex223-keeper.mjs');

/** A `dex223-keeper` child process with its output captured. */
export interface KeeperProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `dex223-keeper <args>` with only PATH and `env` in its environment. */
export function runKeeper(args: string[], env: NodeJS.ProcessEnv = {}): KeeperProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, ...env },
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until the process's stdout satisfies `test`; fails with the output when it exits or time runs out. */
export async function waitForStdout(
  run: KeeperProcess,
  test: (stdout: string) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test(run.stdout())) {
    if (Date.now() > deadline || run.child.exitCode !== null) {
      throw new Error(`no ${what} in output:\n${run.stdout()}\n${run.stderr().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
