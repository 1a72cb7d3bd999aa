import { REVERTED } from './QuoteResult.js';
import { droppedDigits, type SpotPrecision } from './SpotPrecision.js';
import { wrapUint } from './wrapUint.js';

/**
 * Steps 3–4 of the gen-1 `getAmountOut` for one amount, given P = sqrtPriceX96² mod 2^256 of the chosen pool:
 * X = floor(P·s / 2^192)·10^k on the leading digits s of the amount (every product wrapping), then X itself, or
 * floor(amount² / X) when `inverse` (the sold token's raw address is above the bought one's). Returns
 * `REVERTED` where the contract divides by zero.
 */
export function spotAmountOut(
  priceX192: bigint,
  inverse: boolean,
  amount: bigint,
  precision: SpotPrecision,
): bigint {
  const k = droppedDigits(precision, amount);
  let quote: bigint;
  if (k === 0) {
    quote = wrapUint(priceX192 * amount) >> 192n;
  } else {
    const leading = amount / precision.powers[k]!;
    quote = wrapUint((wrapUint(priceX192 * leading) >> 192n) * precision.wrappedPowers[k]!);
  }
  if (!inverse) return quote;
  if (quote === 0n) return REVERTED;
  return wrapUint(amount * amount) / quote;
}
