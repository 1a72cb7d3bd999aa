import { spawn } from 'node:child_process';
import { anvilBinaryPath } from './anvilBinaryPath.js';
import { stopChild, trackChild } from './childProcesses.js';
import { DevnetError } from './DevnetError.js';
import { freePort } from './freePort.js';

export interface AnvilOptions {
  chainId?: number;
  /** Genesis block timestamp (seconds); anvil uses the wall clock when omitted. */
  genesisTimestampSec?: number;
  accounts?: number;
  blockGasLimit?: number;
  /** Mine each transaction as it arrives. Off by default: the block producer decides when blocks happen. */
  automine?: boolean;
  startupTimeoutMs?: number;
}

export interface Anvil {
  rpcUrl: string;
  port: number;
  pid: number;
  chainId: number;
  stop(): Promise<void>;
}

async function rpcChainId(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
    });
    const body = (await res.json()) as { result?: string };
    return body.result ? Number(body.result) : undefined;
  } catch {
    return undefined; // not listening yet
  }
}

/** Starts anvil on a free loopback port and waits until it answers JSON-RPC. */
export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  const chainId = options.chainId ?? 31337;
  const port = await freePort();
  const args = ['--host', '127.0.0.1', '--port', String(port), '--chain-id', String(chainId)];
  args.push('--accounts', String(options.accounts ?? 10));
  // Room for many fixed-gas-limit devnet transactions in one block (see DevnetSigner).
  args.push('--gas-limit', String(options.blockGasLimit ?? 1_000_000_000));
  if (!options.automine) args.push('--no-mining');
  if (options.genesisTimestampSec !== undefined)
    args.push('--timestamp', String(options.genesisTimestampSec));

  const child = spawn(anvilBinaryPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  trackChild(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (err) => resolve(err));
  });
  if (spawned || child.pid === undefined) {
    throw new DevnetError('could not start anvil', { cause: spawned });
  }
  const pid = child.pid;
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.startupTimeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new DevnetError(`anvil exited during startup (code ${child.exitCode}): ${stderr.trim()}`);
    }
    const answered = await rpcChainId(rpcUrl);
    if (answered === chainId) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new DevnetError(`anvil did not answer on ${rpcUrl} within the startup timeout`, {
        details: { stderr },
      });
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { rpcUrl, port, pid, chainId, stop: () => stopChild(child) };
}
