import type { HeadBlock } from '../model/HeadBlock.js';

interface RawBlockHeader {
  number?: unknown;
  hash?: unknown;
  timestamp?: unknown;
  baseFeePerGas?: unknown;
  gasUsed?: unknown;
  gasLimit?: unknown;
}

export const HEX = /^0x[0-9a-fA-F]+$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;

/** A block header from JSON-RPC, or null when any field is missing or malformed. */
export function parseHeader(raw: unknown): HeadBlock | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const b = raw as RawBlockHeader;
  if (typeof b.number !== 'string' || !HEX.test(b.number)) return null;
  if (typeof b.hash !== 'string' || !HASH.test(b.hash)) return null;
  if (typeof b.timestamp !== 'string' || !HEX.test(b.timestamp)) return null;
  const optionalHex = (v: unknown) => (typeof v === 'string' && HEX.test(v) ? BigInt(v) : 0n);
  const number = Number(BigInt(b.number));
  const timestampSec = Number(BigInt(b.timestamp));
  if (!Number.isSafeInteger(number) || !Number.isSafeInteger(timestampSec)) return null;
  return {
    number,
    hash: b.hash.toLowerCase(),
    timestampSec,
    baseFeePerGasWei: optionalHex(b.baseFeePerGas),
    gasUsed: optionalHex(b.gasUsed),
    gasLimit: optionalHex(b.gasLimit),
  };
}
