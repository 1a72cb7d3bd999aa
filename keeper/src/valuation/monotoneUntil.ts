import type { DebtLine } from './DebtLine.js';
import { wordModulus } from './wrapUint.js';

/**
 * The last timestamp U ≥ fromSec up to which debt cannot decrease: debt is non-decreasing on [fromSec, U].
 * Debt only falls back where slope·Δt crosses a multiple of 2^256 (the product wraps) or where
 * ib + interest crosses 2^256 (the sum wraps), or where Δt itself restarts at createdAt; U stops before the
 * first of those after fromSec. Once a position is liquidatable at fromSec it stays so through U (at a fixed
 * value), which lets the valuation book keep due positions without re-checking them every block. For ordinary
 * terms U is ~10^50 seconds away; only overflowing terms bring it near.
 */
export function monotoneUntil(line: DebtLine, fromSec: bigint, bits = 256): bigint {
  const modulus = wordModulus(bits);
  const maxTimestamp = modulus - 1n;
  const { initialBalance: ib, slope, divisor, createdAtSec } = line;
  if (slope === 0n) return maxTimestamp;
  const limit = fromSec < createdAtSec ? createdAtSec - 1n : maxTimestamp;
  const elapsed = BigInt.asUintN(bits, fromSec - createdAtSec);
  const segment = (slope * elapsed) / modulus;
  let lastElapsed = ((segment + 1n) * modulus - 1n) / slope;
  const product = slope * elapsed - segment * modulus;
  if (ib + product / divisor < modulus) {
    const sumWrapsAt = ((modulus - ib) * divisor + segment * modulus + slope - 1n) / slope;
    if (sumWrapsAt - 1n < lastElapsed) lastElapsed = sumWrapsAt - 1n;
  }
  const until = fromSec + (lastElapsed - elapsed);
  return until < limit ? until : limit;
}
