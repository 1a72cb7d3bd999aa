import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/KeeperError.js';
import { BUILDER_PRESETS, resolveBuilders } from './builderPresets.js';

describe('builder presets', () => {
  it('every preset has a relay name, an https URL and a positive rate', () => {
    for (const [key, preset] of Object.entries(BUILDER_PRESETS)) {
      expect(preset.name).toBe(key);
      expect(preset.relayName).not.toBe('');
      expect(preset.url).toMatch(/^https:\/\//);
      expect(preset.requestsPerSecond).toBeGreaterThan(0);
    }
  });

  it('resolves presets by name, with fields overridden and builders that are not presets', () => {
    const resolved = resolveBuilders(['titan', 'flashbots', 'devnet-b'], {
      titan: { url: 'https://eu.rpc.titanbuilder.xyz' },
      'devnet-b': { url: 'http://127.0.0.1:9999', requestsPerSecond: 50 },
    });
    expect(resolved).toEqual([
      { name: 'titan', relayName: 'Titan', url: 'https://eu.rpc.titanbuilder.xyz', requestsPerSecond: 5 },
      {
        name: 'flashbots',
        relayName: 'flashbots',
        url: 'https://relay.flashbots.net',
        requestsPerSecond: 10,
      },
      { name: 'devnet-b', relayName: 'devnet-b', url: 'http://127.0.0.1:9999', requestsPerSecond: 50 },
    ]);
  });

  it('a builder without a URL, or with a rate that is not positive, is a configuration error', () => {
    expect(() => resolveBuilders(['unknown'])).toThrow(ConfigError);
    expect(() => resolveBuilders(['titan'], { titan: { requestsPerSecond: 0 } })).toThrow(ConfigError);
  });
});
