/**
 * Policy on top of the state machine: filters, the reward floor, in-flight submissions, profit against
 * `minProfitWei` and `alwaysLiquidateAboveRewardWei`, and the figures an action carries. Fees are a flat
 * 12 gwei per gas, so every cost below is (gas of the remaining steps) × 12 gwei.
 */
import { describe, expect, it } from 'vitest';
import type { Address } from '../model/types.js';
import { decidePosition } from './decidePosition.js';
import {
  BASE,
  LENDER,
  LENDER2,
  ME,
  NEXT_BLOCK,
  NEXT_SEC,
  OTHER,
  T0,
  TOKEN_A,
  TOKEN_B,
  gwei,
  liquidatableAt,
  makeContext,
  makeInput,
  makeOrder,
  makePosition,
  permissivePolicy,
} from './testFixtures.js';
import type { DecisionPolicy, InFlightAction, PositionDecision, PositionInput } from './types.js';

const perGas = 12n * gwei;
/** One non-base asset: freeze 145,438 + completion 348,086. */
const freezeCost = (145_438n + 348_086n) * perGas;
const completeCost = 348_086n * perGas;
const refreezeCost = (166_849n + 348_086n) * perGas;
const baseOnlyCompleteCost = 89_873n * perGas;

const policy = (overrides: Partial<DecisionPolicy> = {}): DecisionPolicy => ({
  ...permissivePolicy,
  minProfitWei: 0n,
  ...overrides,
});

const unfrozen = makePosition();
const ourFreeze = makePosition({ frozenAtSec: T0, frozenBy: ME });
const expiredFreeze = makePosition({ frozenAtSec: NEXT_SEC - 3601n, frozenBy: OTHER });
const competitorBaseOnly = makePosition({ frozenAtSec: T0, frozenBy: OTHER, assets: [BASE], balances: [5n] });

function decide(
  input: Partial<PositionInput>,
  overrides: Partial<DecisionPolicy> = {},
  inFlight: ReadonlyMap<bigint, InFlightAction> = new Map(),
): PositionDecision {
  return decidePosition(makeInput(input), makeContext({ policy: policy(overrides), inFlight }));
}

const summary = (decision: PositionDecision) =>
  decision.kind === 'act'
    ? { act: decision.action.kind, reason: decision.action.reason, profit: decision.action.expectedProfitWei }
    : { skip: decision.skipped.reason };

