import { describe, expect, it } from 'vitest';
import { NO_DATA } from './EvmOutcome.js';
import { mulDiv } from './mulDiv.js';

const MAX = (1n << 256n) - 1n;

describe('FullMath.mulDiv', () => {
  it.each([
    [6n, 7n, 4n, 10n],
    [MAX, MAX, MAX, MAX],
    [MAX, 2n, 4n, MAX / 2n],
    [1n << 255n, 4n, 8n, 1n << 254n],
    [MAX, MAX, MAX - 1n, null],
    [1n << 128n, 1n << 128n, 1n, null],
    [1n << 128n, 1n << 128n, 2n, 1n << 255n],
    [0n, MAX, 1n, 0n],
    [5n, 5n, 0n, null],
    [0n, 0n, 0n, null],
  ])('mulDiv(%s, %s, %s) = %s (null: empty revert)', (x, y, d, expected) => {
    expect(mulDiv(x, y, d)).toEqual(
      expected === null ? { ok: false, reason: NO_DATA } : { ok: true, value: expected },
    );
  });
});
