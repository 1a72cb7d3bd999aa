import type { Bundle } from './Bundle.js';
import type { PrivateTx } from './PrivateTx.js';

/** What a Flashbots-style relay needs of another builder to share a bundle with it (in process). */
export interface BuilderInbox {
  /** The builder's lowercase name, as senders write it in `builders`. */
  readonly name: string;
  /** Takes a bundle the relay forwards: the sender's signer is kept; its arrival order is this builder's. */
  receive(bundle: Bundle): void;
  /** Withdraws the signer's bundles with this uuid here (a cancellation the relay passes on). */
  cancel(signer: string, replacementUuid: string): void;
  /** Takes a private transaction the relay shares (fast mode, or named in `privacy.builders`). */
  receivePrivate(tx: PrivateTx): void;
  cancelPrivate(signer: string, txHash: string): void;
}
