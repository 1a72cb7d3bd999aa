import { bundleHashOf } from './Bundle.js';
import { decodeSignedTx } from './decodeSignedTx.js';
import { JsonRpcError } from './JsonRpcError.js';
import { ParamObject } from './ParamObject.js';
import type { PrivateTx } from './PrivateTx.js';

/** How far ahead Flashbots keeps a private transaction: a later maxBlockNumber is clamped to this. */
export const PRIVATE_TX_MAX_BLOCKS = 25;

export interface ParsedPrivateTx {
  tx: PrivateTx;
  /** Fast mode: shared with every builder the relay knows. */
  fast: boolean;
  /** `preferences.privacy.builders`: the builders to share it with (lowercase). */
  builders: string[];
}

/** Reads eth_sendPrivateTransaction's `[{ tx, maxBlockNumber?, preferences?: { fast?, privacy?: { builders? } } }]`. */
export function parsePrivateTx(
  params: unknown,
  context: { signer: string; chainId: bigint; seq: number; head: number },
): ParsedPrivateTx {
  const p = ParamObject.single(params);
  let signed;
  try {
    signed = decodeSignedTx(p.raw('tx'), 0, context.chainId);
  } catch (err) {
    if (err instanceof JsonRpcError) throw new JsonRpcError(err.code, err.message.replace('txs[0]', 'tx'));
    throw err;
  }
  const latest = context.head + PRIVATE_TX_MAX_BLOCKS;
  const maxBlockNumber = Math.min(p.quantity('maxBlockNumber') ?? latest, latest);
  const preferences = p.object('preferences');
  const builders = preferences?.object('privacy')?.names('builders') ?? [];
  return {
    tx: {
      bundle: {
        bundleHash: bundleHashOf([signed.hash]),
        txs: [signed],
        minTimestampSec: null,
        maxTimestampSec: null,
        revertingTxHashes: new Set(),
        replacementUuid: null,
        builders,
        signer: context.signer,
        seq: context.seq,
      },
      maxBlockNumber,
    },
    fast: preferences?.bool('fast') ?? false,
    builders,
  };
}
