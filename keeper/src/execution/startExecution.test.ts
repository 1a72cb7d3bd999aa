import { Wallet } from 'ethers';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { RpcClient } from '../chain/RpcClient.js';
import { loadConfig } from '../config/loadConfig.js';
import { FRESH_AUTH_KEY_WARNING, startExecution } from './startExecution.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const AUTH = `0x${'a1'.repeat(32)}`;
const env = {
  DEX223_KEEPER_CHAIN_ID: '31337',
  DEX223_KEEPER_RPC_URLS: 'http://127.0.0.1:8545',
  DEX223_KEEPER_SUBGRAPH_URL: 'http://127.0.0.1:8000/subgraphs/name/dex223/margin',
  DEX223_KEEPER_MARGIN_MODULE: '0x5f2D775362ADBC70A6814456A41B268e29259bA0',
  DEX223_KEEPER_PRIVATE_KEY: KEY,
};

/** Starting execution makes no request: an RPC that throws on use proves it. */
const unusedRpc = {
  send: () => Promise.reject(new Error('no request expected at start')),
} as unknown as RpcClient;

async function start(flags: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
  const config = loadConfig({ env: { ...env, ...extraEnv }, flags });
  const executor = await startExecution({
    config,
    rpc: unusedRpc,
    inFlight: new Map(),
    positionOf: () => undefined,
    env: { ...env, ...extraEnv },
    log,
  });
  const records = lines.map((l) => JSON.parse(l) as { level: number; msg: string; relayAuth?: string });
  return { executor, records };
}

describe('startExecution and the relay auth key', () => {
  it('without flashbotsAuthKey: starts, warns once in one line, and the fresh key is not the liquidator key', async () => {
    const { executor, records } = await start({ 'execution.relays': 'http://127.0.0.1:1' });
    const warnings = records.filter((r) => r.msg === FRESH_AUTH_KEY_WARNING);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe(40);
    expect(FRESH_AUTH_KEY_WARNING).not.toContain('\n');
    const fresh = warnings[0]?.relayAuth;
    expect(fresh).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect(executor.addresses).not.toContain(fresh?.toLowerCase());
    // The key is made per run: a second start gets another one.
    const again = await start({ 'execution.relays': 'http://127.0.0.1:1' });
    expect(again.records.find((r) => r.msg === FRESH_AUTH_KEY_WARNING)?.relayAuth).not.toBe(fresh);
  });

  it('with flashbotsAuthKey: no warning, that key signs', async () => {
    const { records } = await start(
      { 'execution.relays': 'http://127.0.0.1:1' },
      { DEX223_KEEPER_FLASHBOTS_AUTH_KEY: AUTH },
    );
    expect(records.some((r) => r.msg === FRESH_AUTH_KEY_WARNING)).toBe(false);
    const ready = records.find((r) => r.msg === 'execution ready');
    expect(ready?.relayAuth).toBe(new Wallet(AUTH).address);
  });

  it('the public mempool signs no relay request: no key made, no warning', async () => {
    const { records } = await start({ 'execution.mode': 'public' });
    expect(records.some((r) => r.msg === FRESH_AUTH_KEY_WARNING)).toBe(false);
  });
});
