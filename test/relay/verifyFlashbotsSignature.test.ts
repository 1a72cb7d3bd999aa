import { Signature, Wallet, id, keccak256, toUtf8Bytes } from 'ethers';
import { describe, expect, it } from 'vitest';
import { verifyFlashbotsSignature } from '../../devnet/relay/verifyFlashbotsSignature.js';

const key = new Wallet(keccak256(toUtf8Bytes('signature test key')));
const other = new Wallet(keccak256(toUtf8Bytes('signature test other key')));
const body = '{"jsonrpc":"2.0","id":1,"method":"eth_sendBundle","params":[]}';
const bytes = toUtf8Bytes(body);
// What @flashbots/ethers-provider-bundle sends: personal-sign of the body's keccak as a hex string.
const good = key.signMessageSync(id(body));

/** The same signature with its recovery id as 0/1 instead of 27/28 (Flashbots accepts both). */
function withLowV(signature: string): string {
  const sig = Signature.from(signature);
  return `${sig.r}${sig.s.slice(2)}${sig.v === 27 ? '00' : '01'}`;
}

describe('verifyFlashbotsSignature', () => {
  const cases: [string, string | undefined, Uint8Array, ReturnType<typeof verifyFlashbotsSignature>][] = [
    ['a valid header', `${key.address}:${good}`, bytes, { ok: true, signer: key.address }],
    ['a lowercase address', `${key.address.toLowerCase()}:${good}`, bytes, { ok: true, signer: key.address }],
    ['a 0/1 recovery id', `${key.address}:${withLowV(good)}`, bytes, { ok: true, signer: key.address }],
    ['no header', undefined, bytes, { ok: false, message: 'signature is required' }],
    ['an empty header', '', bytes, { ok: false, message: 'signature is required' }],
    [
      'no colon',
      `${key.address}${good.slice(2)}`,
      bytes,
      { ok: false, message: 'invalid signature provided: missing separator' },
    ],
    [
      'not an address',
      `0x1234:${good}`,
      bytes,
      { ok: false, message: 'invalid signature provided: the address before the colon is not an address' },
    ],
    [
      'a short signature',
      `${key.address}:${good.slice(0, 130)}`,
      bytes,
      { ok: false, message: 'invalid signature provided: the signature is not 65 bytes of 0x-prefixed hex' },
    ],
    [
      "another signer's address",
      `${other.address}:${good}`,
      bytes,
      { ok: false, message: 'invalid signature provided: signing address mismatch' },
    ],
    [
      'a body changed after signing',
      `${key.address}:${good}`,
      toUtf8Bytes(body.replace('"id":1', '"id":2')),
      { ok: false, message: 'invalid signature provided: signing address mismatch' },
    ],
    [
      'the keccak signed as bytes instead of as a hex string',
      `${key.address}:${key.signMessageSync(Buffer.from(id(body).slice(2), 'hex'))}`,
      bytes,
      { ok: false, message: 'invalid signature provided: signing address mismatch' },
    ],
  ];

  it.each(cases)('%s', (_name, header, payload, expected) => {
    expect(verifyFlashbotsSignature(header, payload)).toEqual(expected);
  });

  it('rejects a signature whose recovery id is neither 0/1 nor 27/28', () => {
    const result = verifyFlashbotsSignature(`${key.address}:${good.slice(0, 130)}05`, bytes);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.message).toMatch(/^invalid signature provided: /);
  });
});