describe('decidePosition: profit', () => {
  const rows: Array<{
    name: string;
    input: Partial<PositionInput>;
    policy?: Partial<DecisionPolicy>;
    expected: ReturnType<typeof summary>;
  }> = [
    {
      name: 'freeze: reward exactly covers both steps',
      input: { rewardValueWei: freezeCost },
      expected: { act: 'freeze', reason: 'profitable', profit: 0n },
    },
    {
      name: 'freeze: one wei short',
      input: { rewardValueWei: freezeCost - 1n },
      expected: { skip: 'unprofitable' },
    },
    {
      name: 'freeze: above a minimum profit',
      input: { rewardValueWei: freezeCost + 5n * 10n ** 15n },
      policy: { minProfitWei: 5n * 10n ** 15n },
      expected: { act: 'freeze', reason: 'profitable', profit: 5n * 10n ** 15n },
    },
    {
      name: 'freeze: one wei below a minimum profit',
      input: { rewardValueWei: freezeCost + 5n * 10n ** 15n - 1n },
      policy: { minProfitWei: 5n * 10n ** 15n },
      expected: { skip: 'unprofitable' },
    },
    {
      name: 'freeze: a negative minimum accepts a bounded loss',
      input: { rewardValueWei: 0n },
      policy: { minProfitWei: -freezeCost },
      expected: { act: 'freeze', reason: 'profitable', profit: -freezeCost },
    },
    {
      name: 'freeze: a loss beyond the negative minimum',
      input: { rewardValueWei: 0n },
      policy: { minProfitWei: 1n - freezeCost },
      expected: { skip: 'unprofitable' },
    },
    {
      name: 'complete our freeze: only the completion counts',
      input: { position: ourFreeze, rewardValueWei: completeCost },
      expected: { act: 'complete', reason: 'profitable', profit: 0n },
    },
    {
      name: 'complete our freeze: one wei short',
      input: { position: ourFreeze, rewardValueWei: completeCost - 1n },
      expected: { skip: 'unprofitable' },
    },
    {
      name: 'the same reward does not pay for a new freeze',
      input: { position: unfrozen, rewardValueWei: completeCost },
      expected: { skip: 'unprofitable' },
    },
    {
      name: 're-freeze: re-freeze plus completion',
      input: { position: expiredFreeze, rewardValueWei: refreezeCost },
      expected: { act: 'refreeze', reason: 'profitable', profit: 0n },
    },
    {
      name: 're-freeze: one wei short',
      input: { position: expiredFreeze, rewardValueWei: refreezeCost - 1n },
      expected: { skip: 'unprofitable' },
    },
    {
      name: "take over a competitor's base-only freeze: base-only completion",
      input: { position: competitorBaseOnly, rewardValueWei: baseOnlyCompleteCost },
      expected: { act: 'complete', reason: 'profitable', profit: 0n },
    },
    {
      name: 'always-liquidate: unprofitable but reward at the threshold',
      input: { rewardValueWei: 10n ** 15n },
      policy: { alwaysLiquidateAboveRewardWei: 10n ** 15n },
      expected: { act: 'freeze', reason: 'reward-above-always-threshold', profit: 10n ** 15n - freezeCost },
    },
    {
      name: 'always-liquidate: one wei below the threshold',
      input: { rewardValueWei: 10n ** 15n - 1n },
      policy: { alwaysLiquidateAboveRewardWei: 10n ** 15n },
      expected: { skip: 'unprofitable' },
    },
    {
      name: 'always-liquidate: profitable says profitable',
      input: { rewardValueWei: freezeCost },
      policy: { alwaysLiquidateAboveRewardWei: 1n },
      expected: { act: 'freeze', reason: 'profitable', profit: 0n },
    },
    {
      name: 'always-liquidate: off (null)',
      input: { rewardValueWei: 10n ** 15n },
      policy: { alwaysLiquidateAboveRewardWei: null },
      expected: { skip: 'unprofitable' },
    },
    {
      name: 'always-liquidate: also for a completion',
      input: { position: ourFreeze, rewardValueWei: 1n },
      policy: { alwaysLiquidateAboveRewardWei: 1n },
      expected: { act: 'complete', reason: 'reward-above-always-threshold', profit: 1n - completeCost },
    },
    {
      name: 'unvalued reward counts as 0: unprofitable',
      input: { rewardValueWei: null },
      expected: { skip: 'unprofitable' },
    },
    {
      name: 'unvalued reward meets an always threshold of 0',
      input: { rewardValueWei: null },
      policy: { alwaysLiquidateAboveRewardWei: 0n },
      expected: { act: 'freeze', reason: 'reward-above-always-threshold', profit: -freezeCost },
    },
    {
      name: 'unvalued reward misses an always threshold of 1 wei',
      input: { rewardValueWei: null },
      policy: { alwaysLiquidateAboveRewardWei: 1n },
      expected: { skip: 'unprofitable' },
    },
    {
      name: 'more assets cost more gas',
      input: {
        position: makePosition({ assets: [BASE, TOKEN_A, TOKEN_B], balances: [1n, 2n, 3n] }),
        rewardValueWei: freezeCost,
      },
      expected: { skip: 'unprofitable' },
    },
  ];

  it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    expect(summary(decide(row.input, row.policy))).toEqual(row.expected);
  });

  it('uses an overriding gas table', () => {
    const gasTable = { freeze: [1n], complete: [2n], refreeze: [3n] } as const;
    expect(summary(decide({ rewardValueWei: 3n * perGas }, { gasTable }))).toEqual({
      act: 'freeze',
      reason: 'profitable',
      profit: 0n,
    });
    expect(summary(decide({ rewardValueWei: 3n * perGas - 1n }, { gasTable }))).toEqual({
      skip: 'unprofitable',
    });
  });
});

