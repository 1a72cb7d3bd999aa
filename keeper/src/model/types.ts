/**
 * The keeper's in-memory mirror of what the subgraph indexes, in raw units. Ingest builds these from
 * subgraph payloads (validated); valuation and decision read them. Addresses are 0x-prefixed lowercase hex.
 */

export type Address = `0x${string}`;

export interface OrderState {
  orderId: bigint;
  owner: Address;
  baseAsset: Address;
  oracle: Address;
  /** 10000 = 100 % per 30 days, as the contract stores it. */
  interestRate: bigint;
  whitelist: Address;
  collateralAssets: Address[];
  alive: boolean;
  /** ETH when the zero address. */
  rewardAsset: Address;
  rewardAmount: bigint;
  deadlineSec: bigint;
  balance: bigint;
}

export interface PositionState {
  positionId: bigint;
  orderId: bigint;
  owner: Address;
  createdAtSec: bigint;
  deadlineSec: bigint;
  initialBalance: bigint;
  /** The order's interestRate copied at takeLoan. */
  interest: bigint;
  open: boolean;
  /** 0 = not frozen. */
  frozenAtSec: bigint;
  /** Who froze it (zero address when never frozen). */
  frozenBy: Address;
  /** Contract order: index 0 is the order's base asset, kept even at balance 0. */
  assets: Address[];
  balances: bigint[];
}

export interface PoolState {
  address: Address;
  fee: number;
  /** The pool's ERC-20 token order (price orientation) and each token's ERC-223 twin. */
  token0: Address;
  token1: Address;
  token0Erc223: Address;
  token1Erc223: Address;
  initialized: boolean;
  sqrtPriceX96: bigint;
  tick: number;
  /** Current in-range liquidity (`pool.liquidity()`). */
  liquidity: bigint;
  /**
   * The oracle ring (`slot0` index and cardinality, `observations(i)` for i < cardinality). Only TWAP oracles read
   * it; absent while ingest does not mirror rings, and then a TWAP model cannot price the pool.
   */
  ring?: ObservationRing;
}

/** One `observations(i)` slot of a Uniswap v3 pool, raw: timestamps are uint32, cumulatives wrap. */
export interface Observation {
  blockTimestamp: number;
  /** int56 */
  tickCumulative: bigint;
  /** uint160 */
  secondsPerLiquidityCumulativeX128: bigint;
  initialized: boolean;
}

export interface ObservationRing {
  /** `slot0.observationIndex`: the newest slot. */
  index: number;
  /** `slot0.observationCardinality`; 0 before `initialize`. */
  cardinality: number;
  /** Slots 0 … cardinality−1 (slots up to cardinalityNext are never read). */
  observations: readonly Observation[];
}

/** The two TWAP oracles deployed today, by upstream commit (generations.md §4, §5). */
export type TwapOracleKind = 'twap-6e5e5c3' | 'twap-2d3ffd2';

/** How an order's oracle prices, as identified by probing its interface and verified on chain. */
export type OracleProfile =
  | {
      kind: 'gen1-spot';
      address: Address;
      factory: Address;
      feeTiers: number[];
      pricePrecisionDecimals: bigint;
    }
  | {
      kind: 'fixed-ratio';
      address: Address;
      factory: Address;
      /** Keyed by `fixedRatioKey(buy, sell)` (valuation/quoteFixedRatio.ts); a missing pair is 1:1. */
      ratios: Map<string, { numerator: bigint; denominator: bigint }>;
    }
  | {
      kind: TwapOracleKind;
      address: Address;
      factory: Address;
      /** `twapWindow()` in seconds (uint32). */
      twapWindow: number;
      /** `feeTiers(0…2)`: 500, 3000, 10000. */
      feeTiers: number[];
    }
  /** Unknown interface, or a model that disagreed with `getPositionStatus`: value it on chain. */
  | { kind: 'onchain'; address: Address; reason: string };

/** What valuation says about one position at the evaluated timestamp (the next block's). */
export type PositionValuation =
  | {
      kind: 'valued';
      debt: bigint;
      value: bigint;
      /** debt > value at the evaluated timestamp (the contract's strict rule). */
      liquidatable: boolean;
      /** First timestamp ≥ the evaluated one at which debt > value at current prices; null: never. */
      liquidatableAtSec: bigint | null;
    }
  /** The contract's valuation reverts (no pool, division by zero…): `liquidate` reverts too. */
  | { kind: 'reverts'; reason: string }
  /** Needs an on-chain answer (unknown or unverified oracle) that has not arrived. */
  | { kind: 'unvalued'; reason: string };
