import type { Address } from '../model/types.js';
import type { PoolIndex } from './PoolIndex.js';
import type { QuoteResult, QuoteRevert } from './QuoteResult.js';

/** What a model needs from the world to quote one (buy, sell) direction; fixed until its inputs change. */
export interface PairPrice {
  /** A revert that hits every amount (no pool, same token…); null when amounts decide. */
  readonly revert: QuoteRevert | null;
}

/**
 * An oracle implementation the keeper can run in-process, chosen per oracle by its probed and verified profile.
 * Quoting is split in two so that the valuation book prices a pair once per change and then each position's
 * amount with no lookups: `price` (pool choice and price) and `amountOut` (pure arithmetic on one amount).
 * TWAP models fit the same shape, but their prices come from the pools' tick history and so depend on the
 * evaluation second as well: they take `atSec` (the timestamp of the block that would execute), which other
 * models ignore, and say so with `pricesMoveWithTime`.
 */
export interface OracleModel<Price extends PairPrice = PairPrice> {
  readonly kind: string;
  readonly address: Address;
  /** Whether prices read pools: the book then re-prices a pair when any pool of that pair changes. */
  readonly readsPools: boolean;
  /**
   * Whether a price can change with no pool event, as time alone moves the window (TWAP). A price is then
   * valid for its `atSec` only; absent means false.
   */
  readonly pricesMoveWithTime?: boolean;
  quote(pools: PoolIndex, buy: Address, sell: Address, amount: bigint, atSec?: bigint): QuoteResult;
  price(pools: PoolIndex, buy: Address, sell: Address, atSec?: bigint): Price;
  /** True when every amount quotes the same at both prices, so positions priced at `a` need no revaluation. */
  samePrice(a: Price, b: Price): boolean;
  /**
   * The quote at `price`, or `REVERTED`; the reason is then `price.revert`, else `amountRevert`'s answer, else
   * `division-by-zero`.
   */
  amountOut(price: Price, amount: bigint): bigint;
  /** Why `amountOut(price, amount)` reverts, for models whose amount half has reasons of its own. */
  amountRevert?(price: Price, amount: bigint): QuoteRevert | null;
}
