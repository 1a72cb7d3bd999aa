import { gasFor } from './gasFor.js';
import type { ActionKind, FeeForecast, FeeForecasts, GasTable } from './types.js';

export interface LiquidationCost {
  /** Gas of the call itself. */
  gasUnits: bigint;
  /** Gas of the completion a freeze or re-freeze still needs; 0 for a completion. */
  followUpGasUnits: bigint;
  /** Both, at the forecast fees: the call in the next block, the follow-up in a later one. */
  costWei: bigint;
}

const feePerGas = (fee: FeeForecast): bigint => fee.baseFeePerGasWei + fee.priorityFeePerGasWei;

/** The base fee can rise by at most 1/8 per block, so one block later this is an upper bound. */
function defaultLaterBlock(next: FeeForecast): FeeForecast {
  return {
    baseFeePerGasWei: (next.baseFeePerGasWei * 9n + 7n) / 8n,
    priorityFeePerGasWei: next.priorityFeePerGasWei,
  };
}

/**
 * What it costs to get from this call to the reward. A completion of a freeze already made counts alone:
 * the freeze is sunk, and only what is still to be spent decides whether to go on.
 */
export function liquidationCost(
  kind: ActionKind,
  nonBaseAssets: number,
  gasTable: GasTable,
  fees: FeeForecasts,
): LiquidationCost {
  const nextFee = feePerGas(fees.nextBlock);
  const completeGas = gasFor(gasTable.complete, nonBaseAssets);
  if (kind === 'complete') {
    return { gasUnits: completeGas, followUpGasUnits: 0n, costWei: completeGas * nextFee };
  }
  const gasUnits = gasFor(kind === 'freeze' ? gasTable.freeze : gasTable.refreeze, nonBaseAssets);
  const laterFee = feePerGas(fees.laterBlock ?? defaultLaterBlock(fees.nextBlock));
  return {
    gasUnits,
    followUpGasUnits: completeGas,
    costWei: gasUnits * nextFee + completeGas * laterFee,
  };
}
