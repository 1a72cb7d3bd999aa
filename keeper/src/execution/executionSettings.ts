import type { KeeperConfig } from '../config/configSchema.js';
import type { Address } from '../model/types.js';
import type { FeePolicy } from './actionFees.js';
import type { SubmissionMode } from './types.js';

/** Execution's settings in the units its functions take (bigint for money and basis points). */
export interface ExecutionSettings {
  mode: SubmissionMode;
  /** Modes tried in order after `mode` when it could not send a block's actions; empty: none. */
  fallback: Exclude<SubmissionMode, 'bundle'>[];
  targetBlocks: number;
  fees: FeePolicy;
  gasLimitMarginBps: bigint;
  rewardReceiver: Address | null;
  bumpAfterBlocks: number;
  bumpBps: bigint;
}

export function executionSettings(execution: KeeperConfig['execution']): ExecutionSettings {
  return {
    mode: execution.mode,
    fallback: execution.mode === 'public' ? [] : [...execution.fallback],
    targetBlocks: execution.targetBlocks,
    fees: {
      profitShareBps: BigInt(execution.profitShareBps),
      minPriorityFeePerGasWei: execution.minPriorityFee,
      maxGasPriceWei: execution.maxGasPrice,
      baseFeeMultiplier: BigInt(execution.baseFeeMultiplier),
    },
    gasLimitMarginBps: BigInt(execution.gasLimitMarginBps),
    rewardReceiver: execution.rewardReceiver ?? null,
    bumpAfterBlocks: execution.bumpAfterBlocks,
    bumpBps: BigInt(execution.bumpBps),
  };
}
