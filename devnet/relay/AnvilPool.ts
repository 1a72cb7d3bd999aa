import { getAddress, type AccessList, type JsonRpcProvider } from 'ethers';
import { DevnetError } from '../chain/DevnetError.js';
import type { SimTx } from './SimTx.js';

/** A transaction waiting in anvil's pool, ready or queued behind a nonce gap. */
export interface PoolEntry {
  hash: string;
  from: string;
  nonce: number;
}

interface RpcTx {
  hash: string;
  from: string;
  to: string | null;
  nonce: string;
  gas: string;
  value: string;
  input: string;
  type?: string;
  gasPrice?: string;
  maxFeePerGas?: string;
  maxPriorityFeePerGas?: string;
  accessList?: AccessList;
}

type PoolSection = Record<string, Record<string, RpcTx>>;

/**
 * The relay's view of anvil's transaction pool: what is in it, the exact order anvil will mine it in, and
 * adding and removing the relay's own transactions. The order comes from anvil's pending block, which is
 * built from the pool by the same code, with the same ordering and the same skipping rules, as `evm_mine`.
 */
export class AnvilPool {
  constructor(private readonly provider: JsonRpcProvider) {}

  async content(): Promise<PoolEntry[]> {
    const content = (await this.provider.send('txpool_content', [])) as {
      pending?: PoolSection;
      queued?: PoolSection;
    };
    const entries: PoolEntry[] = [];
    for (const section of [content.pending ?? {}, content.queued ?? {}]) {
      for (const byNonce of Object.values(section)) {
        for (const tx of Object.values(byNonce)) {
          entries.push({ hash: tx.hash.toLowerCase(), from: getAddress(tx.from), nonce: Number(tx.nonce) });
        }
      }
    }
    return entries;
  }

  /** Hashes in the order the next block will hold them, if the pool does not change before it is mined. */
  async nextBlockOrder(): Promise<string[]> {
    const block = (await this.provider.send('eth_getBlockByNumber', ['pending', false])) as {
      transactions: string[];
    } | null;
    if (!block) throw new DevnetError('the node has no pending block');
    return block.transactions.map((h) => h.toLowerCase());
  }

  /** Hands a signed transaction to the pool; the node's refusal is an answer, not an exception. */
  async add(raw: string): Promise<{ ok: true } | { ok: false; message: string }> {
    try {
      await this.provider.send('eth_sendRawTransaction', [raw]);
      return { ok: true };
    } catch (err) {
      const rpc = (err as { error?: { message?: string } }).error;
      if (rpc?.message === undefined) throw err;
      return { ok: false, message: rpc.message };
    }
  }

  /**
   * Removes transactions (and, as anvil does, whatever depends on them) and checks that none is left: a
   * bundle the relay gave up on must leave nothing behind that a later block could pick up.
   */
  async remove(hashes: readonly string[]): Promise<void> {
    if (hashes.length === 0) return;
    for (const hash of [...hashes].reverse()) await this.provider.send('anvil_dropTransaction', [hash]);
    const wanted = new Set(hashes.map((h) => h.toLowerCase()));
    const left = (await this.content()).filter((entry) => wanted.has(entry.hash));
    if (left.length > 0) {
      throw new DevnetError(`could not remove ${left.length} relay transaction(s) from anvil's pool`, {
        details: { hashes: left.map((e) => e.hash) },
      });
    }
  }

  /** A transaction someone else put in the pool, in the shape the simulator takes. */
  async publicTx(hash: string): Promise<SimTx> {
    const tx = (await this.provider.send('eth_getTransactionByHash', [hash])) as RpcTx | null;
    if (!tx) throw new DevnetError(`transaction ${hash} left the pool while the relay was reading it`);
    const type = Number(tx.type ?? '0x0');
    const legacyPrice = BigInt(tx.gasPrice ?? '0x0');
    return {
      hash: tx.hash.toLowerCase(),
      from: getAddress(tx.from),
      to: tx.to ? getAddress(tx.to) : null,
      nonce: Number(tx.nonce),
      gasLimit: BigInt(tx.gas),
      value: BigInt(tx.value),
      data: tx.input,
      type,
      maxFeePerGas: type >= 2 ? BigInt(tx.maxFeePerGas ?? '0x0') : legacyPrice,
      maxPriorityFeePerGas: type >= 2 ? BigInt(tx.maxPriorityFeePerGas ?? '0x0') : legacyPrice,
      accessList: type >= 1 ? (tx.accessList ?? []) : null,
    };
  }
}
