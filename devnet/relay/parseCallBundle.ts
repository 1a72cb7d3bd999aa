import { JsonRpcError } from './JsonRpcError.js';
import { ParamObject } from './ParamObject.js';
import { readBundleTxs } from './readBundleTxs.js';
import type { SignedTx } from './SimTx.js';

export interface CallBundleRequest {
  txs: SignedTx[];
  /** The number the simulated block carries. */
  blockNumber: number;
  /** The state the bundle runs on: that block's post-state. */
  stateBlock: number | 'latest';
  /** The simulated block's timestamp; absent: the block the devnet will mine next (see `callBundle`). */
  timestampSec: number | undefined;
  /** The simulated block's fee recipient; absent: the state block's. */
  coinbase: string | undefined;
}

/** Reads eth_callBundle's `[{ txs, blockNumber, stateBlockNumber, timestamp?, coinbase? }]`. */
export function parseCallBundle(params: unknown, chainId: bigint): CallBundleRequest {
  const p = ParamObject.single(params);
  const txs = readBundleTxs(p, chainId);
  const blockNumber = p.quantity('blockNumber');
  if (blockNumber === undefined) throw JsonRpcError.invalidParams('blockNumber (hex) is required');
  const stateBlock = p.stateTag('stateBlockNumber');
  if (stateBlock === undefined) {
    throw JsonRpcError.invalidParams('stateBlockNumber (hex block number or "latest") is required');
  }
  return { txs, blockNumber, stateBlock, timestampSec: p.uint('timestamp'), coinbase: p.address('coinbase') };
}
