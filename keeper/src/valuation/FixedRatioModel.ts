import type { Address } from '../model/types.js';
import type { OracleModel, PairPrice } from './OracleModel.js';
import type { PoolIndex } from './PoolIndex.js';
import {
  fixedRatioAmountOut,
  fixedRatioKey,
  quoteFixedRatio,
  type FixedRatioProfile,
  type Ratio,
} from './quoteFixedRatio.js';
import type { QuoteResult } from './QuoteResult.js';

export interface FixedRatioPrice extends PairPrice {
  readonly ratio: Ratio | undefined;
}

/** The devnet's fixed-ratio test oracle as a plug-in: prices come from its profile, never from pools. */
export class FixedRatioModel implements OracleModel<FixedRatioPrice> {
  readonly kind = 'fixed-ratio';
  readonly readsPools = false;
  readonly address: Address;

  constructor(readonly profile: FixedRatioProfile) {
    this.address = profile.address.toLowerCase() as Address;
  }

  quote(_pools: PoolIndex, buy: Address, sell: Address, amount: bigint): QuoteResult {
    return quoteFixedRatio(this.profile, buy, sell, amount);
  }

  price(_pools: PoolIndex, buy: Address, sell: Address): FixedRatioPrice {
    return { revert: null, ratio: this.profile.ratios.get(fixedRatioKey(buy, sell)) };
  }

  samePrice(a: FixedRatioPrice, b: FixedRatioPrice): boolean {
    const [x, y] = [a.ratio, b.ratio];
    const unsetX = !x || x.denominator === 0n;
    const unsetY = !y || y.denominator === 0n;
    if (unsetX || unsetY) return unsetX === unsetY;
    return x.numerator === y.numerator && x.denominator === y.denominator;
  }

  amountOut(price: FixedRatioPrice, amount: bigint): bigint {
    return fixedRatioAmountOut(price.ratio, amount);
  }
}
