import type { JsonRpcProvider } from 'ethers';
import type { BlockProducer } from '../chain/BlockProducer.js';
import type { BundleStore } from './BundleStore.js';
import { callBundle } from './callBundle.js';
import { JsonRpcError, RPC_ERROR } from './JsonRpcError.js';
import { parseCallBundle } from './parseCallBundle.js';
import { parseCancelBundle } from './parseCancelBundle.js';
import { parseSendBundle } from './parseSendBundle.js';
import type { RelayLog } from './RelayLog.js';

/** The relay's JSON-RPC methods, called with the request's already verified signer. */
export class RelayRpc {
  constructor(
    private readonly deps: {
      provider: JsonRpcProvider;
      producer: BlockProducer;
      store: BundleStore;
      log: RelayLog;
      chainId: bigint;
    },
  ) {}

  has(method: string): boolean {
    return method === 'eth_sendBundle' || method === 'eth_callBundle' || method === 'eth_cancelBundle';
  }

  async call(method: string, params: unknown, signer: string): Promise<unknown> {
    const { provider, producer, store, log, chainId } = this.deps;
    switch (method) {
      case 'eth_sendBundle': {
        const bundle = parseSendBundle(params, { signer, chainId, seq: store.nextSeq() });
        for (const old of store.add(bundle)) {
          const why = old.bundleHash === bundle.bundleHash ? 'sent again' : 'same replacementUuid';
          log.drop(old, 'replaced', `replaced by bundle ${bundle.bundleHash} (${why})`, null);
        }
        return { bundleHash: bundle.bundleHash };
      }
      case 'eth_callBundle':
        return callBundle(provider, producer, parseCallBundle(params, chainId));
      case 'eth_cancelBundle': {
        const uuid = parseCancelBundle(params);
        const cancelled = store.cancel(signer, uuid);
        for (const bundle of cancelled) log.drop(bundle, 'cancelled', 'eth_cancelBundle', null);
        // Flashbots documents no result; the client library types it as the cancelled bundles' hashes.
        return cancelled.map((b) => b.bundleHash);
      }
      default:
        throw new JsonRpcError(RPC_ERROR.methodNotFound, 'method not found');
    }
  }
}
