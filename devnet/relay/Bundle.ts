import { concat, keccak256 } from 'ethers';
import type { SignedTx } from './SimTx.js';

/** A bundle accepted by `eth_sendBundle`, waiting for its target block. */
export interface Bundle {
  bundleHash: string;
  txs: SignedTx[];
  blockNumber: number;
  minTimestampSec: number | null;
  maxTimestampSec: number | null;
  /** Lowercase hashes of the transactions that may revert without dropping the bundle. */
  revertingTxHashes: ReadonlySet<string>;
  replacementUuid: string | null;
  /**
   * The builders (lowercase names) the sender asked a relay to share the bundle with; a relay forwards it to
   * those it knows, a builder that receives it directly keeps it to itself.
   */
  builders: string[];
  /** The address that signed the request (X-Flashbots-Signature): replacement and cancellation are per signer. */
  signer: string;
  /** Arrival order, to break ties between equally paying bundles in favour of the earlier one. */
  seq: number;
}

/**
 * Flashbots' bundle hash: keccak256 of the transactions' hashes concatenated in order, the same value
 * `FlashbotsBundleProvider.generateBundleHash` computes locally, so a client can match it without asking.
 */
export function bundleHashOf(txHashes: readonly string[]): string {
  return keccak256(concat([...txHashes]));
}

/** Cancellation and replacement are scoped to the signer: another key cannot touch someone's bundles. */
export function replacementKey(signer: string, replacementUuid: string): string {
  return `${signer.toLowerCase()}/${replacementUuid}`;
}
