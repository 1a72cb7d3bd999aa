import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JsonRpcProvider } from 'ethers';
import type { BlockProducer } from '../chain/BlockProducer.js';
import { DevnetError } from '../chain/DevnetError.js';
import type { Devnet } from '../Devnet.js';
import type { BuilderInbox } from './BuilderInbox.js';
import { BundlePlacer } from './BundlePlacer.js';
import { BundleStore } from './BundleStore.js';
import { DEBUG_CALLS_PATH, DEBUG_LANDED_PATH, relayRequestHandler } from './relayRequestHandler.js';
import { RelayLog, type RelayReport } from './RelayLog.js';
import { RelayRpc } from './RelayRpc.js';

/** The chain the relay builds blocks for: a devnet, or an anvil and its block producer. */
export type RelayChain = { devnet: Devnet } | { provider: JsonRpcProvider; producer: BlockProducer };

export type RelayOptions = RelayChain & {
  /** Default: a free port chosen by the OS. */
  port?: number;
  /** Default 127.0.0.1; the relay checks signatures but is a test double, not something to expose. */
  host?: string;
  /**
   * The builder's name (default "flashbots"): with a builder schedule on the producer, it places bundles only
   * into the blocks scheduled to it. Without a schedule it builds every block, whatever its name.
   */
  name?: string;
  /** Makes the endpoint a Flashbots-style relay that forwards bundles to these builders when named. */
  peers?: () => ReadonlyMap<string, BuilderInbox>;
};

export interface Relay {
  /** The builder's lowercase name. */
  readonly name: string;
  /** The URL to give `FlashbotsBundleProvider.create` (JSON-RPC at the root). */
  readonly url: string;
  /** `url` + `/debug/landed`: the same report as `landed()`, over HTTP. */
  readonly debugUrl: string;
  /** `url` + `/debug/calls`: the same counts as `calls()`, over HTTP. */
  readonly callsUrl: string;
  /** How a relay hands this builder bundles it forwards. */
  readonly inbox: BuilderInbox;
  /** How many signed requests each method received (`eth_callBundle` included). */
  calls(): Record<string, number>;
  /** Where an auth address asked its fee refunds to go (flashbots_setFeeRefundRecipient); its own by default. */
  refundRecipient(signer: string): string;
  /** What landed (audited against the receipts first), what was dropped and why. */
  landed(): Promise<RelayReport>;
  /** Makes the relay unreachable (connections refused) without forgetting bundles; placing goes on. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  /** Forgets pending bundles and the report (for tests that rewind the chain between cases). */
  clear(): Promise<void>;
  /** Stops listening and placing; leaves the chain and the producer running. */
  stop(): Promise<void>;
}

/**
 * Starts a Flashbots-compatible relay for the devnet: `eth_sendBundle`, `eth_callBundle`, `eth_cancelBundle`,
 * `eth_sendPrivateTransaction`, `eth_cancelPrivateTransaction` and `flashbots_setFeeRefundRecipient` over
 * JSON-RPC with `X-Flashbots-Signature` checked, and a hook on the block producer that places each block's
 * bundles all or nothing (see `BundlePlacer` for how, and for the limits). It is one builder: with a builder
 * schedule on the producer it builds only its own blocks, and with `peers` it also forwards (see `RelayRpc`,
 * and `startBuilders` for several).
 */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const { provider, producer } = 'devnet' in options ? options.devnet : options;
  const chainId = BigInt((await provider.send('eth_chainId', [])) as string);
  const store = new BundleStore();
  const log = new RelayLog();
  const name = (options.name ?? 'flashbots').toLowerCase();
  const placer = new BundlePlacer(provider, store, log, name);
  const rpc = new RelayRpc({
    provider,
    producer,
    store,
    log,
    chainId,
    name,
    ...(options.peers ? { peers: options.peers } : {}),
  });
  const report = async (): Promise<RelayReport> => {
    await log.audit(provider);
    return log.report();
  };
  const server = createServer(relayRequestHandler({ rpc, report }));
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, host, options.port ?? 0);

  let placing: Promise<void> = Promise.resolve();
  const unhook = producer.onBeforeBlock((next) => {
    const run = placer.placeFor(next);
    placing = run.catch(() => undefined);
    return run;
  });

  let listening = true;
  let stopped = false;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    name,
    url,
    debugUrl: `${url}${DEBUG_LANDED_PATH}`,
    callsUrl: `${url}${DEBUG_CALLS_PATH}`,
    inbox: {
      name,
      receive: (bundle) => rpc.admit({ ...bundle, seq: store.nextSeq() }),
      cancel: (signer, uuid) => void rpc.withdraw(signer, uuid),
      receivePrivate: (tx) => rpc.admitPrivate({ ...tx, bundle: { ...tx.bundle, seq: store.nextSeq() } }),
      cancelPrivate: (signer, txHash) => void store.cancelPrivate(signer, txHash),
    },
    refundRecipient: (signer) => rpc.refundRecipient(signer),
    calls: () => rpc.calls(),
    landed: report,
    async down() {
      if (!listening) return;
      listening = false;
      await close(server);
    },
    async up() {
      if (stopped) throw new DevnetError('the relay was stopped');
      if (listening) return;
      await listen(server, host, port);
      listening = true;
    },
    async clear() {
      await placing;
      await placer.reset();
      store.clear();
      log.forget();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      unhook();
      await placing;
      if (listening) await close(server);
      listening = false;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void =>
      reject(new DevnetError(`relay could not listen on ${host}:${port}`, { cause: err }));
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    // Keep-alive connections would otherwise keep answering: "down" means nobody gets through.
    server.closeAllConnections();
  });
}
