import type { BuilderSchedule } from '../chain/BlockProducer.js';
import { DevnetError } from '../chain/DevnetError.js';
import type { BuilderInbox } from './BuilderInbox.js';
import { startRelay, type Relay, type RelayChain } from './startRelay.js';

export type BuildersOptions = RelayChain & {
  /** The builders' names, each with its own endpoint, bundle store and auction. The first is the relay. */
  names: readonly string[];
  /** Which builder builds each block (see `builderSchedule`); set on the producer until `stop()`. */
  schedule: BuilderSchedule;
  host?: string;
};

export interface Builders {
  /** The first builder's endpoint, which is also the Flashbots-style relay forwarding to the others. */
  readonly relay: Relay;
  /** Every builder by lowercase name, the relay's own builder included, each taking bundles directly. */
  readonly byName: ReadonlyMap<string, Relay>;
  /** Stops every endpoint and removes the schedule from the producer. */
  stop(): Promise<void>;
}

/**
 * Several builders on one devnet, standing for the market's few builders that build nearly every block: the
 * producer asks its schedule which one builds each block, and only that builder places bundles into it, from
 * its own store. A bundle sent to one builder alone misses every block another builds; the relay (the first
 * builder's endpoint) forwards a bundle to the builders its `builders` field names, as Flashbots' relay does.
 */
export async function startBuilders(options: BuildersOptions): Promise<Builders> {
  const names = options.names.map((n) => n.trim().toLowerCase());
  if (names.length === 0) throw new DevnetError('at least one builder is needed');
  if (new Set(names).size !== names.length)
    throw new DevnetError(`builder names repeat: ${names.join(', ')}`);
  const producer = 'devnet' in options ? options.devnet.producer : options.producer;
  const byName = new Map<string, Relay>();
  const inboxes = new Map<string, BuilderInbox>();
  const chain: RelayChain =
    'devnet' in options ? { devnet: options.devnet } : { provider: options.provider, producer };
  try {
    for (const [i, name] of names.entries()) {
      const relay = await startRelay({
        ...chain,
        name,
        ...(options.host ? { host: options.host } : {}),
        ...(i === 0 ? { peers: () => inboxes } : {}),
      });
      byName.set(name, relay);
      inboxes.set(name, relay.inbox);
    }
  } catch (err) {
    for (const relay of byName.values()) await relay.stop();
    throw err;
  }
  producer.setBuilderSchedule(options.schedule);
  const relay = byName.get(names[0] as string) as Relay;
  return {
    relay,
    byName,
    async stop() {
      producer.setBuilderSchedule(undefined);
      for (const builder of byName.values()) await builder.stop();
    },
  };
}