describe('decidePosition: filters', () => {
  const lenderUpper = LENDER.toUpperCase().replace('0X', '0x') as Address;
  const rows: Array<{
    name: string;
    input?: Partial<PositionInput>;
    policy: Partial<DecisionPolicy>;
    expected: string;
  }> = [
    { name: 'no filters: acts', policy: {}, expected: 'freeze' },
    { name: 'lender listed', policy: { lenders: [LENDER2, LENDER] }, expected: 'freeze' },
    { name: 'lender listed in another case', policy: { lenders: [lenderUpper] }, expected: 'freeze' },
    { name: 'lender not listed', policy: { lenders: [LENDER2] }, expected: 'excluded-lender' },
    { name: 'order listed', policy: { orderIds: [1n, 3n] }, expected: 'freeze' },
    { name: 'order not listed', policy: { orderIds: [4n] }, expected: 'excluded-order' },
    {
      name: 'lender listed, order not',
      policy: { lenders: [LENDER], orderIds: [4n] },
      expected: 'excluded-order',
    },
    { name: 'both listed', policy: { lenders: [LENDER], orderIds: [3n] }, expected: 'freeze' },
    {
      name: 'lender filter is checked first',
      policy: { lenders: [LENDER2], orderIds: [4n] },
      expected: 'excluded-lender',
    },
    {
      name: 'reward at the floor',
      input: { rewardValueWei: 10n ** 16n },
      policy: { rewardFloorWei: 10n ** 16n },
      expected: 'freeze',
    },
    {
      name: 'reward one wei under the floor',
      input: { rewardValueWei: 10n ** 16n - 1n },
      policy: { rewardFloorWei: 10n ** 16n },
      expected: 'below-reward-floor',
    },
    {
      name: 'unvalued reward under any positive floor',
      input: { rewardValueWei: null },
      policy: { rewardFloorWei: 1n, minProfitWei: -(10n ** 18n) },
      expected: 'below-reward-floor',
    },
    {
      name: 'unvalued reward passes a zero floor',
      input: { rewardValueWei: null },
      policy: { rewardFloorWei: 0n, minProfitWei: -(10n ** 18n) },
      expected: 'freeze',
    },
    {
      name: 'filters apply to completing our own freeze',
      input: { position: ourFreeze },
      policy: { orderIds: [4n] },
      expected: 'excluded-order',
    },
    {
      name: 'filters win over the state (a healthy position)',
      input: {
        valuation: { kind: 'valued', debt: 1n, value: 2n, liquidatable: false, liquidatableAtSec: null },
      },
      policy: { lenders: [LENDER2] },
      expected: 'excluded-lender',
    },
    {
      name: 'the order is matched by the position, the lender by the order',
      input: { order: makeOrder({ owner: LENDER2 }) },
      policy: { lenders: [LENDER2], orderIds: [3n] },
      expected: 'freeze',
    },
  ];

  it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const decision = decide(
      { rewardValueWei: 10n ** 18n, ...row.input },
      { minProfitWei: -(10n ** 30n), ...row.policy },
    );
    expect(decision.kind === 'act' ? decision.action.kind : decision.skipped.reason).toBe(row.expected);
  });

  it('keeps the phase and the dropped candidate when a filter excludes', () => {
    const decision = decide({}, { lenders: [LENDER2] });
    expect(decision.kind === 'skip' && decision.skipped).toMatchObject({
      phase: 'liquidatable',
      candidate: 'freeze',
      reason: 'excluded-lender',
    });
  });
});

