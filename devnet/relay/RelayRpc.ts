import { getAddress, isAddress, type JsonRpcProvider } from 'ethers';
import type { BlockProducer } from '../chain/BlockProducer.js';
import { type Bundle, replacementKey } from './Bundle.js';
import type { BuilderInbox } from './BuilderInbox.js';
import type { BundleStore } from './BundleStore.js';
import { callBundle } from './callBundle.js';
import { JsonRpcError, RPC_ERROR } from './JsonRpcError.js';
import { parseCallBundle } from './parseCallBundle.js';
import { parseCancelBundle } from './parseCancelBundle.js';
import { parsePrivateTx } from './parsePrivateTx.js';
import type { PrivateTx } from './PrivateTx.js';
import { ParamObject } from './ParamObject.js';
import { parseSendBundle } from './parseSendBundle.js';
import type { RelayLog } from './RelayLog.js';

const METHODS = new Set([
  'eth_sendBundle',
  'eth_callBundle',
  'eth_cancelBundle',
  'eth_sendPrivateTransaction',
  'eth_cancelPrivateTransaction',
  'flashbots_setFeeRefundRecipient',
]);

/**
 * The JSON-RPC methods of one builder's endpoint, called with the request's already verified signer. With
 * `peers` the endpoint is also a Flashbots-style relay: a bundle is kept by its own builder and forwarded to
 * the builders its `builders` field names (only those; unknown names are ignored, as Flashbots ignores
 * builders it does not know), and a cancellation reaches every builder the uuid's bundles were forwarded to.
 * Without `peers` it is a builder taking bundles directly: `builders` is read and not acted on.
 */
export class RelayRpc {
  private readonly counts = new Map<string, number>();
  /** Per signer and uuid: the builders a bundle with that uuid was forwarded to. */
  private readonly forwarded = new Map<string, Set<string>>();
  /** Per private transaction hash: the builders it was shared with. */
  private readonly sharedPrivate = new Map<string, Set<string>>();
  /** Per auth address: where its fee refunds go (flashbots_setFeeRefundRecipient). */
  private readonly refundRecipients = new Map<string, string>();

  constructor(
    private readonly deps: {
      provider: JsonRpcProvider;
      producer: BlockProducer;
      store: BundleStore;
      log: RelayLog;
      chainId: bigint;
      /** This builder's name (lowercase). */
      name?: string;
      /** The builders this endpoint forwards to, by name (read at each request: builders start one by one). */
      peers?: () => ReadonlyMap<string, BuilderInbox>;
    },
  ) {}

  has(method: string): boolean {
    return METHODS.has(method);
  }

  /** The fee refund recipient an auth address set (its own address when it set none, as Flashbots does). */
  refundRecipient(signer: string): string {
    return this.refundRecipients.get(getAddress(signer)) ?? getAddress(signer);
  }

  /** Keeps a private transaction in this builder's store. */
  admitPrivate(tx: PrivateTx): void {
    this.deps.store.addPrivate(tx);
  }

  /** How many signed requests each method received (e.g. to prove a client never simulated at the relay). */
  calls(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Keeps a bundle in this builder's store (a newer one with its uuid replaces the older). */
  admit(bundle: Bundle): void {
    const { store, log } = this.deps;
    for (const old of store.add(bundle)) {
      const why = old.bundleHash === bundle.bundleHash ? 'sent again' : 'same replacementUuid';
      log.drop(old, 'replaced', `replaced by bundle ${bundle.bundleHash} (${why})`, null);
    }
  }

  /** Withdraws the signer's bundles with this uuid from this builder's store. */
  withdraw(signer: string, uuid: string): string[] {
    const { store, log } = this.deps;
    const cancelled = store.cancel(signer, uuid);
    for (const bundle of cancelled) log.drop(bundle, 'cancelled', 'eth_cancelBundle', null);
    return cancelled.map((b) => b.bundleHash);
  }

  async call(method: string, params: unknown, signer: string): Promise<unknown> {
    const { provider, producer, store, chainId } = this.deps;
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    switch (method) {
      case 'eth_sendBundle': {
        const bundle = parseSendBundle(params, { signer, chainId, seq: store.nextSeq() });
        this.admit(bundle);
        this.forward(bundle);
        return { bundleHash: bundle.bundleHash };
      }
      case 'eth_callBundle':
        return callBundle(provider, producer, parseCallBundle(params, chainId));
      case 'eth_cancelBundle': {
        const uuid = parseCancelBundle(params);
        const hashes = this.withdraw(signer, uuid);
        const key = replacementKey(signer, uuid);
        const peers = this.deps.peers?.();
        for (const name of this.forwarded.get(key) ?? []) peers?.get(name)?.cancel(signer, uuid);
        this.forwarded.delete(key);
        // Flashbots documents no result; the client library types it as the cancelled bundles' hashes.
        return hashes;
      }
      case 'eth_sendPrivateTransaction': {
        const head = Number(await provider.send('eth_blockNumber', []));
        const parsed = parsePrivateTx(params, { signer, chainId, seq: store.nextSeq(), head });
        this.admitPrivate(parsed.tx);
        const peers = this.deps.peers?.();
        if (peers) {
          const hash = parsed.tx.bundle.txs[0]?.hash as string;
          const names = parsed.fast ? [...peers.keys()] : parsed.builders;
          for (const name of names) {
            const peer = peers.get(name);
            if (!peer || name === this.deps.name) continue;
            peer.receivePrivate({ ...parsed.tx, bundle: { ...parsed.tx.bundle } });
            const shared = this.sharedPrivate.get(hash) ?? new Set<string>();
            shared.add(name);
            this.sharedPrivate.set(hash, shared);
          }
        }
        return parsed.tx.bundle.txs[0]?.hash;
      }
      case 'eth_cancelPrivateTransaction': {
        const txHash = ParamObject.single(params).hash('txHash');
        if (txHash === undefined) throw JsonRpcError.invalidParams('txHash is required');
        const cancelled = store.cancelPrivate(signer, txHash);
        const peers = this.deps.peers?.();
        for (const name of this.sharedPrivate.get(txHash) ?? [])
          peers?.get(name)?.cancelPrivate(signer, txHash);
        this.sharedPrivate.delete(txHash);
        return cancelled;
      }
      case 'flashbots_setFeeRefundRecipient': {
        if (
          !Array.isArray(params) ||
          params.length !== 2 ||
          !params.every((a) => typeof a === 'string' && isAddress(a))
        ) {
          throw JsonRpcError.invalidParams('expected params [signer address, recipient address]');
        }
        const [from, to] = (params as string[]).map((a) => getAddress(a)) as [string, string];
        if (from !== getAddress(signer)) {
          throw JsonRpcError.invalidParams('the first address must be the X-Flashbots-Signature signer');
        }
        this.refundRecipients.set(from, to);
        return { from, to };
      }
      default:
        throw new JsonRpcError(RPC_ERROR.methodNotFound, 'method not found');
    }
  }

  private forward(bundle: Bundle): void {
    const peers = this.deps.peers?.();
    if (!peers) return;
    for (const name of bundle.builders) {
      const peer = peers.get(name);
      if (!peer || name === this.deps.name) continue;
      peer.receive(bundle);
      if (bundle.replacementUuid !== null) {
        const key = replacementKey(bundle.signer, bundle.replacementUuid);
        const names = this.forwarded.get(key) ?? new Set<string>();
        names.add(name);
        this.forwarded.set(key, names);
      }
    }
  }
}
