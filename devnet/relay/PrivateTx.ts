import type { Bundle } from './Bundle.js';

/**
 * A transaction sent with eth_sendPrivateTransaction: the builder tries it, alone as a one-transaction
 * bundle, in every block it builds up to `maxBlockNumber`, until it lands or is cancelled.
 */
export interface PrivateTx {
  /** The one-transaction bundle, re-targeted at each block. */
  bundle: Omit<Bundle, 'blockNumber'>;
  maxBlockNumber: number;
}
