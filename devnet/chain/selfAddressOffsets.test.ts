import { concat, hexlify, zeroPadValue } from 'ethers';
import { describe, expect, it } from 'vitest';
import { selfAddressOffsets } from './selfAddressOffsets.js';

const A = '0x1111111111111111111111111111111111111111';
const B = '0x2222222222222222222222222222222222222222';
const word = (address: string) => zeroPadValue(address, 32);
const bytes = (n: number, fill: number) => hexlify(new Uint8Array(n).fill(fill));

describe('selfAddressOffsets', () => {
  it('finds every word that holds the contract address, at any byte alignment', () => {
    const code = (self: string) =>
      concat(['0x7f', word(self), bytes(3, 0x5b), '0x7f', word(self), '0x00', word(self)]);
    expect(selfAddressOffsets(code(A), code(B), A, B)).toEqual([1, 37, 70]);
  });

  it('finds a word whose address starts with bytes both constructions share', () => {
    const a2 = '0x22aa000000000000000000000000000000000001';
    const b2 = '0x22aa000000000000000000000000000000000002';
    const code = (self: string) => concat(['0x60016002', word(self), '0x00']);
    expect(selfAddressOffsets(code(a2), code(b2), a2, b2)).toEqual([4]);
  });

  it('refuses a difference outside such a word', () => {
    const a = concat(['0x7f', word(A), '0x01']);
    const b = concat(['0x7f', word(B), '0x02']);
    expect(() => selfAddressOffsets(a, b, A, B)).toThrow(/byte 33 differs/);
  });

  it('refuses a word holding some other address', () => {
    const other = '0x3333333333333333333333333333333333333333';
    expect(() => selfAddressOffsets(concat(['0x00', word(A)]), concat(['0x00', word(other)]), A, B)).toThrow(
      /differs outside/,
    );
  });

  it('refuses codes of different lengths and identical codes', () => {
    expect(() => selfAddressOffsets('0x0001', '0x00', A, B)).toThrow(/lengths differ/);
    expect(() => selfAddressOffsets('0x0001', '0x0001', A, B)).toThrow(/identical/);
  });
});
