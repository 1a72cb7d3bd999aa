import type { Address } from '../model/types.js';
import { findPoolWithHighestLiquidity } from './findPoolWithHighestLiquidity.js';
import type { OracleModel, PairPrice } from './OracleModel.js';
import type { PoolIndex } from './PoolIndex.js';
import { isAbove, priceX192, quoteGen1, type Gen1Profile } from './quoteGen1.js';
import { REVERTED, type QuoteResult } from './QuoteResult.js';
import { spotAmountOut } from './spotAmountOut.js';
import { spotPrecision, type SpotPrecision } from './SpotPrecision.js';

export interface Gen1Price extends PairPrice {
  /** The pool the oracle picks (the one `liquidate` swaps through); null on a revert. */
  readonly pool: Address | null;
  readonly priceX192: bigint;
  readonly inverse: boolean;
}

/** The gen-1 spot oracle (2025-09-08) as a plug-in. */
export class Gen1SpotModel implements OracleModel<Gen1Price> {
  readonly kind = 'gen1-spot';
  readonly readsPools = true;
  readonly address: Address;
  private readonly precision: SpotPrecision;

  constructor(readonly profile: Gen1Profile) {
    this.address = profile.address.toLowerCase() as Address;
    this.precision = spotPrecision(profile.pricePrecisionDecimals);
  }

  quote(pools: PoolIndex, buy: Address, sell: Address, amount: bigint): QuoteResult {
    return quoteGen1(this.profile, pools, buy, sell, amount);
  }

  price(pools: PoolIndex, buy: Address, sell: Address): Gen1Price {
    const pool = findPoolWithHighestLiquidity(this.profile.feeTiers, pools, buy, sell);
    if (typeof pool === 'string') return { revert: pool, pool: null, priceX192: 0n, inverse: false };
    return { revert: null, pool: pool.address, priceX192: priceX192(pool), inverse: isAbove(sell, buy) };
  }

  samePrice(a: Gen1Price, b: Gen1Price): boolean {
    return a.revert === b.revert && a.priceX192 === b.priceX192 && a.inverse === b.inverse;
  }

  amountOut(price: Gen1Price, amount: bigint): bigint {
    if (price.revert !== null) return REVERTED;
    return spotAmountOut(price.priceX192, price.inverse, amount, this.precision);
  }
}
