import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/KeeperError.js';
import { flagWarnings, loadConfig } from './loadConfig.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const MM = '0x5f2D775362ADBC70A6814456A41B268e29259bA0';

const minimal = {
  DEX223_KEEPER_CHAIN_ID: '31337',
  DEX223_KEEPER_RPC_URLS: 'http://127.0.0.1:8545, http://127.0.0.1:8546',
  DEX223_KEEPER_SUBGRAPH_URL: 'http://127.0.0.1:8000/subgraphs/name/dex223/margin',
  DEX223_KEEPER_MARGIN_MODULE: MM,
};

function yamlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'keeper-config-'));
  const path = join(dir, 'keeper.yaml');
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it('reads env with defaults, lists split, addresses normalized', () => {
    const config = loadConfig({ env: minimal });
    expect(config.chainId).toBe(31337);
    expect(config.rpcUrls).toEqual(['http://127.0.0.1:8545', 'http://127.0.0.1:8546']);
    expect(config.marginModule).toBe(MM.toLowerCase());
    expect(config.blockTimeSec).toBe(12);
    expect(config.thresholds.minProfit).toBe(0n);
    expect(config.subgraph.maxLagBlocks).toBe(2);
    expect(config.dryRun).toBe(false);
  });

  it('layers file < env < flags', () => {
    const file = yamlFile(
      [
        'chainId: 1',
        'rpcUrls: [http://file:8545]',
        'subgraphUrl: http://file:8000/subgraphs/name/x',
        `marginModule: "${MM}"`,
        'blockTimeSec: 5',
        'thresholds:',
        '  minProfit: 0.02 eth',
        'filters:',
        '  lenders: ["0x00000000000000000000000000000000000000aa"]',
      ].join('\n'),
    );
    const config = loadConfig({
      file,
      env: { DEX223_KEEPER_CHAIN_ID: '31337', DEX223_KEEPER_BLOCK_TIME_SEC: '2' },
      flags: { 'block-time-sec': '1', 'dry-run': true, 'thresholds.min-profit': '123 wei' },
    });
    expect(config.chainId).toBe(31337);
    expect(config.rpcUrls).toEqual(['http://file:8545']);
    expect(config.blockTimeSec).toBe(1);
    expect(config.dryRun).toBe(true);
    expect(config.thresholds.minProfit).toBe(123n);
    expect(config.filters.lenders).toEqual(['0x00000000000000000000000000000000000000aa']);
  });

  it('parses ETH and USD thresholds', () => {
    const config = loadConfig({
      env: { ...minimal, DEX223_KEEPER_THRESHOLDS__MIN_PROFIT: '0.015' },
      flags: {
        'thresholds.always-liquidate-above-reward.usd': '25',
        'thresholds.always-liquidate-above-reward.stablecoin-pool':
          '0x00000000000000000000000000000000000000bb',
      },
    });
    expect(config.thresholds.minProfit).toBe(15n * 10n ** 15n);
    expect(config.thresholds.alwaysLiquidateAboveReward).toEqual({
      usd: '25',
      stablecoinPool: '0x00000000000000000000000000000000000000bb',
    });
  });

  it('never prints a secret', () => {
    const config = loadConfig({
      env: { ...minimal, DEX223_KEEPER_PRIVATE_KEY: KEY, DEX223_KEEPER_FLASHBOTS_AUTH_KEY: KEY },
    });
    const signer = config.signer as { privateKey: { reveal(): string } };
    expect(signer.privateKey.reveal()).toBe(KEY);
    for (const text of [
      JSON.stringify(config, (_key, value: unknown) =>
        typeof value === 'bigint' ? value.toString() : value,
      ),
      inspect(config, { depth: 10 }),
      `${String(signer.privateKey)}`,
    ]) {
      expect(text).not.toContain(KEY.slice(2, 20));
      expect(text).toContain('[redacted]');
    }
  });

  it('rejects bad input with every problem named, and no secret in the message', () => {
    let error: unknown;
    try {
      loadConfig({
        env: {
          DEX223_KEEPER_CHAIN_ID: 'abc',
          DEX223_KEEPER_RPC_URLS: 'ftp://x',
          DEX223_KEEPER_MARGIN_MODULE: '0x1234',
          DEX223_KEEPER_PRIVATE_KEY: KEY,
          DEX223_KEEPER_THRESHOLDS__MIN_PROFIT: 'lots',
        },
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/chainId: /);
    expect(message).toMatch(/rpcUrls\.0: not an http\(s\)\/ws\(s\) URL/);
    expect(message).toMatch(/subgraphUrl: /);
    expect(message).toMatch(/marginModule: not an address/);
    expect(message).toMatch(/thresholds\.minProfit: not an ETH amount/);
    expect(message).not.toContain(KEY.slice(2, 20));
  });

  it('rejects unknown keys and unreadable files clearly', () => {
    expect(() => loadConfig({ env: minimal, flags: { 'rpc-url': 'http://x' } })).toThrow(
      /Unrecognized key.*rpcUrl/,
    );
    expect(() => loadConfig({ file: '/nonexistent/keeper.yaml' })).toThrow(/cannot read config file/);
    expect(() => loadConfig({ file: yamlFile('a: [1, 2') })).toThrow(/not valid YAML/);
  });
});

