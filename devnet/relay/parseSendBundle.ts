import { type Bundle, bundleHashOf } from './Bundle.js';
import { JsonRpcError } from './JsonRpcError.js';
import { ParamObject } from './ParamObject.js';
import { readBundleTxs } from './readBundleTxs.js';

/** Reads eth_sendBundle's `[{ txs, blockNumber, minTimestamp?, maxTimestamp?, revertingTxHashes?, replacementUuid?, builders? }]`. */
export function parseSendBundle(
  params: unknown,
  context: { signer: string; chainId: bigint; seq: number },
): Bundle {
  const p = ParamObject.single(params);
  const txs = readBundleTxs(p, context.chainId);
  const blockNumber = p.quantity('blockNumber');
  if (blockNumber === undefined) throw JsonRpcError.invalidParams('blockNumber (hex) is required');
  // 0 means "no bound" in Flashbots' API, as an absent field does.
  const minTimestampSec = p.uint('minTimestamp') || null;
  const maxTimestampSec = p.uint('maxTimestamp') || null;
  if (minTimestampSec !== null && maxTimestampSec !== null && minTimestampSec > maxTimestampSec) {
    throw JsonRpcError.invalidParams(
      `minTimestamp ${minTimestampSec} is after maxTimestamp ${maxTimestampSec}`,
    );
  }
  return {
    bundleHash: bundleHashOf(txs.map((tx) => tx.hash)),
    txs,
    blockNumber,
    minTimestampSec,
    maxTimestampSec,
    revertingTxHashes: new Set(p.hashes('revertingTxHashes') ?? []),
    replacementUuid: p.uuid('replacementUuid') ?? null,
    builders: p.names('builders') ?? [],
    signer: context.signer,
    seq: context.seq,
  };
}
