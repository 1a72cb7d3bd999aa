import type { Address } from '../model/types.js';
import { failure, success, type EvmOutcome } from './EvmOutcome.js';
import { findTwapPool, type TwapOracleParams, type TwapPoolChoice } from './findTwapPool.js';
import { mulDiv } from './mulDiv.js';
import type { PoolIndex } from './PoolIndex.js';
import { getTwapSqrtPriceX96, observedPool, RING_NOT_MIRRORED } from './twapViews.js';
import { wrapUint } from './wrapUint.js';

/**
 * Everything `getAmountOut(buy, sell, ·)` reads before it looks at the amount: the pool choice (or its revert),
 * the TWAP sqrt price (or its revert, raised only after the amount check) and the direction.
 */
export interface TwapPairQuote {
  readonly choice: EvmOutcome<TwapPoolChoice>;
  readonly sqrtPriceX96: EvmOutcome<bigint>;
  /** 6e5e5c3: the sold token's raw address is above the bought one's (amount² / X). */
  readonly sellAbove: boolean;
  /** 2d3ffd2: the sold address is either half of the pool's `token0()` tuple. */
  readonly sellIsToken0: boolean;
}

const DIGIT_LIMIT = 100000n;
const MAX_UINT128 = (1n << 128n) - 1n;
const Q64 = 1n << 64n;
const Q128 = 1n << 128n;
const Q192 = 1n << 192n;
const POWERS_OF_TEN = Array.from({ length: 78 }, (_, k) => 10n ** BigInt(k));

/** The amount-independent half of `getAmountOut` at pool time `time`. */
export function twapPairQuote(
  oracle: TwapOracleParams,
  pools: PoolIndex,
  buy: Address,
  sell: Address,
  time: number,
): TwapPairQuote {
  const choice = findTwapPool(oracle, pools, buy, sell, time);
  const sellAbove = sell.toLowerCase() > buy.toLowerCase();
  if (!choice.ok) return { choice, sqrtPriceX96: choice, sellAbove, sellIsToken0: false };
  const { pool } = choice.value;
  const observed = observedPool(pool);
  const sqrtPriceX96 = observed
    ? getTwapSqrtPriceX96(observed, oracle.twapWindow, time)
    : failure<bigint>(RING_NOT_MIRRORED);
  const s = sell.toLowerCase();
  const sellIsToken0 = s === pool.token0.toLowerCase() || s === pool.token0Erc223.toLowerCase();
  return { choice, sqrtPriceX96, sellAbove, sellIsToken0 };
}

/** The amount half: `require(amount > 0)`, then the oracle's own formula at the TWAP price. */
export function twapAmountOut(
  oracle: Pick<TwapOracleParams, 'kind'>,
  pair: TwapPairQuote,
  amount: bigint,
): EvmOutcome<bigint> {
  if (!pair.choice.ok) return pair.choice;
  if (amount === 0n) return failure('Oracle: zero amount');
  if (!pair.sqrtPriceX96.ok) return pair.sqrtPriceX96;
  const s = pair.sqrtPriceX96.value;
  return oracle.kind === 'twap-6e5e5c3'
    ? amountOut6e5e5c3(s, pair.sellAbove, amount)
    : amountOut2d3ffd2(s, pair.sellIsToken0, amount);
}

/** `getAmountOut(buy, sell, amount)` of either TWAP oracle, reverts included. */
export function quoteTwap(
  oracle: TwapOracleParams,
  pools: PoolIndex,
  buy: Address,
  sell: Address,
  amount: bigint,
  time: number,
): EvmOutcome<bigint> {
  return twapAmountOut(oracle, twapPairQuote(oracle, pools, buy, sell, time), amount);
}

/**
 * 6e5e5c3: X = ((s·a >> 96)·s) >> 96 on the amount cut to its leading digits (≤ 100000, k divisions by 10), times
 * 10^k, every product wrapping; then X itself, or a² mod 2^256 / X when the sold raw address is above the bought
 * one (X = 0 reverts there). The price follows the pool's ERC-20 order while the direction follows raw addresses.
 */
export function amountOut6e5e5c3(s: bigint, sellAbove: boolean, amount: bigint): EvmOutcome<bigint> {
  let leading = amount;
  let k = 0;
  while (leading > DIGIT_LIMIT) {
    leading /= 10n;
    k++;
  }
  let x = wrapUint((wrapUint(s * leading) >> 96n) * s) >> 96n;
  if (k > 0) x = wrapUint(x * POWERS_OF_TEN[k]!);
  if (!sellAbove) return success(x);
  if (x === 0n) return failure('Oracle: zero price result');
  return success(wrapUint(amount * amount) / x);
}

/**
 * 2d3ffd2: full precision through FullMath. For s < 2^128, r = s² exactly and the quote is r·a / 2^192 (selling
 * token0) or 2^192·a / r; above, r = s²/2^64 and the same with 2^128. Dust quotes 0 without reverting.
 */
export function amountOut2d3ffd2(s: bigint, sellIsToken0: boolean, amount: bigint): EvmOutcome<bigint> {
  if (s <= MAX_UINT128) {
    const r = s * s;
    return sellIsToken0 ? mulDiv(r, amount, Q192) : mulDiv(Q192, amount, r);
  }
  const r = mulDiv(s, s, Q64);
  if (!r.ok) return r;
  return sellIsToken0 ? mulDiv(r.value, amount, Q128) : mulDiv(Q128, amount, r.value);
}
