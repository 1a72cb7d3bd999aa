import type { Address } from '../model/types.js';

/**
 * Nonces of our own transactions that are sent but not settled (public mempool, private RPC): the chain's
 * count does not see a private transaction, and a node's pending count forgets a dropped one, so the next
 * nonce is the larger of the chain's count and one past our highest unsettled nonce.
 */
export class NonceManager {
  private readonly open = new Map<Address, Set<number>>();

  next(sender: Address, chainNonce: number): number {
    const mine = this.open.get(sender);
    const highest = mine && mine.size > 0 ? Math.max(...mine) : -1;
    return Math.max(chainNonce, highest + 1);
  }

  take(sender: Address, nonce: number): void {
    const mine = this.open.get(sender) ?? new Set<number>();
    mine.add(nonce);
    this.open.set(sender, mine);
  }

  settle(sender: Address, nonce: number): void {
    this.open.get(sender)?.delete(nonce);
  }

  /** Nonces below the chain's count are used, by us or by a replacement: forget them. */
  forgetBelow(sender: Address, chainNonce: number): void {
    const mine = this.open.get(sender);
    if (!mine) return;
    for (const nonce of mine) if (nonce < chainNonce) mine.delete(nonce);
  }
}
