import type { Signer } from 'ethers';
import { ConfigError } from '../errors/KeeperError.js';
import { BundleClient } from './BundleClient.js';
import { BundleEndpoint } from './BundleEndpoint.js';
import { BUILDER_PRESETS, resolveBuilders, type BuilderEndpoint } from './builderPresets.js';

/** Requests per second towards a relay or a builder given by URL only (no preset to say otherwise). */
const DEFAULT_REQUESTS_PER_SECOND = 10;

/**
 * One `execution.builders` entry: a preset name (`titan`: sent to at the preset's URL and named to the relays),
 * a preset with another URL (`titan=http://…`, a devnet or regional endpoint, keeping the preset's relay name),
 * a name reached through the relays only (`titan=relay`: named in `builders`, never sent to directly), or a
 * bare URL (sent to directly, not named to relays: Flashbots knows builders by name only).
 */
export function parseBuilderEntry(entry: string): BuilderEndpoint & { named: boolean; direct: boolean } {
  const trimmed = entry.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    const origin = new URL(trimmed).host;
    return {
      name: origin,
      relayName: origin,
      url: trimmed,
      requestsPerSecond: DEFAULT_REQUESTS_PER_SECOND,
      named: false,
      direct: true,
    };
  }
  const eq = trimmed.indexOf('=');
  const name = (eq < 0 ? trimmed : trimmed.slice(0, eq)).trim();
  const url = eq < 0 ? undefined : trimmed.slice(eq + 1).trim();
  if (name === '') throw new ConfigError(`execution.builders: empty builder name in "${entry}"`);
  if (url === 'relay') {
    const preset = BUILDER_PRESETS[name];
    return {
      name,
      relayName: preset?.relayName ?? name,
      url: null,
      requestsPerSecond: preset?.requestsPerSecond ?? 1,
      named: true,
      direct: false,
    };
  }
  if (url !== undefined && !/^https?:\/\//i.test(url))
    throw new ConfigError(`execution.builders: ${name}'s URL must be http(s) (or "relay")`);
  const [resolved] = resolveBuilders([name], url === undefined ? {} : { [name]: { url } });
  return { ...(resolved as BuilderEndpoint), named: true, direct: true };
}

/**
 * The endpoints every bundle goes to: each relay, asked with `builders` to share the bundle with every named
 * builder, and each builder directly. The relay's name list is what makes a bundle reach the builder that wins
 * the slot even when we cannot (or may not) reach that builder ourselves.
 */
export function bundleEndpoints(options: {
  relays: readonly string[];
  builders: readonly string[];
  authSigner: Signer;
  timeoutMs: number;
  fetch?: typeof fetch;
}): { relays: BundleEndpoint[]; builders: BundleEndpoint[]; relayBuilders: string[] } {
  const builders = options.builders.map(parseBuilderEntry);
  const relayBuilders = builders.filter((b) => b.named).map((b) => b.relayName);
  const client = (name: string, url: string, requestsPerSecond: number) =>
    new BundleClient({
      name,
      url,
      authSigner: options.authSigner,
      timeoutMs: options.timeoutMs,
      requestsPerSecond,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  return {
    relays: options.relays.map(
      (url) => new BundleEndpoint(client(displayName(url), url, DEFAULT_REQUESTS_PER_SECOND), relayBuilders),
    ),
    builders: builders
      .filter((b) => b.direct)
      .map((b) => new BundleEndpoint(client(b.name, b.url as string, b.requestsPerSecond), relayBuilders)),
    relayBuilders,
  };
}

/** An endpoint's URL without what may be a credential (hosted relays put keys in the path or query). */
export function displayName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}
