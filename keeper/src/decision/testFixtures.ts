/** Builders shared by the decision tests: one small world, every field overridable. */
import type { Address, OrderState, PositionState, PositionValuation } from '../model/types.js';
import type { DecisionContext, DecisionPolicy, FeeForecasts, PositionInput } from './types.js';

const address = (suffix: string): Address => `0x${suffix.padStart(40, '0')}` as Address;

export const ME = address('a1');
export const ME2 = address('a2');
export const OTHER = address('b1');
export const OWNER = address('c1');
export const LENDER = address('d1');
export const LENDER2 = address('d2');
export const BASE = address('1000');
export const TOKEN_A = address('2000');
export const TOKEN_B = address('3000');
export const TOKEN_C = address('4000');
export const TOKEN_A223 = address('2223');

/** A freeze timestamp and the block after which the tests usually plan. */
export const T0 = 1_700_000_000n;
export const NEXT_BLOCK = 101n;
export const NEXT_SEC = T0 + 12n;

export const gwei = 10n ** 9n;

/** 12 gwei per gas in every block, so costs are easy to check by hand. */
export const flatFees: FeeForecasts = {
  nextBlock: { baseFeePerGasWei: 10n * gwei, priorityFeePerGasWei: 2n * gwei },
  laterBlock: { baseFeePerGasWei: 10n * gwei, priorityFeePerGasWei: 2n * gwei },
};

/** Acts on any candidate, so state-machine tests see the state machine alone. */
export const permissivePolicy: DecisionPolicy = {
  minProfitWei: -(10n ** 30n),
  alwaysLiquidateAboveRewardWei: null,
  lenders: [],
  orderIds: [],
  rewardFloorWei: 0n,
};

export function makePosition(overrides: Partial<PositionState> = {}): PositionState {
  return {
    positionId: 7n,
    orderId: 3n,
    owner: OWNER,
    createdAtSec: T0 - 86_400n,
    deadlineSec: T0 + 86_400n,
    initialBalance: 1_000n,
    interest: 100n,
    open: true,
    frozenAtSec: 0n,
    frozenBy: address('0'),
    assets: [BASE, TOKEN_A],
    balances: [500n, 400n],
    ...overrides,
  };
}

export function makeOrder(overrides: Partial<OrderState> = {}): OrderState {
  return {
    orderId: 3n,
    owner: LENDER,
    baseAsset: BASE,
    oracle: address('0e'),
    interestRate: 100n,
    whitelist: address('0f'),
    collateralAssets: [TOKEN_A],
    alive: true,
    rewardAsset: address('0'),
    rewardAmount: 10n ** 16n,
    deadlineSec: T0 + 864_000n,
    balance: 10n ** 21n,
    ...overrides,
  };
}

export const liquidatableAt = (atSec: bigint = NEXT_SEC): PositionValuation => ({
  kind: 'valued',
  debt: 1_001n,
  value: 1_000n,
  liquidatable: true,
  liquidatableAtSec: atSec,
});

export const healthyUntil = (liquidatableAtSec: bigint | null = null): PositionValuation => ({
  kind: 'valued',
  debt: 1_000n,
  value: 1_000n,
  liquidatable: false,
  liquidatableAtSec,
});

export const reverting: PositionValuation = { kind: 'reverts', reason: 'oracle: division by zero' };
export const unvaluedYet: PositionValuation = { kind: 'unvalued', reason: 'on-chain status pending' };

export function makeInput(overrides: Partial<PositionInput> = {}): PositionInput {
  return {
    position: makePosition(),
    order: makeOrder(),
    valuation: liquidatableAt(),
    rewardValueWei: 10n ** 16n,
    ...overrides,
  };
}

export function makeContext(overrides: Partial<DecisionContext> = {}): DecisionContext {
  return {
    nextBlock: { number: NEXT_BLOCK, timestampSec: NEXT_SEC },
    ourAddresses: [ME, ME2],
    inFlight: new Map(),
    fees: flatFees,
    policy: permissivePolicy,
    erc223Addresses: new Set([TOKEN_A223]),
    ...overrides,
  };
}
