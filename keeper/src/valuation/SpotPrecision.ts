import { wrapUint } from './wrapUint.js';

/**
 * The gen-1 oracle's "leading digits" truncation for one `pricePrecisionDecimals`, precomputed: amounts above
 * limit = 10^d mod 2^256 are divided by 10 until at most the limit, k times. k is the least k with
 * a < (limit + 1)·10^k, so a table of those bounds replaces the contract's loop of divisions.
 */
export interface SpotPrecision {
  decimals: bigint;
  /** (limit + 1)·10^k for k = 0, 1, …, up to the first bound above every uint256. */
  bounds: bigint[];
  /** 10^k (exact; k never exceeds 77 for a uint256 amount). */
  powers: bigint[];
  /** 10^k mod 2^256, the contract's `10**dropped`. */
  wrappedPowers: bigint[];
}

const cache = new Map<bigint, SpotPrecision>();

export function spotPrecision(decimals: bigint): SpotPrecision {
  const cached = cache.get(decimals);
  if (cached) return cached;
  // 10^d = 2^d·5^d, so from d = 256 on the contract's limit wraps to 0 (and is not worth computing).
  const limit = decimals >= 256n ? 0n : wrapUint(10n ** decimals);
  const bounds: bigint[] = [];
  const powers: bigint[] = [];
  const wrappedPowers: bigint[] = [];
  for (let power = 1n; ; power *= 10n) {
    bounds.push((limit + 1n) * power);
    powers.push(power);
    wrappedPowers.push(wrapUint(power));
    if ((limit + 1n) * power >= 1n << 256n) break;
  }
  const precision = { decimals, bounds, powers, wrappedPowers };
  cache.set(decimals, precision);
  return precision;
}

/** The contract's k for `amount`: how many times it divides by 10. */
export function droppedDigits(precision: SpotPrecision, amount: bigint): number {
  const { bounds } = precision;
  if (amount < bounds[0]!) return 0;
  let lo = 1;
  let hi = bounds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (amount < bounds[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
