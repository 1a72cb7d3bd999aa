import type { Address, OracleProfile } from '../model/types.js';
import type { QuoteResult } from './QuoteResult.js';
import { wrapUint } from './wrapUint.js';

export type FixedRatioProfile = Extract<OracleProfile, { kind: 'fixed-ratio' }>;
export type Ratio = { numerator: bigint; denominator: bigint };

/** The key of `FixedRatioProfile.ratios`: the direction matters (a price of sell in buy says nothing of the reverse). */
export function fixedRatioKey(buy: Address, sell: Address): string {
  return `${buy.toLowerCase()}/${sell.toLowerCase()}`;
}

/**
 * The devnet's `FixedRatioOracle.getAmountOut(buy, sell, amount)`: amount·numerator/denominator with the
 * product wrapping; an unset pair (or a zero denominator, which `setRatio` refuses) is 1:1. No pool is read and
 * nothing reverts, not even buy = sell.
 */
export function quoteFixedRatio(
  profile: FixedRatioProfile,
  buy: Address,
  sell: Address,
  amount: bigint,
): QuoteResult {
  return { ok: true, amount: fixedRatioAmountOut(profile.ratios.get(fixedRatioKey(buy, sell)), amount) };
}

export function fixedRatioAmountOut(ratio: Ratio | undefined, amount: bigint): bigint {
  if (!ratio || ratio.denominator === 0n) return amount;
  return wrapUint(amount * ratio.numerator) / ratio.denominator;
}
