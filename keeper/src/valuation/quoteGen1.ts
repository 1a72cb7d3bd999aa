import type { Address, OracleProfile, PoolState } from '../model/types.js';
import { findPoolWithHighestLiquidity } from './findPoolWithHighestLiquidity.js';
import type { PoolIndex } from './PoolIndex.js';
import { REVERTED, type QuoteResult } from './QuoteResult.js';
import { spotAmountOut } from './spotAmountOut.js';
import { spotPrecision } from './SpotPrecision.js';
import { wrapUint } from './wrapUint.js';

export type Gen1Profile = Extract<OracleProfile, { kind: 'gen1-spot' }>;

/**
 * Gen-1 `Oracle.getAmountOut(buy, sell, amount)`: units of `buy` for `amount` of `sell`, bit for bit as the
 * contract computes it, reverts included. The pool's price is token1 per token0 in the pool's ERC-20 order, yet
 * the inversion compares the raw addresses as given (ERC-223 twins included); that mismatch is the contract's
 * and is kept.
 */
export function quoteGen1(
  profile: Gen1Profile,
  pools: PoolIndex,
  buy: Address,
  sell: Address,
  amount: bigint,
): QuoteResult {
  const pool = findPoolWithHighestLiquidity(profile.feeTiers, pools, buy, sell);
  if (typeof pool === 'string') return { ok: false, revert: pool };
  const out = spotAmountOut(
    priceX192(pool),
    isAbove(sell, buy),
    amount,
    spotPrecision(profile.pricePrecisionDecimals),
  );
  return out === REVERTED ? { ok: false, revert: 'division-by-zero' } : { ok: true, amount: out };
}

/** sqrtPriceX96² mod 2^256 as `slot0()` reports it (all zero before `initialize`). */
export function priceX192(pool: PoolState): bigint {
  const sqrtPriceX96 = pool.initialized ? pool.sqrtPriceX96 : 0n;
  return wrapUint(sqrtPriceX96 * sqrtPriceX96);
}

/** `x > y` on addresses as 160-bit numbers; lowercase hex of equal length orders like the numbers. */
export function isAbove(x: Address, y: Address): boolean {
  return x.toLowerCase() > y.toLowerCase();
}
