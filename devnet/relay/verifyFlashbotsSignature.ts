import { getAddress, isAddress, isHexString, keccak256, verifyMessage } from 'ethers';

export type SignatureCheck = { ok: true; signer: string } | { ok: false; message: string };

/**
 * Checks an `X-Flashbots-Signature: <address>:<signature>` header against the raw request body. Flashbots
 * signs the keccak256 of the body's bytes as a 0x-prefixed lowercase hex *string* with EIP-191 personal-sign
 * (what `@flashbots/ethers-provider-bundle` does with `signMessage(id(body))`), so the hash is recomputed from
 * the exact bytes received, never from re-serialized JSON. Messages follow Flashbots' server.
 */
export function verifyFlashbotsSignature(header: string | undefined, body: Uint8Array): SignatureCheck {
  if (header === undefined || header.trim() === '') return { ok: false, message: 'signature is required' };
  const separator = header.indexOf(':');
  if (separator < 0) return invalid('missing separator');
  const claimed = header.slice(0, separator).trim();
  const signature = header.slice(separator + 1).trim();
  if (!isAddress(claimed)) return invalid('the address before the colon is not an address');
  // 65 bytes: r, s and a recovery id of 0/1 or 27/28.
  if (!isHexString(signature, 65)) return invalid('the signature is not 65 bytes of 0x-prefixed hex');
  let recovered: string;
  try {
    recovered = verifyMessage(keccak256(body), signature);
  } catch (cause) {
    return invalid(cause instanceof Error ? (cause.message.split(' (')[0] ?? cause.message) : String(cause));
  }
  if (recovered !== getAddress(claimed)) return invalid('signing address mismatch');
  return { ok: true, signer: recovered };
}

function invalid(detail: string): SignatureCheck {
  return { ok: false, message: `invalid signature provided: ${detail}` };
}
