import { JsonRpcSigner, type TransactionRequest, type TransactionResponse } from 'ethers';

/** Gas limit of devnet transactions that do not set one (anvil runs with a large block gas limit). */
export const DEVNET_TX_GAS_LIMIT = 8_000_000n;

/**
 * An impersonated account that sends with a fixed gas limit instead of estimating. Estimation runs on the
 * latest block, whose timestamp is not the one the transaction will execute at (with automine off the next
 * block comes later), so time-dependent calls such as a liquidation's completion would estimate as reverts.
 */
export class DevnetSigner extends JsonRpcSigner {
  override sendTransaction(tx: TransactionRequest): Promise<TransactionResponse> {
    return super.sendTransaction(tx.gasLimit == null ? { ...tx, gasLimit: DEVNET_TX_GAS_LIMIT } : tx);
  }
}