describe('loadConfig never echoes a secret', () => {
  /** Every leaf of the schema, as a flag path. */
  const FIELDS = [
    'chain-id',
    'rpc-urls',
    'subgraph-url',
    'margin-module',
    'signer.keystore',
    'signer.password-file',
    'signer.password-env',
    'signer.private-key',
    'flashbots-auth-key',
    'thresholds.min-profit',
    'thresholds.always-liquidate-above-reward.eth',
    'thresholds.always-liquidate-above-reward.usd',
    'thresholds.always-liquidate-above-reward.stablecoin-pool',
    'filters.lenders',
    'filters.order-ids',
    'filters.reward-floor',
    'policy.swap-before-completion.enabled',
    'policy.swap-before-completion.max-slippage-bps',
    'liquidator',
    'weth',
    'priority-fee-gwei',
    'poll-interval-ms',
    'at-risk-within-blocks',
    'block-time-sec',
    'subgraph.max-lag-blocks',
    'subgraph.head-wait-ms',
    'subgraph.head-grace-ms',
    'subgraph.request-timeout-ms',
    'subgraph.page-size',
    'ops.port',
    'ops.host',
    'ops.log-level',
    'ops.stale-after-blocks',
    'execution.mode',
    'execution.fallback',
    'execution.relays',
    'execution.private-rpc-url',
    'execution.reward-receiver',
    'execution.target-blocks',
    'execution.profit-share-bps',
    'execution.min-priority-fee',
    'execution.max-gas-price',
    'execution.base-fee-multiplier',
    'execution.gas-limit-margin-bps',
    'execution.relay-timeout-ms',
    'execution.bump-after-blocks',
    'execution.bump-bps',
    'dry-run',
  ];
  const SECRETS = [KEY, KEY.slice(2), 'hunter2-Passw0rd!', 'Hunter2Password'];

  it.each(FIELDS)('a key or password put in %s is never in the error', (field) => {
    for (const secret of SECRETS) {
      // Alongside something invalid elsewhere, so that every run ends in an error to inspect.
      const flags = { [field]: secret, 'ops.port': 'not-a-port' };
      if (field === 'ops.port') flags['chain-id'] = 'x';
      let message = '';
      try {
        loadConfig({ env: minimal, flags });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(secret);
      expect(message).not.toContain(KEY.slice(2, 18));
      expect(message).not.toContain('hunter2');
      expect(message).not.toContain('Hunter2');
    }
  });

  it('refuses a password where an environment variable name belongs, without repeating it', () => {
    expect(() =>
      loadConfig({
        env: minimal,
        flags: { 'signer.keystore': 'k.json', 'signer.password-env': 'p@ss w0rd' },
      }),
    ).toThrow(/signer.passwordEnv: not an environment variable name \(value not shown\)/);
  });

  it('money is never negative', () => {
    for (const field of ['thresholds.min-profit', 'filters.reward-floor', 'execution.max-gas-price']) {
      expect(() => loadConfig({ env: minimal, flags: { [field]: '-1' } })).toThrow(/must not be negative/);
    }
    expect(() => loadConfig({ env: minimal, flags: { 'thresholds.min-profit': '-5 wei' } })).toThrow(
      /not an ETH amount/,
    );
  });

  it('dryRun is a boolean: "false" is false, anything but true/false an error', () => {
    expect(loadConfig({ env: minimal, flags: { 'dry-run': 'false' } }).dryRun).toBe(false);
    expect(loadConfig({ env: minimal, flags: { 'dry-run': true } }).dryRun).toBe(true);
    expect(loadConfig({ env: { ...minimal, DEX223_KEEPER_DRY_RUN: 'true' } }).dryRun).toBe(true);
    expect(() => loadConfig({ env: minimal, flags: { 'dry-run': 'yes' } })).toThrow(/dryRun/);
  });

  it('the swap-before-completion policy is off by default, and its slippage is checked', () => {
    expect(loadConfig({ env: minimal }).policy.swapBeforeCompletion).toEqual({
      enabled: false,
      maxSlippageBps: 1000,
    });
    const on = loadConfig({
      env: minimal,
      flags: {
        'policy.swap-before-completion.enabled': 'true',
        'policy.swap-before-completion.max-slippage-bps': '1500',
      },
    });
    expect(on.policy.swapBeforeCompletion).toEqual({ enabled: true, maxSlippageBps: 1500 });
    const bad = (value: string) => () =>
      loadConfig({ env: minimal, flags: { 'policy.swap-before-completion.max-slippage-bps': value } });
    expect(bad('-1')).toThrow(/maxSlippageBps: must not be negative/);
    expect(bad('500')).toThrow(/maxSlippageBps: must exceed 500: the forced swaps already accept 5 %/);
    expect(
      loadConfig({ env: minimal, flags: { 'policy.swap-before-completion.max-slippage-bps': '501' } }).policy
        .swapBeforeCompletion.maxSlippageBps,
    ).toBe(501);
    expect(bad('10000')).toThrow(/maxSlippageBps: must be below 10000/);
    expect(bad('2.5')).toThrow(/maxSlippageBps: a whole number of basis points/);
    expect(bad('lots')).toThrow(/maxSlippageBps/);
    expect(() =>
      loadConfig({ env: minimal, flags: { 'policy.swap-before-completion.enabled': 'yes' } }),
    ).toThrow(/enabled/);
    expect(() =>
      loadConfig({ env: minimal, flags: { 'policy.swap-before-completion.max-slippage': '1' } }),
    ).toThrow(/maxSlippage/);
  });

  it('is strict at every level: an unknown nested key is an error', () => {
    for (const flag of [
      'ops.colour',
      'subgraph.max-lag',
      'execution.relay',
      'filters.lender',
      'thresholds.min',
    ]) {
      expect(() => loadConfig({ env: minimal, flags: { [flag]: '1' } })).toThrow(/Unrecognized key/);
    }
    expect(() =>
      loadConfig({ env: minimal, flags: { 'signer.keystore': 'k.json', 'signer.private-key': KEY } }),
    ).toThrow(/signer/);
  });

  it('warns about a key given as a flag, without the key', () => {
    const warnings = flagWarnings({ 'signer.private-key': KEY, 'rpc-urls': 'http://x' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/--signer.private-key puts a private key on the command line/);
    expect(warnings.join()).not.toContain(KEY.slice(2, 18));
    expect(flagWarnings({ 'flashbots-auth-key': KEY })).toHaveLength(1);
    expect(flagWarnings({ 'rpc-urls': 'http://x' })).toEqual([]);
  });
});
