import type { DebtLine } from './DebtLine.js';

/** Float rounding in the estimate (slopeFloat included) is below 10·2^-53 relative; this margin covers it amply. */
const SHRINK = 1 - 1e-14;
/** Bounds stay below 2^53 so that they are exact integers as floats; anything later is a bound as good. */
const FAR = 2 ** 52;

/**
 * A cheap lower bound on `liquidationTime(line, valueWei, fromSec)`, as an integer-valued float, or undefined
 * where it does not apply (value below the principal, a start before createdAt, zero slope, timestamps beyond
 * 2^52): the valuation book files positions under it and works out the exact second only when the bound comes
 * due or someone asks. Being a float, it costs no allocation.
 *
 * Why it is a bound even when the contract's arithmetic wraps: for every Δt below
 * Δ* = ceil((value − ib + 1)·D / slope), debt = (ib + floor((slope·Δt mod 2^256) / D)) mod 2^256 is at most
 * ib + floor(slope·Δt / D) ≤ value, since reducing modulo 2^256 never increases a number. So no second before
 * createdAt + Δ* is liquidatable. Δ* is estimated from `slopeFloat` (slope as a float, within a few ulps),
 * shrunk by a margin far above the rounding error, and floored.
 */
export function liquidationTimeBound(
  line: DebtLine,
  slopeFloat: number,
  valueWei: bigint,
  fromSec: bigint,
): number | undefined {
  const { initialBalance: ib } = line;
  const createdAt = Number(line.createdAtSec);
  const from = Number(fromSec);
  if (slopeFloat <= 0 || valueWei < ib || from < createdAt || from >= FAR) return undefined;
  const estimate = ((Number(valueWei - ib) + 1) * Number(line.divisor)) / slopeFloat;
  const at = createdAt + Math.min(Math.floor(estimate * SHRINK), FAR);
  return at > from ? at : from;
}
