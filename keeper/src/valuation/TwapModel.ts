import { KeeperError } from '../errors/KeeperError.js';
import type { Address, OracleProfile, TwapOracleKind } from '../model/types.js';
import { NO_DATA, type EvmOutcome } from './EvmOutcome.js';
import type { OracleModel, PairPrice } from './OracleModel.js';
import { poolTime } from './observeSingle.js';
import type { PoolIndex } from './PoolIndex.js';
import { twapAmountOut, twapPairQuote, type TwapPairQuote } from './quoteTwap.js';
import { REVERTED, type QuoteResult, type QuoteRevert } from './QuoteResult.js';
import { RING_NOT_MIRRORED } from './twapViews.js';

export type TwapProfile = Extract<OracleProfile, { kind: TwapOracleKind }>;

export interface TwapPrice extends PairPrice {
  /** The pool the oracle picks at `atSec` (the one `liquidate` swaps through); null on a revert. */
  readonly pool: Address | null;
  /** The second this price holds for: a TWAP moves with time alone. */
  readonly atSec: bigint;
  readonly pair: TwapPairQuote;
}

/**
 * A deployed TWAP oracle (6e5e5c3 or 2d3ffd2) as a plug-in, reading the mirrored pools' rings at the evaluation
 * second. A pool whose ring is not mirrored cannot be priced at all; that is a keeper fault (ingest must mirror
 * rings before TWAP profiles are enabled), not a contract revert, so it throws instead of passing for one.
 */
export class TwapModel implements OracleModel<TwapPrice> {
  readonly kind: TwapOracleKind;
  readonly readsPools = true;
  readonly pricesMoveWithTime = true;
  readonly address: Address;

  constructor(readonly profile: TwapProfile) {
    this.kind = profile.kind;
    this.address = profile.address.toLowerCase() as Address;
  }

  quote(pools: PoolIndex, buy: Address, sell: Address, amount: bigint, atSec?: bigint): QuoteResult {
    const price = this.price(pools, buy, sell, atSec);
    const out = twapAmountOut(this.profile, price.pair, amount);
    return out.ok ? { ok: true, amount: out.value } : { ok: false, revert: quoteRevert(out.reason) };
  }

  price(pools: PoolIndex, buy: Address, sell: Address, atSec?: bigint): TwapPrice {
    if (atSec === undefined) throw new KeeperError(`TWAP oracle ${this.address} priced without a timestamp`);
    const pair = twapPairQuote(this.profile, pools, buy, sell, poolTime(atSec));
    for (const step of [pair.choice, pair.sqrtPriceX96] as EvmOutcome<unknown>[]) {
      if (!step.ok && step.reason === RING_NOT_MIRRORED) {
        throw new KeeperError(`TWAP oracle ${this.address}: a pool of ${buy}/${sell} has no mirrored ring`);
      }
    }
    return {
      revert: pair.choice.ok ? null : quoteRevert(pair.choice.reason),
      pool: pair.choice.ok ? pair.choice.value.pool.address : null,
      atSec,
      pair,
    };
  }

  /** Same revert, same TWAP sqrt price (or its revert) and same direction: every amount quotes alike. */
  samePrice(a: TwapPrice, b: TwapPrice): boolean {
    if (a.revert !== b.revert) return false;
    const [x, y] = [a.pair.sqrtPriceX96, b.pair.sqrtPriceX96];
    const sameSqrt = x.ok && y.ok ? x.value === y.value : !x.ok && !y.ok && x.reason === y.reason;
    const sameDirection =
      this.kind === 'twap-6e5e5c3'
        ? a.pair.sellAbove === b.pair.sellAbove
        : a.pair.sellIsToken0 === b.pair.sellIsToken0;
    return sameSqrt && sameDirection;
  }

  /** The amount half's reason: the zero-amount require, the TWAP's own revert, FullMath's overflow. */
  amountRevert(price: TwapPrice, amount: bigint): QuoteRevert | null {
    const out = twapAmountOut(this.profile, price.pair, amount);
    return out.ok ? null : quoteRevert(out.reason);
  }

  amountOut(price: TwapPrice, amount: bigint): bigint {
    const out = twapAmountOut(this.profile, price.pair, amount);
    return out.ok ? out.value : REVERTED;
  }
}

/** The contract's revert string in the keeper's revert vocabulary. */
export function quoteRevert(reason: string): QuoteRevert {
  switch (reason) {
    case 'Oracle: identical tokens':
      return 'same-token';
    case 'Oracle: zero address tokenA':
    case 'Oracle: zero address tokenB':
      return 'zero-token';
    case 'Oracle: no pool found':
      return 'no-pool';
    case 'Oracle: zero amount':
      return 'zero-amount';
    case 'Oracle: zero price result':
      return 'zero-price';
    case NO_DATA:
      return 'math-overflow';
    default:
      return 'observe-reverts';
  }
}
