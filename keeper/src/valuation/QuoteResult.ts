/**
 * Why the contract's `getAmountOut` reverts. `same-token`, `zero-token` and `no-pool` are the pool finder's
 * `require`s; `division-by-zero` is solc 0.7.6's invalid opcode on the gen-1 inverse path (quote X = 0). The TWAP
 * oracles add `zero-amount` ("Oracle: zero amount"), `zero-price` (6e5e5c3's "Oracle: zero price result"),
 * `math-overflow` (FullMath's empty revert) and `observe-reverts` (the pool's "OLD"/"I" or TickMath's "T").
 */
export type QuoteRevert =
  | 'same-token'
  | 'zero-token'
  | 'no-pool'
  | 'division-by-zero'
  | 'zero-amount'
  | 'zero-price'
  | 'math-overflow'
  | 'observe-reverts';

/** A quote as the contract answers it: an amount, or the revert that makes valuation (and liquidation) fail. */
export type QuoteResult = { ok: true; amount: bigint } | { ok: false; revert: QuoteRevert };

/**
 * In-band revert marker for the allocation-free hot path: no uint256 result is negative. Public functions turn
 * it into a `QuoteResult`.
 */
export const REVERTED = -1n;
