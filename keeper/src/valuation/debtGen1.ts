import { wrapUint } from './wrapUint.js';

/** Seconds in the contract's interest period (30 days). */
export const INTEREST_PERIOD_SEC = 2_592_000n;
/** interestRate 10000 = 100 % per period. */
export const INTEREST_DENOMINATOR = 10_000n;

/**
 * Generation-1 `calculateDebtAmount`, step by step as Solidity 0.7.6 evaluates it:
 * ib + floor(floor(ib·r·Δt / 2592000) / 10000), with Δt = T − createdAt, every product, difference and the
 * final sum wrapping modulo 2^256. This is the literal reference; the keeper's hot path uses `DebtLine`.
 */
export function debtGen1(
  initialBalance: bigint,
  interest: bigint,
  createdAtSec: bigint,
  timestampSec: bigint,
): bigint {
  const elapsed = wrapUint(timestampSec - createdAtSec);
  const accrued = wrapUint(wrapUint(initialBalance * interest) * elapsed) / INTEREST_PERIOD_SEC;
  return wrapUint(accrued / INTEREST_DENOMINATOR + initialBalance);
}
