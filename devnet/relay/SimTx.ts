import type { AccessList } from 'ethers';

/**
 * What the relay needs to know about one transaction to simulate it and to predict how anvil will treat it:
 * a bundle's signed transaction (decoded from its raw bytes) or a public one read back from anvil's pool.
 * Legacy and EIP-2930 transactions carry their gas price in both fee fields, which is how EIP-1559 prices them.
 */
export interface SimTx {
  hash: string;
  from: string;
  /** null for a contract creation. */
  to: string | null;
  nonce: number;
  gasLimit: bigint;
  value: bigint;
  data: string;
  type: number;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
  accessList: AccessList | null;
}

/** A transaction of a bundle: a `SimTx` that also has the signed bytes the relay hands to the node. */
export interface SignedTx extends SimTx {
  raw: string;
  chainId: bigint;
}

/** The priority fee per gas a transaction pays the block's fee recipient at `baseFeeWei` (EIP-1559). */
export function tipPerGas(tx: SimTx, baseFeeWei: bigint): bigint {
  const headroom = tx.maxFeePerGas - baseFeeWei;
  if (headroom <= 0n) return 0n;
  return tx.maxPriorityFeePerGas < headroom ? tx.maxPriorityFeePerGas : headroom;
}
