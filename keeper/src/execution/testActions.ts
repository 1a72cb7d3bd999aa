/** Builders shared by the execution tests: planned actions with every field overridable. */
import type { PlannedAction } from '../decision/types.js';
import type { Address } from '../model/types.js';
import type { ExecutionSettings } from './executionSettings.js';

export const address = (suffix: string): Address => `0x${suffix.padStart(40, '0')}` as Address;

export const KEY_A = address('a1');
export const KEY_B = address('a2');
export const KEY_C = address('a3');
export const MODULE = address('5f');
export const gwei = 10n ** 9n;

export function makeAction(overrides: Partial<PlannedAction> = {}): PlannedAction {
  return {
    positionId: 7n,
    orderId: 3n,
    kind: 'freeze',
    sender: KEY_A,
    phase: 'liquidatable',
    reason: 'profitable',
    gasUnits: 100_000n,
    expectedCostWei: 10n ** 15n,
    expectedProfitWei: 10n ** 16n,
    rewardValueWei: 11n * 10n ** 15n,
    completeBySec: null,
    liquidatableAtSec: 1_700_000_012n,
    detail: '',
    ...overrides,
  };
}

/** Bundle mode, no fallback, one target block: the executor's settings in the execution unit tests. */
export const testExecutionSettings: ExecutionSettings = {
  mode: 'bundle',
  fallback: [],
  targetBlocks: 1,
  fees: {
    profitShareBps: 1000n,
    minPriorityFeePerGasWei: gwei,
    maxGasPriceWei: 500n * gwei,
    baseFeeMultiplier: 2n,
  },
  gasLimitMarginBps: 3000n,
  rewardReceiver: null,
  bumpAfterBlocks: 3,
  bumpBps: 1250n,
};
