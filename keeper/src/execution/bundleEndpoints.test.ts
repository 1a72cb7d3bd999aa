import { Wallet } from 'ethers';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/KeeperError.js';
import { bundleEndpoints, parseBuilderEntry } from './bundleEndpoints.js';

describe('execution.builders entries', () => {
  it('a preset is sent to at its URL and named to the relays by its relay name', () => {
    expect(parseBuilderEntry('titan')).toMatchObject({
      name: 'titan',
      relayName: 'Titan',
      url: 'https://rpc.titanbuilder.xyz',
      named: true,
      direct: true,
    });
  });

  it('name=url keeps the preset relay name at another URL; name=relay is named but never sent to', () => {
    expect(parseBuilderEntry('beaverbuild=http://127.0.0.1:9000')).toMatchObject({
      relayName: 'beaverbuild.org',
      url: 'http://127.0.0.1:9000',
      direct: true,
    });
    expect(parseBuilderEntry('rsync=relay')).toMatchObject({ relayName: 'rsync', url: null, direct: false });
  });

  it('a bare URL is sent to directly and not named; an unknown name without a URL is refused', () => {
    expect(parseBuilderEntry('http://builder.example:8545')).toMatchObject({ named: false, direct: true });
    expect(() => parseBuilderEntry('nobody')).toThrow(ConfigError);
    expect(() => parseBuilderEntry('titan=ftp://x')).toThrow(/must be http/);
  });

  it('relays get every named builder in `builders`; builders are endpoints only when sent to directly', () => {
    const endpoints = bundleEndpoints({
      relays: ['http://relay.example/key123'],
      builders: ['titan=relay', 'rsync=http://127.0.0.1:9001', 'http://10.0.0.1:8545'],
      authSigner: Wallet.createRandom(),
      timeoutMs: 1000,
    });
    expect(endpoints.relayBuilders).toEqual(['Titan', 'rsync']);
    expect(endpoints.relays.map((r) => [r.name, r.builders])).toEqual([
      ['http://relay.example', ['Titan', 'rsync']],
    ]);
    expect(endpoints.builders.map((b) => b.name)).toEqual(['rsync', '10.0.0.1:8545']);
  });
});
