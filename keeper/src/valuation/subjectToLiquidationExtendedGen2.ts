import { debtGen2 } from './debtGen2.js';
import { INTEREST_DENOMINATOR, INTEREST_PERIOD_SEC } from './debtGen1.js';
import { failure, success, type EvmOutcome } from './EvmOutcome.js';
import { wrapUint } from './wrapUint.js';

/**
 * 0.7.6's division by zero: the INVALID opcode, empty revert data and all the call's gas burnt. Spelled apart from
 * `NO_DATA` because a keeper must not retry it with more gas.
 */
export const INVALID_OPCODE = 'invalid opcode';

/** The arithmetic part of the 2090499 module's `subjectToLiquidationExtended` (generations.md §2.2). */
export interface ExtendedLiquidationView {
  /** debt > value, the same as `subjectToLiquidation`. */
  readonly liquidatable: boolean;
  readonly debt: bigint;
  /** The module's own "insolvency expected time" `t`; 0 when value ≤ debt or when interest or ib is 0. */
  readonly insolvencyExpectedTime: bigint;
}

/**
 * `t = floor((value − debt)·10000·2592000 mod 2^256 / (interest·ib mod 2^256)) + T`, wrapping, when value > debt
 * and both factors are non-zero; a product interest·ib that wraps to 0 divides by zero, so the view reverts
 * although `getPositionStatus` answers.
 */
export function subjectToLiquidationExtendedGen2(
  initialBalance: bigint,
  interest: bigint,
  createdAtSec: bigint,
  timestampSec: bigint,
  value: bigint,
): EvmOutcome<ExtendedLiquidationView> {
  const debt = debtGen2(initialBalance, interest, createdAtSec, timestampSec);
  const liquidatable = debt > value;
  if (!(value > debt && interest > 0n && initialBalance > 0n)) {
    return success({ liquidatable, debt, insolvencyExpectedTime: 0n });
  }
  const divisor = wrapUint(interest * initialBalance);
  if (divisor === 0n) return failure(INVALID_OPCODE);
  const headroom = wrapUint(wrapUint((value - debt) * INTEREST_DENOMINATOR) * INTEREST_PERIOD_SEC);
  return success({ liquidatable, debt, insolvencyExpectedTime: wrapUint(headroom / divisor + timestampSec) });
}
