import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { stopChild, trackChild } from '../../devnet/chain/childProcesses.js';
import { startAnvil, type Anvil } from '../../devnet/chain/startAnvil.js';
import { parseGraphHostArgs } from '../../devnet/graph-host/cli.js';

const CLI = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'devnet',
  'graph-host',
  'cli.ts',
);

let anvil: Anvil | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  if (child) await stopChild(child);
  await anvil?.stop();
});

describe('graph host CLI', () => {
  it('parses its flags and refuses bad ones', () => {
    expect(parseGraphHostArgs(['--rpc', 'http://x:1', '--port=8000', '--poll-ms', '50'])).toEqual({
      rpcUrl: 'http://x:1',
      chainId: 31337,
      port: 8000,
      pollIntervalMs: 50,
    });
    expect(() => parseGraphHostArgs([])).toThrow(/--rpc is required/);
    expect(() => parseGraphHostArgs(['--rpc', 'http://x:1', '--chain-id', 'one'])).toThrow(
      /non-negative integer/,
    );
    expect(() => parseGraphHostArgs(['--rpcs', 'x'])).toThrow(/unknown argument --rpcs/);
    expect(parseGraphHostArgs(['--rpc', 'http://x:1', '--lag-blocks', '3'])).toMatchObject({ lagBlocks: 3 });
    expect(() => parseGraphHostArgs(['--rpc', 'http://x:1', '--lag-blocks', '-1'])).toThrow(
      /non-negative integer/,
    );
  });

  it('runs against a node, prints its URL, answers queries, and stops on SIGTERM', async () => {
    anvil = await startAnvil();
    await fetch(anvil.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'anvil_mine', params: ['0x3'] }),
    });
    child = spawn(process.execPath, ['--import', 'tsx', CLI, '--rpc', anvil.rpcUrl, '--poll-ms', '20'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    trackChild(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${output}`)), 30_000);
      const check = () => {
        const match = /graph host: (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      };
      child?.stdout?.on('data', check);
      child?.once('exit', () => reject(new Error(`the CLI exited: ${output}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/subgraphs\/name\/dex223\/margin$/);
    let number = -1;
    for (let attempt = 0; attempt < 100 && number < 3; attempt++) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ _meta { block { number } hasIndexingErrors } }' }),
      });
      const body = (await response.json()) as { data?: { _meta: { block: { number: number } } } };
      number = body.data?._meta.block.number ?? -1;
      if (number < 3) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(number).toBe(3);
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/stopped at block 3 \(synced\)/);
  });
});
