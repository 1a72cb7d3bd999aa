/**
 * Why the contract's `getAmountOut` reverts. `same-token`, `zero-token` and `no-pool` are the pool finder's
 * reasonless `require`s; `division-by-zero` is solc 0.7.6's invalid opcode on the inverse path (quote X = 0).
 */
export type QuoteRevert = 'same-token' | 'zero-token' | 'no-pool' | 'division-by-zero';

/** A quote as the contract answers it: an amount, or the revert that makes valuation (and liquidation) fail. */
export type QuoteResult = { ok: true; amount: bigint } | { ok: false; revert: QuoteRevert };

/**
 * In-band revert marker for the allocation-free hot path: no uint256 result is negative. Public functions turn
 * it into a `QuoteResult`.
 */
export const REVERTED = -1n;
