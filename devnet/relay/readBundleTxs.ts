import { JsonRpcError } from './JsonRpcError.js';
import type { ParamObject } from './ParamObject.js';
import { decodeSignedTx } from './decodeSignedTx.js';
import type { SignedTx } from './SimTx.js';

/** Flashbots' published limits on one bundle. */
export const MAX_BUNDLE_TXS = 100;
export const MAX_BUNDLE_BYTES = 300_000;

/** Reads and decodes `txs`, the signed transactions shared by eth_sendBundle and eth_callBundle. */
export function readBundleTxs(params: ParamObject, chainId: bigint): SignedTx[] {
  const raw = params.array('txs');
  if (raw === undefined || raw.length === 0) {
    throw JsonRpcError.invalidParams('txs must be a non-empty array of signed transactions');
  }
  if (raw.length > MAX_BUNDLE_TXS) {
    throw JsonRpcError.invalidParams(
      `a bundle holds at most ${MAX_BUNDLE_TXS} transactions, got ${raw.length}`,
    );
  }
  const txs = raw.map((tx, i) => decodeSignedTx(tx, i, chainId));
  const bytes = txs.reduce((sum, tx) => sum + (tx.raw.length - 2) / 2, 0);
  if (bytes > MAX_BUNDLE_BYTES) {
    throw JsonRpcError.invalidParams(
      `a bundle is at most ${MAX_BUNDLE_BYTES} bytes of transactions, got ${bytes}`,
    );
  }
  const seen = new Set<string>();
  for (const tx of txs) {
    if (seen.has(tx.hash)) throw JsonRpcError.invalidParams(`transaction ${tx.hash} appears twice in txs`);
    seen.add(tx.hash);
  }
  return txs;
}
