import { Interface } from 'ethers';
import type { MarginSwapStep } from '../decision/types.js';

const marginModule = new Interface([
  'function marginSwap(uint256 positionId, uint256 assetId1, uint256 whitelistId1, uint256 whitelistId2, uint256 amount, address asset2, uint24 feeTier, uint256 minAmountOut, uint160 priceLimitX96)',
]);

/**
 * The freezer's own sale of one position asset into the base asset. No price limit (0): the router then allows
 * the whole range and `minAmountOut` alone bounds what the lender can lose.
 */
export function marginSwapCalldata(positionId: bigint, step: MarginSwapStep): string {
  return marginModule.encodeFunctionData('marginSwap', [
    positionId,
    step.assetIndex,
    step.whitelistId1,
    step.whitelistId2,
    step.amount,
    step.assetOut,
    step.feeTier,
    step.minAmountOut,
    0n,
  ]);
}
