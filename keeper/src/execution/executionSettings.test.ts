import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/loadConfig.js';
import { ConfigError } from '../errors/KeeperError.js';
import { executionSettings } from './executionSettings.js';
import { checkExecutionConfig } from './startExecution.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const minimal = {
  DEX223_KEEPER_CHAIN_ID: '31337',
  DEX223_KEEPER_RPC_URLS: 'http://127.0.0.1:8545',
  DEX223_KEEPER_SUBGRAPH_URL: 'http://127.0.0.1:8000/subgraphs/name/dex223/margin',
  DEX223_KEEPER_MARGIN_MODULE: '0x5f2D775362ADBC70A6814456A41B268e29259bA0',
};
const gwei = 10n ** 9n;

describe('execution configuration', () => {
  it('defaults: bundles, no fallback, 10 % of the profit, 0.1–500 gwei, 2× base fee, 30 % gas margin', () => {
    expect(executionSettings(loadConfig({ env: minimal }).execution)).toEqual({
      mode: 'bundle',
      fallback: [],
      targetBlocks: 1,
      fees: {
        profitShareBps: 1000n,
        minPriorityFeePerGasWei: gwei / 10n,
        maxGasPriceWei: 500n * gwei,
        baseFeeMultiplier: 2n,
      },
      gasLimitMarginBps: 3000n,
      rewardReceiver: null,
      bumpAfterBlocks: 3,
      bumpBps: 1250n,
    });
  });

  it('reads env and flags: relay lists split on commas, gwei and wei amounts, the receiver normalized', () => {
    const config = loadConfig({
      env: {
        ...minimal,
        DEX223_KEEPER_EXECUTION__RELAYS: 'http://relay.one:1, https://relay.two/rpc',
        DEX223_KEEPER_EXECUTION__MAX_GAS_PRICE: '30 gwei',
      },
      flags: {
        'execution.min-priority-fee': '1500 wei',
        'execution.fallback': 'public',
        'execution.reward-receiver': '0x00000000000000000000000000000000000000AA',
        'execution.profit-share-bps': '2500',
      },
    });
    expect(config.execution.mode === 'bundle' && config.execution.relays).toEqual([
      'http://relay.one:1',
      'https://relay.two/rpc',
    ]);
    const settings = executionSettings(config.execution);
    expect(settings.fees).toMatchObject({
      maxGasPriceWei: 30n * gwei,
      minPriorityFeePerGasWei: 1500n,
      profitShareBps: 2500n,
    });
    expect(settings.fallback).toEqual(['public']);
    expect(settings.rewardReceiver).toBe('0x00000000000000000000000000000000000000aa');
  });

  it('an ordered fallback list: comma-separated from flags, a list from a file, one mode or none as before', () => {
    const fallbackOf = (flags: Record<string, string>) =>
      executionSettings(loadConfig({ env: minimal, flags }).execution).fallback;
    expect(fallbackOf({ 'execution.fallback': 'private-rpc, public' })).toEqual(['private-rpc', 'public']);
    expect(fallbackOf({ 'execution.fallback': 'public,private-rpc' })).toEqual(['public', 'private-rpc']);
    expect(fallbackOf({ 'execution.fallback': 'private-rpc' })).toEqual(['private-rpc']);
    expect(fallbackOf({ 'execution.fallback': 'none' })).toEqual([]);
    expect(fallbackOf({ 'execution.mode': 'private-rpc', 'execution.fallback': 'public' })).toEqual([
      'public',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'fallback-'));
    try {
      const file = join(dir, 'keeper.yaml');
      writeFileSync(file, 'execution:\n  relays: [http://r:1]\n  fallback: [private-rpc, public]\n');
      expect(executionSettings(loadConfig({ file, env: minimal }).execution).fallback).toEqual([
        'private-rpc',
        'public',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ 'execution.profit-share-bps': '5001' }, 'execution.profitShareBps'],
    [{ 'execution.max-gas-price': 'lots' }, 'not a gwei amount'],
    [{ 'execution.mode': 'mempool' }, 'execution.mode'],
    [{ 'execution.fallback': 'bundle' }, 'execution.fallback'],
    [{ 'execution.relays': 'ftp://relay' }, 'not an http(s)/ws(s) URL'],
    [{ 'execution.bump-bps': '500' }, 'execution.bumpBps'],
    // One shape per mode: a setting another mode would ignore is an error, not silently dropped.
    [{ 'execution.mode': 'public', 'execution.relays': 'http://r:1' }, 'Unrecognized key'],
    [{ 'execution.mode': 'public', 'execution.fallback': 'none' }, 'Unrecognized key'],
    [{ 'execution.mode': 'private-rpc', 'execution.fallback': 'private-rpc' }, 'execution.fallback'],
    [{ 'execution.fallback': 'public,public' }, 'lists a mode twice'],
    [{ 'execution.fallback': 'private-rpc,bundle' }, 'execution.fallback'],
  ])('refuses %j', (flags, problem) => {
    expect(() => loadConfig({ env: minimal, flags })).toThrow(problem);
  });
});

describe('checkExecutionConfig', () => {
  const config = (flags: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
    loadConfig({ env: { ...minimal, ...env }, flags });
  const withKeys = {
    DEX223_KEEPER_PRIVATE_KEY: KEY,
    DEX223_KEEPER_FLASHBOTS_AUTH_KEY: `0x${'a1'.repeat(32)}`,
  };

  it.each([
    [{}, {}, 'needs a signer'],
    [{}, withKeys, 'execution.relays lists no relay'],
    [{ 'execution.mode': 'private-rpc' }, withKeys, 'execution.privateRpcUrl is not set'],
    [{ 'execution.relays': 'http://r:1', 'execution.fallback': 'private-rpc' }, withKeys, 'privateRpcUrl'],
  ])('refuses %j with %j', (flags, env, problem) => {
    expect(() => checkExecutionConfig(config(flags, env))).toThrow(ConfigError);
    expect(() => checkExecutionConfig(config(flags, env))).toThrow(problem);
  });

  it.each([
    [{ 'execution.relays': 'http://r:1' }, withKeys],
    // No auth key: startExecution makes one for the run and warns (startExecution.test.ts).
    [{ 'execution.relays': 'http://r:1' }, { DEX223_KEEPER_PRIVATE_KEY: KEY }],
    [{ 'execution.mode': 'public' }, { DEX223_KEEPER_PRIVATE_KEY: KEY }],
    [{ 'execution.mode': 'private-rpc', 'execution.private-rpc-url': 'https://rpc.example' }, withKeys],
  ])('accepts %j', (flags, env) => {
    expect(() => checkExecutionConfig(config(flags, env))).not.toThrow();
  });
});
