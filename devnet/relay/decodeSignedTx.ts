import { Transaction, getAddress } from 'ethers';
import { JsonRpcError } from './JsonRpcError.js';
import type { SignedTx } from './SimTx.js';

/**
 * Decodes one raw signed transaction of a bundle. Only the chain's own transaction types are accepted; blob
 * transactions cannot be bundled (they need a sidecar) and an unsigned payload has no sender to charge.
 */
export function decodeSignedTx(raw: unknown, index: number, chainId: bigint): SignedTx {
  if (typeof raw !== 'string' || !/^0x([0-9a-fA-F]{2})+$/.test(raw)) {
    throw JsonRpcError.invalidParams(`txs[${index}] is not 0x-prefixed hex bytes`);
  }
  let tx: Transaction;
  try {
    tx = Transaction.from(raw);
  } catch (cause) {
    const reason = cause instanceof Error ? (cause as { shortMessage?: string }).shortMessage : undefined;
    throw JsonRpcError.invalidParams(
      `unable to decode txs[${index}]${reason ? `: ${reason}` : ''} (expected a signed transaction)`,
    );
  }
  const from = tx.from;
  const hash = tx.hash;
  if (!from || !hash) throw JsonRpcError.invalidParams(`txs[${index}] is not signed`);
  const type = tx.type ?? 0;
  if (type === 3)
    throw JsonRpcError.invalidParams(`txs[${index}] is a blob transaction, which bundles cannot carry`);
  // EIP-7702 authorizations are not simulated by the relay; the keeper never sends them.
  if (type !== 0 && type !== 1 && type !== 2) {
    throw JsonRpcError.invalidParams(`txs[${index}] has unsupported transaction type ${type}`);
  }
  // A legacy transaction without EIP-155 protection has chain id 0 and is valid on every chain.
  if (tx.chainId !== 0n && tx.chainId !== chainId) {
    throw JsonRpcError.invalidParams(
      `txs[${index}] is signed for chain ${tx.chainId}, this relay serves chain ${chainId}`,
    );
  }
  const legacyPrice = tx.gasPrice ?? 0n;
  return {
    raw: raw.toLowerCase(),
    hash,
    from: getAddress(from),
    to: tx.to ? getAddress(tx.to) : null,
    nonce: tx.nonce,
    gasLimit: tx.gasLimit,
    value: tx.value,
    data: tx.data,
    type,
    chainId: tx.chainId,
    maxFeePerGas: type >= 2 ? (tx.maxFeePerGas ?? 0n) : legacyPrice,
    maxPriorityFeePerGas: type >= 2 ? (tx.maxPriorityFeePerGas ?? 0n) : legacyPrice,
    accessList: type >= 1 ? (tx.accessList ?? []) : null,
  };
}
