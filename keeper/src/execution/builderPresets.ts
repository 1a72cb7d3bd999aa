import { ConfigError } from '../errors/KeeperError.js';

/** One builder (or relay) the keeper can send bundles to directly. */
export interface BuilderEndpoint {
  /** Our name for it (config key, logs, metrics). */
  name: string;
  /** How Flashbots' relay knows it: what goes in eth_sendBundle's `builders` field. */
  relayName: string;
  /** JSON-RPC endpoint taking eth_sendBundle with X-Flashbots-Signature; null when the operator must supply one. */
  url: string | null;
  /** Requests per second we allow ourselves towards it (a token bucket with this rate and burst). */
  requestsPerSecond: number;
}

/**
 * The builders that build nearly every mainnet block, as data the operator can edit or override in the
 * configuration. `relayName` values are the names in Flashbots' list of builders it multiplexes to; the URLs
 * are the builders' public bundle endpoints as that list and the builders' own documentation give them.
 * Rate limits: Flashbots documents a per-IP limit far above anything a keeper sends; the others publish none,
 * so the figures below are our own conservative choice, not the builders' — raise them only on their word.
 */
export const BUILDER_PRESETS: Readonly<Record<string, BuilderEndpoint>> = {
  flashbots: {
    name: 'flashbots',
    relayName: 'flashbots',
    url: 'https://relay.flashbots.net',
    requestsPerSecond: 10,
  },
  beaverbuild: {
    name: 'beaverbuild',
    relayName: 'beaverbuild.org',
    url: 'https://rpc.beaverbuild.org',
    requestsPerSecond: 5,
  },
  titan: {
    name: 'titan',
    relayName: 'Titan',
    url: 'https://rpc.titanbuilder.xyz',
    requestsPerSecond: 5,
  },
  rsync: {
    name: 'rsync',
    relayName: 'rsync',
    url: 'https://rsync-builder.xyz',
    requestsPerSecond: 5,
  },
};

/**
 * The endpoints for a list of names: presets, each field overridable (a devnet builder, a regional URL), and
 * names that are not presets taken from the overrides alone. A builder without a URL is a configuration error.
 */
export function resolveBuilders(
  names: readonly string[],
  overrides: Readonly<Record<string, Partial<BuilderEndpoint>>> = {},
  presets: Readonly<Record<string, BuilderEndpoint>> = BUILDER_PRESETS,
): BuilderEndpoint[] {
  return names.map((name) => {
    const preset = presets[name];
    const override = overrides[name] ?? {};
    const merged = {
      name,
      relayName: override.relayName ?? preset?.relayName ?? name,
      url: override.url ?? preset?.url ?? null,
      requestsPerSecond: override.requestsPerSecond ?? preset?.requestsPerSecond ?? 1,
    };
    if (merged.url === null) throw new ConfigError(`builder ${name}: no URL (not a preset; give one)`);
    if (!(merged.requestsPerSecond > 0))
      throw new ConfigError(`builder ${name}: requestsPerSecond must be positive`);
    return merged;
  });
}