describe('decidePosition: in-flight submissions', () => {
  const record = (kind: InFlightAction['kind'], lastTargetBlock: bigint, positionId = 7n) =>
    new Map([[positionId, { kind, sender: ME, sentAtBlock: NEXT_BLOCK - 1n, lastTargetBlock }]]);
  const rows: Array<{
    name: string;
    position: ReturnType<typeof makePosition>;
    inFlight: ReadonlyMap<bigint, InFlightAction>;
    expected: string;
  }> = [
    {
      name: 'freeze targeting the next block',
      position: unfrozen,
      inFlight: record('freeze', NEXT_BLOCK),
      expected: 'in-flight',
    },
    {
      name: 'freeze targeting a later block',
      position: unfrozen,
      inFlight: record('freeze', NEXT_BLOCK + 3n),
      expected: 'in-flight',
    },
    {
      name: 'freeze whose last target passed',
      position: unfrozen,
      inFlight: record('freeze', NEXT_BLOCK - 1n),
      expected: 'freeze',
    },
    {
      name: 'a record for another position',
      position: unfrozen,
      inFlight: record('freeze', NEXT_BLOCK, 8n),
      expected: 'freeze',
    },
    {
      name: 're-freeze record holds back a freeze',
      position: unfrozen,
      inFlight: record('refreeze', NEXT_BLOCK),
      expected: 'in-flight',
    },
    {
      name: 'completion record does not hold back a freeze',
      position: unfrozen,
      inFlight: record('complete', NEXT_BLOCK),
      expected: 'freeze',
    },
    {
      name: 'completion record holds back a completion',
      position: ourFreeze,
      inFlight: record('complete', NEXT_BLOCK),
      expected: 'in-flight',
    },
    {
      name: 'passed completion record: complete again',
      position: ourFreeze,
      inFlight: record('complete', NEXT_BLOCK - 1n),
      expected: 'complete',
    },
    {
      name: 'freeze record does not hold back the completion',
      position: ourFreeze,
      inFlight: record('freeze', NEXT_BLOCK),
      expected: 'complete',
    },
    {
      name: 'freeze record holds back a re-freeze',
      position: expiredFreeze,
      inFlight: record('freeze', NEXT_BLOCK),
      expected: 'in-flight',
    },
    {
      name: 'completion record does not hold back a re-freeze',
      position: expiredFreeze,
      inFlight: record('complete', NEXT_BLOCK),
      expected: 'refreeze',
    },
  ];

  it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const decision = decide({ position: row.position }, {}, row.inFlight);
    expect(decision.kind === 'act' ? decision.action.kind : decision.skipped.reason).toBe(row.expected);
  });

  it('filters come before in-flight, in-flight before profit', () => {
    const pending = record('freeze', NEXT_BLOCK);
    expect(summary(decide({ rewardValueWei: 0n }, { lenders: [LENDER2] }, pending))).toEqual({
      skip: 'excluded-lender',
    });
    expect(summary(decide({ rewardValueWei: 0n }, {}, pending))).toEqual({ skip: 'in-flight' });
  });
});

describe('decidePosition: the action it plans', () => {
  it('a freeze', () => {
    const decision = decide({ rewardValueWei: 10n ** 16n, valuation: liquidatableAt(NEXT_SEC) });
    expect(decision).toMatchObject({
      kind: 'act',
      action: {
        positionId: 7n,
        orderId: 3n,
        kind: 'freeze',
        sender: ME,
        phase: 'liquidatable',
        reason: 'profitable',
        gasUnits: 145_438n,
        expectedCostWei: freezeCost,
        expectedProfitWei: 10n ** 16n - freezeCost,
        rewardValueWei: 10n ** 16n,
        completeBySec: null,
        liquidatableAtSec: NEXT_SEC,
      },
    });
  });

  it('a completion carries the end of its window', () => {
    const decision = decide({ position: ourFreeze, rewardValueWei: 10n ** 16n });
    expect(decision).toMatchObject({
      kind: 'act',
      action: {
        kind: 'complete',
        gasUnits: 348_086n,
        expectedCostWei: completeCost,
        completeBySec: T0 + 3600n,
      },
    });
  });

  it('a re-freeze', () => {
    const decision = decide({ position: expiredFreeze, rewardValueWei: 10n ** 16n });
    expect(decision).toMatchObject({
      kind: 'act',
      action: {
        kind: 'refreeze',
        sender: ME,
        gasUnits: 166_849n,
        expectedCostWei: refreezeCost,
        completeBySec: null,
      },
    });
  });

  it('a skip says what was dropped and why, with the figures', () => {
    const decision = decide({ rewardValueWei: 1n });
    expect(decision.kind).toBe('skip');
    if (decision.kind !== 'skip') return;
    expect(decision.skipped).toMatchObject({
      positionId: 7n,
      orderId: 3n,
      phase: 'liquidatable',
      reason: 'unprofitable',
      candidate: 'freeze',
      liquidatableAtSec: NEXT_SEC,
    });
    expect(decision.skipped.detail).toContain(`gas cost ${freezeCost} wei`);
  });

  it('a position without a call has no candidate and no liquidation time unless valued', () => {
    const decision = decide({ valuation: { kind: 'unvalued', reason: 'waiting for getPositionStatus' } });
    expect(decision).toEqual({
      kind: 'skip',
      skipped: {
        positionId: 7n,
        orderId: 3n,
        phase: 'unvalued',
        reason: 'unvalued',
        candidate: null,
        liquidatableAtSec: null,
        detail: 'waiting for getPositionStatus',
      },
    });
  });
});
