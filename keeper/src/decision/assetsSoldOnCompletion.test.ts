import { describe, expect, it } from 'vitest';
import type { Address } from '../model/types.js';
import { assetsSoldOnCompletion } from './assetsSoldOnCompletion.js';
import { BASE, TOKEN_A, TOKEN_A223, TOKEN_B, TOKEN_C, makePosition } from './testFixtures.js';

const D = '0x0000000000000000000000000000000000005000' as Address;

describe('assetsSoldOnCompletion', () => {
  const cases: Array<
    [name: string, assets: Address[], balances: bigint[], gen1: Address[], gen2: Address[]]
  > = [
    ['base only', [BASE], [9n], [], []],
    ['base at 0 balance only', [BASE], [0n], [], []],
    ['one asset', [BASE, TOKEN_A], [1n, 2n], [TOKEN_A], [TOKEN_A]],
    // gen 1: selling A moves B into slot 1, and the loop moves on to slot 2
    [
      'two assets: the second is skipped',
      [BASE, TOKEN_A, TOKEN_B],
      [1n, 2n, 3n],
      [TOKEN_A],
      [TOKEN_B, TOKEN_A],
    ],
    [
      'three assets: A, then B; C was moved into slot 1 and skipped',
      [BASE, TOKEN_A, TOKEN_B, TOKEN_C],
      [1n, 2n, 3n, 4n],
      [TOKEN_A, TOKEN_B],
      [TOKEN_C, TOKEN_B, TOKEN_A],
    ],
    [
      'four assets: A, then B; D and C skipped',
      [BASE, TOKEN_A, TOKEN_B, TOKEN_C, D],
      [1n, 2n, 3n, 4n, 5n],
      [TOKEN_A, TOKEN_B],
      [D, TOKEN_C, TOKEN_B, TOKEN_A],
    ],
    [
      'an empty slot is passed over, not removed',
      [BASE, TOKEN_A, TOKEN_B],
      [1n, 0n, 3n],
      [TOKEN_B],
      [TOKEN_B],
    ],
    [
      'an ERC-223 asset in second place escapes gen 1',
      [BASE, TOKEN_A, TOKEN_A223],
      [1n, 2n, 3n],
      [TOKEN_A],
      [TOKEN_A223, TOKEN_A],
    ],
    [
      'an ERC-223 asset in first place is sold',
      [BASE, TOKEN_A223, TOKEN_A],
      [1n, 2n, 3n],
      [TOKEN_A223],
      [TOKEN_A, TOKEN_A223],
    ],
  ];

  it.each(cases)('%s', (_name, assets, balances, gen1, gen2) => {
    const position = makePosition({ assets, balances });
    expect(assetsSoldOnCompletion(position)).toEqual(gen1);
    expect(assetsSoldOnCompletion(position, 1)).toEqual(gen1);
    expect(assetsSoldOnCompletion(position, 2)).toEqual(gen2);
  });

  it('leaves the mirrored position untouched', () => {
    const position = makePosition({ assets: [BASE, TOKEN_A, TOKEN_B], balances: [1n, 2n, 3n] });
    assetsSoldOnCompletion(position);
    expect(position.assets).toEqual([BASE, TOKEN_A, TOKEN_B]);
    expect(position.balances).toEqual([1n, 2n, 3n]);
  });
});
