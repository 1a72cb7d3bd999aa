import { INTEREST_DENOMINATOR, INTEREST_PERIOD_SEC } from './debtGen1.js';
import { wrapUint } from './wrapUint.js';

/** Which MarginModule generation's interest formula applies (a property of the deployment, not the oracle). */
export type DebtModel = 'gen1' | 'gen2';

/**
 * Both generations' debt reduced to one shape, debt(Δt) = (ib + floor((slope·Δt mod 2^256) / divisor)) mod 2^256,
 * with Δt = (T − createdAt) mod 2^256. Gen 1 folds its two floors into one division (⌊⌊p/a⌋/b⌋ = ⌊p/ab⌋);
 * gen 2 applies the rate first, so its slope is already floored. One shape lets `liquidationTime` reason about
 * both exactly, and the per-position constants are computed once instead of per evaluation.
 */
export interface DebtLine {
  readonly initialBalance: bigint;
  readonly slope: bigint;
  readonly divisor: bigint;
  readonly createdAtSec: bigint;
}

const GEN1_DIVISOR = INTEREST_PERIOD_SEC * INTEREST_DENOMINATOR;

export function debtLine(
  model: DebtModel,
  initialBalance: bigint,
  interest: bigint,
  createdAtSec: bigint,
): DebtLine {
  return {
    initialBalance: wrapUint(initialBalance),
    slope: debtSlope(model, initialBalance, interest),
    divisor: debtDivisor(model),
    createdAtSec,
  };
}

/** The line's slope: ib·r mod 2^256 (gen 1), or that floored by 10000 first (gen 2). */
export function debtSlope(model: DebtModel, initialBalance: bigint, interest: bigint): bigint {
  const perSecond = wrapUint(wrapUint(initialBalance) * interest);
  return model === 'gen1' ? perSecond : perSecond / INTEREST_DENOMINATOR;
}

export function debtDivisor(model: DebtModel): bigint {
  return model === 'gen1' ? GEN1_DIVISOR : INTEREST_PERIOD_SEC;
}

/** The debt at `timestampSec`. `bits` below 256 only serves brute-force tests on tiny words. */
export function debtOnLine(line: DebtLine, timestampSec: bigint, bits = 256): bigint {
  const elapsed = wrapUint(timestampSec - line.createdAtSec, bits);
  return wrapUint(line.initialBalance + wrapUint(line.slope * elapsed, bits) / line.divisor, bits);
}
