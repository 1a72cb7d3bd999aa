import { INTEREST_DENOMINATOR, INTEREST_PERIOD_SEC } from './debtGen1.js';
import { wrapUint } from './wrapUint.js';

/**
 * Generation-2 debt (the audited upstream module): the rate is applied before the time, which rounds
 * differently from generation 1: ib + floor(floor(ib·r / 10000) · Δt / 2592000), wrapping like gen 1.
 */
export function debtGen2(
  initialBalance: bigint,
  interest: bigint,
  createdAtSec: bigint,
  timestampSec: bigint,
): bigint {
  const elapsed = wrapUint(timestampSec - createdAtSec);
  const perPeriod = wrapUint(initialBalance * interest) / INTEREST_DENOMINATOR;
  return wrapUint(wrapUint(perPeriod * elapsed) / INTEREST_PERIOD_SEC + initialBalance);
}
