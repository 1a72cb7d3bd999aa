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
 * A gen-2 TWAP model fits the same shape: its price would come from the pool's tick history.
 */
export interface OracleModel<Price extends PairPrice = PairPrice> {
  readonly kind: string;
  readonly address: Address;
  /** Whether prices read pools: the book then re-prices a pair when any pool of that pair changes. */
  readonly readsPools: boolean;
  quote(pools: PoolIndex, buy: Address, sell: Address, amount: bigint): QuoteResult;
  price(pools: PoolIndex, buy: Address, sell: Address): Price;
  /** True when every amount quotes the same at both prices, so positions priced at `a` need no revaluation. */
  samePrice(a: Price, b: Price): boolean;
  /** The quote at `price`, or `REVERTED`; the reason is then `price.revert ?? 'division-by-zero'`. */
  amountOut(price: Price, amount: bigint): bigint;
}
