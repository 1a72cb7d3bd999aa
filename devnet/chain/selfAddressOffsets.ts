import { getBytes, zeroPadValue } from 'ethers';

/**
 * Byte offsets of the 32-byte words where a contract's runtime code holds its own address, found by comparing
 * two constructions of the same creation code with the same arguments at `addressA` and `addressB`.
 *
 * Solidity writes immutables into the runtime code at deploy time and the npm artifact keeps no
 * `immutableReferences`, so the only bytes that may differ between the two codes are the words holding
 * `address(this)` (UniswapV3Pool's `original`). Any other difference, or a differing byte not inside such a
 * word in both codes, is an error: rewriting a guessed word would corrupt the code.
 */
export function selfAddressOffsets(
  codeA: string,
  codeB: string,
  addressA: string,
  addressB: string,
): number[] {
  const a = getBytes(codeA);
  const b = getBytes(codeB);
  if (a.length !== b.length) throw new Error(`code lengths differ: ${a.length} vs ${b.length}`);
  const wordA = getBytes(zeroPadValue(addressA, 32));
  const wordB = getBytes(zeroPadValue(addressB, 32));
  const offsets: number[] = [];
  let i = 0;
  while (i < a.length) {
    if (a[i] === b[i]) {
      i++;
      continue;
    }
    // The first differing byte lies in the address part of the word; try every start that would include it.
    const starts: number[] = [];
    for (let start = Math.max(0, i - 31); start <= i; start++) {
      if (wordAt(a, start, wordA) && wordAt(b, start, wordB)) starts.push(start);
    }
    if (starts.length !== 1) {
      throw new Error(`byte ${i} differs outside a word holding the contract's own address`);
    }
    offsets.push(starts[0]!);
    i = starts[0]! + 32;
  }
  if (offsets.length === 0) throw new Error('the two codes are identical: no self-address word found');
  return offsets;
}

function wordAt(code: Uint8Array, start: number, word: Uint8Array): boolean {
  if (start + 32 > code.length) return false;
  for (let k = 0; k < 32; k++) if (code[start + k] !== word[k]) return false;
  return true;
}
