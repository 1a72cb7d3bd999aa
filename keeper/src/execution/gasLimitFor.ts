const BPS = 10_000n;

/**
 * The gas limit for a call the plan costs at `gasUnits`: a margin on top, rounded up, because the measured
 * figures are for the real contracts and a position's swaps at completion vary with pool state. Unused gas is
 * not paid for, and a call that runs out of gas fails simulation instead of landing.
 */
export function gasLimitFor(gasUnits: bigint, marginBps: bigint): bigint {
  if (gasUnits <= 0n) throw new RangeError(`gas units must be positive, got ${gasUnits}`);
  if (marginBps < 0n) throw new RangeError(`gas margin must not be negative, got ${marginBps}`);
  return (gasUnits * (BPS + marginBps) + BPS - 1n) / BPS;
}
