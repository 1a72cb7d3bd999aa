import type { FeeForecasts } from '../decision/types.js';

const ELASTICITY = 2n;
const BASE_FEE_CHANGE_DENOMINATOR = 8n;

/** EIP-1559: the base fee of the block after one with this base fee, gas used and gas limit. */
export function nextBaseFee(baseFeePerGas: bigint, gasUsed: bigint, gasLimit: bigint): bigint {
  const target = gasLimit / ELASTICITY;
  if (target === 0n || gasUsed === target) return baseFeePerGas;
  if (gasUsed > target) {
    const delta = (baseFeePerGas * (gasUsed - target)) / target / BASE_FEE_CHANGE_DENOMINATOR;
    return baseFeePerGas + (delta > 1n ? delta : 1n);
  }
  return baseFeePerGas - (baseFeePerGas * (target - gasUsed)) / target / BASE_FEE_CHANGE_DENOMINATOR;
}

/** Fees for the next block from the head's, with a fixed priority fee; the later block is the decision's default. */
export function predictFees(
  head: { baseFeePerGas: bigint; gasUsed: bigint; gasLimit: bigint },
  priorityFeePerGasWei: bigint,
): FeeForecasts {
  return {
    nextBlock: {
      baseFeePerGasWei: nextBaseFee(head.baseFeePerGas, head.gasUsed, head.gasLimit),
      priorityFeePerGasWei,
    },
  };
}
