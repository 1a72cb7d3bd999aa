import { type Bundle, replacementKey } from './Bundle.js';
import type { PrivateTx } from './PrivateTx.js';

/**
 * Bundles waiting for their target block. A bundle sent with a `replacementUuid` replaces the signer's
 * earlier one with that uuid, whatever block either targets; `cancel` withdraws it. Both also reach a
 * bundle the relay is placing at that moment, up to the instant its transactions go to the node (`withdrawn`),
 * which is as late as Flashbots honours them.
 */
export class BundleStore {
  private pending: Bundle[] = [];
  private privateTxs: PrivateTx[] = [];
  private seq = 0;
  /** Per signer and uuid: the seq of the latest submission, and of the latest cancellation. */
  private readonly latest = new Map<string, number>();
  private readonly cancelled = new Map<string, number>();

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  /**
   * Adds a bundle; returns the pending bundles it replaced: the signer's bundles with the same uuid, and an
   * identical bundle for the same block sent before (a resubmission is one bundle, not two competing ones).
   */
  add(bundle: Bundle): Bundle[] {
    const key = keyOf(bundle);
    if (key !== null) this.latest.set(key, bundle.seq);
    const replaces = (b: Bundle): boolean =>
      (key !== null && keyOf(b) === key) ||
      (b.bundleHash === bundle.bundleHash &&
        b.blockNumber === bundle.blockNumber &&
        b.signer === bundle.signer);
    const replaced = this.pending.filter(replaces);
    this.pending = this.pending.filter((b) => !replaces(b));
    this.pending.push(bundle);
    return replaced;
  }

  /** Withdraws the signer's bundles with this uuid; returns the pending ones removed. */
  cancel(signer: string, replacementUuid: string): Bundle[] {
    const key = replacementKey(signer, replacementUuid);
    this.cancelled.set(key, this.nextSeq());
    const removed = this.pending.filter((b) => keyOf(b) === key);
    this.pending = this.pending.filter((b) => keyOf(b) !== key);
    return removed;
  }

  /** Removes and returns every bundle that targets `blockNumber` or an earlier block. */
  takeUpTo(blockNumber: number): Bundle[] {
    const due = this.pending.filter((b) => b.blockNumber <= blockNumber);
    this.pending = this.pending.filter((b) => b.blockNumber > blockNumber);
    return due;
  }

  /** Puts bundles taken for a block that was not mined back, unless replaced or cancelled meanwhile. */
  restore(bundles: readonly Bundle[]): void {
    for (const bundle of bundles) if (this.withdrawn(bundle) === null) this.pending.push(bundle);
  }

  /** Whether a bundle taken for placement has since been replaced or cancelled. */
  withdrawn(bundle: Bundle): 'replaced' | 'cancelled' | null {
    const key = keyOf(bundle);
    if (key === null) return null;
    if ((this.cancelled.get(key) ?? 0) > bundle.seq) return 'cancelled';
    if ((this.latest.get(key) ?? 0) > bundle.seq) return 'replaced';
    return null;
  }

  /** Keeps a private transaction; the same transaction sent again replaces the earlier request. */
  addPrivate(tx: PrivateTx): void {
    const hash = tx.bundle.bundleHash;
    this.privateTxs = this.privateTxs.filter((p) => p.bundle.bundleHash !== hash);
    this.privateTxs.push(tx);
  }

  /** Withdraws the signer's private transaction; true when there was one. */
  cancelPrivate(signer: string, txHash: string): boolean {
    const hash = txHash.toLowerCase();
    const before = this.privateTxs.length;
    this.privateTxs = this.privateTxs.filter(
      (p) => !(p.bundle.txs[0]?.hash.toLowerCase() === hash && p.bundle.signer === signer),
    );
    return this.privateTxs.length < before;
  }

  /**
   * The private transactions to try in block `blockNumber`, as one-transaction bundles targeting it; those
   * whose `maxBlockNumber` is behind it are forgotten and returned as expired.
   */
  privateFor(blockNumber: number): { due: Bundle[]; expired: Bundle[] } {
    const expired = this.privateTxs.filter((p) => p.maxBlockNumber < blockNumber);
    this.privateTxs = this.privateTxs.filter((p) => p.maxBlockNumber >= blockNumber);
    const target = (p: PrivateTx): Bundle => ({ ...p.bundle, blockNumber });
    return { due: this.privateTxs.map(target), expired: expired.map(target) };
  }

  /** Forgets a private transaction that landed. */
  forgetPrivate(bundleHash: string): void {
    this.privateTxs = this.privateTxs.filter((p) => p.bundle.bundleHash !== bundleHash);
  }

  /** Forgets every pending bundle and private transaction (tests that rewind the chain start over with this). */
  clear(): Bundle[] {
    const dropped = this.pending;
    this.pending = [];
    this.privateTxs = [];
    return dropped;
  }

  get size(): number {
    return this.pending.length;
  }
}

function keyOf(bundle: Bundle): string | null {
  return bundle.replacementUuid === null ? null : replacementKey(bundle.signer, bundle.replacementUuid);
}
