import type { TransactionRequest } from 'ethers';
import type { Address } from '../model/types.js';
import type { TxRequest } from './types.js';

/** What signs our transactions: an ethers Wallet, never printed. */
export interface TxSigner {
  readonly address: string;
  signTransaction(tx: TransactionRequest): Promise<string>;
}

/** Our liquidator keys by lowercase address, primary first. */
export class KeyRing {
  private readonly keys = new Map<Address, TxSigner>();

  constructor(signers: readonly TxSigner[]) {
    for (const signer of signers) this.keys.set(signer.address.toLowerCase() as Address, signer);
    if (this.keys.size === 0) throw new RangeError('execution needs at least one signing key');
  }

  get addresses(): [Address, ...Address[]] {
    return [...this.keys.keys()] as [Address, ...Address[]];
  }

  async sign(requests: readonly TxRequest[], sender: Address): Promise<string[]> {
    const key = this.keys.get(sender);
    if (key === undefined) throw new RangeError(`no key for ${sender}`);
    const signed: string[] = [];
    for (const request of requests) signed.push(await key.signTransaction({ ...request }));
    return signed;
  }
}
