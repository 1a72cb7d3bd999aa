import { debtOnLine, type DebtLine } from './DebtLine.js';
import { firstResidueInRange } from './firstResidueInRange.js';
import { UINT256_MODULUS, wordModulus, wrapUint } from './wrapUint.js';

const UINT256_HALF = UINT256_MODULUS >> 1n;

/**
 * The first timestamp T ≥ fromSec (T < 2^bits, block timestamps being uint256) at which debt(T) > valueWei,
 * the contract's strict liquidation rule at a value that does not move with time; null when there is none.
 *
 * Debt is ib + floor(p / D) with p = slope·Δt mod 2^256, all mod 2^256. It is non-decreasing in Δt only while
 * neither wrap happens: p falls back each time slope·Δt crosses a multiple of 2^256, and the sum falls back when
 * ib + floor(p/D) crosses 2^256. So monotone search is not exact in general. Instead, "debt > value" is turned
 * into "p lies in one of at most two intervals" (the interest values whose wrapped sum exceeds the value), and
 * p = (p0 + slope·y) mod 2^256 for y = T − fromSec, so the answer is the least y with slope·y mod 2^256 in a
 * shifted interval: `firstResidueInRange`. The usual case (no wrap before the answer) takes a closed form.
 */
export function liquidationTime(
  line: DebtLine,
  valueWei: bigint,
  fromSec: bigint,
  bits = 256,
): bigint | null {
  const { initialBalance: ib, slope, divisor, createdAtSec } = line;
  if (slope !== 0n && fromSec >= createdAtSec && valueWei >= ib) {
    // Least Δt with floor(slope·Δt / D) ≥ value − ib + 1. When nothing wraps up to that Δt, debt rises
    // monotonically to it, so it is the answer — or, if fromSec is already past it, fromSec is.
    const elapsed = ((valueWei - ib + 1n) * divisor + slope - 1n) / slope;
    const product = slope * elapsed;
    const modulus = wordModulus(bits);
    if (product < modulus && sumCannotWrap(ib, product, divisor, modulus)) {
      const at = createdAtSec + elapsed;
      if (at >= fromSec) return at < modulus ? at : null;
      const startProduct = slope * (fromSec - createdAtSec);
      if (startProduct < modulus && sumCannotWrap(ib, startProduct, divisor, modulus)) return fromSec;
    }
  }
  if (debtOnLine(line, fromSec, bits) > valueWei) return fromSec;
  if (slope === 0n) return null;
  return liquidationTimeWrapping(line, valueWei, fromSec, bits);
}

/** The exact search for every case, wraps included; `liquidationTime` tries the closed form first. */
export function liquidationTimeWrapping(
  line: DebtLine,
  valueWei: bigint,
  fromSec: bigint,
  bits = 256,
): bigint | null {
  const { initialBalance: ib, slope, divisor, createdAtSec } = line;
  const modulus = wordModulus(bits);
  const maxTimestamp = modulus - 1n;
  if (fromSec > maxTimestamp) return null;
  const maxInterest = (modulus - 1n) / divisor;
  const startProduct = wrapUint(slope * wrapUint(fromSec - createdAtSec, bits), bits);

  // Interest values i with (ib + i) mod 2^bits > value: below the sum's wrap, and above it.
  const interestRanges: [bigint, bigint][] = [];
  const belowWrapLo = valueWei >= ib ? valueWei - ib + 1n : 0n;
  const belowWrapHi = min(maxInterest, modulus - 1n - ib);
  if (belowWrapLo <= belowWrapHi) interestRanges.push([belowWrapLo, belowWrapHi]);
  const aboveWrapLo = valueWei + modulus - ib + 1n;
  if (aboveWrapLo <= maxInterest) interestRanges.push([aboveWrapLo, maxInterest]);

  let best: bigint | null = null;
  for (const [lo, hi] of interestRanges) {
    const productLo = lo * divisor;
    const productHi = min(hi * divisor + divisor - 1n, modulus - 1n);
    // The products reached from fromSec on are startProduct + slope·y; shift the interval instead.
    const shiftedLo = wrapUint(productLo - startProduct, bits);
    const shiftedHi = wrapUint(productHi - startProduct, bits);
    const pieces: [bigint, bigint][] =
      shiftedLo <= shiftedHi
        ? [[shiftedLo, shiftedHi]]
        : [
            [shiftedLo, modulus - 1n],
            [0n, shiftedHi],
          ];
    for (const [pieceLo, pieceHi] of pieces) {
      const y = firstResidueInRange(slope, modulus, pieceLo, pieceHi);
      if (y !== null && (best === null || y < best)) best = y;
    }
  }
  if (best === null || best > maxTimestamp - fromSec) return null;
  return fromSec + best;
}

/** ib + floor(product / divisor) < 2^bits, decided without a division in the usual case (ib < 2^(bits−1), D ≥ 2). */
function sumCannotWrap(ib: bigint, product: bigint, divisor: bigint, modulus: bigint): boolean {
  const half = modulus === UINT256_MODULUS ? UINT256_HALF : modulus >> 1n;
  return (divisor > 1n && ib < half) || ib + product / divisor < modulus;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
