import { failure, NO_DATA, success, type EvmOutcome } from './EvmOutcome.js';
import { UINT256_MODULUS } from './wrapUint.js';

/**
 * Uniswap FullMath.mulDiv: floor(x·y / d) with a 512-bit product, so nothing wraps on the way; the contract
 * reverts with empty data when d == 0 or when the quotient does not fit in 256 bits. Operands are uint256.
 */
export function mulDiv(x: bigint, y: bigint, d: bigint): EvmOutcome<bigint> {
  if (d === 0n) return failure(NO_DATA);
  const quotient = (x * y) / d;
  return quotient >= UINT256_MODULUS ? failure(NO_DATA) : success(quotient);
}
