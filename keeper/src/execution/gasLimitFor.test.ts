import { describe, expect, it } from 'vitest';
import { gasLimitFor } from './gasLimitFor.js';

describe('gasLimitFor', () => {
  it.each([
    [90_105n, 0n, 90_105n],
    [90_105n, 3000n, 117_137n], // 117,136.5 rounded up
    [100_000n, 2500n, 125_000n],
    [1n, 1n, 2n],
    [618_048n, 10_000n, 1_236_096n],
  ])('%s gas with %s bps → %s', (gas, margin, limit) => {
    expect(gasLimitFor(gas, margin)).toBe(limit);
  });

  it('refuses non-positive gas and negative margins', () => {
    expect(() => gasLimitFor(0n, 0n)).toThrow(RangeError);
    expect(() => gasLimitFor(1n, -1n)).toThrow(RangeError);
  });
});
