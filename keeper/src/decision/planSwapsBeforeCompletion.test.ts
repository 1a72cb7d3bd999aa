import { describe, expect, it } from 'vitest';
import {
  planSwapsBeforeCompletion,
  type BlockedCompletion,
  type SwapBeforeCompletionContext,
} from './planSwapsBeforeCompletion.js';
import {
  BASE,
  ME,
  ME2,
  NEXT_SEC,
  OTHER,
  T0,
  TOKEN_A,
  TOKEN_A223,
  TOKEN_B,
  TOKEN_C,
  makeOrder,
  makePosition,
} from './testFixtures.js';
import type { PlannedAction } from './types.js';

const completion = (overrides: Partial<PlannedAction> = {}): PlannedAction => ({
  positionId: 7n,
  orderId: 3n,
  kind: 'complete',
  sender: ME,
  phase: 'completable',
  reason: 'profitable',
  gasUnits: 600_000n,
  expectedCostWei: 1n,
  expectedProfitWei: 2n,
  rewardValueWei: 3n,
  completeBySec: T0 + 3600n,
  liquidatableAtSec: NEXT_SEC,
  detail: 'completes our freeze',
  ...overrides,
});

const on: SwapBeforeCompletionContext = {
  policy: { enabled: true, maxSlippageBps: 300 },
  ourAddresses: [ME, ME2],
  erc223Addresses: new Set([TOKEN_A223]),
  moduleGeneration: 3,
};

/** Frozen by us at T0, holding the base, A (index 1) and B (index 2). */
function blocked(overrides: Partial<BlockedCompletion> = {}): BlockedCompletion {
  return {
    action: completion(),
    position: makePosition({
      frozenAtSec: T0,
      frozenBy: ME,
      assets: [BASE, TOKEN_A, TOKEN_B],
      balances: [500n, 400n, 7_000n],
    }),
    order: makeOrder(),
    quotes: [1_000_003n, 333n],
    pricingPoolFee: (i) => (i === 1 ? 3000 : 500),
    tokenlist: [TOKEN_B, BASE, TOKEN_A],
    ...overrides,
  };
}

describe('planSwapsBeforeCompletion', () => {
  it('off by default in config terms: never swaps, whatever else holds', () => {
    const decision = planSwapsBeforeCompletion(blocked(), {
      ...on,
      policy: { enabled: false, maxSlippageBps: 300 },
    });
    expect(decision).toEqual({ kind: 'wait', reason: 'policy swapBeforeCompletion is off' });
  });

  it('on: sells every non-base balance, last asset first, then completes, with the exact minimum', () => {
    const decision = planSwapsBeforeCompletion(blocked(), on);
    expect(decision.kind).toBe('swap-then-complete');
    if (decision.kind !== 'swap-then-complete') return;
    expect(decision.action.kind).toBe('complete');
    expect(decision.action.sender).toBe(ME);
    expect(decision.action.swapsFirst).toEqual([
      {
        assetIndex: 2,
        asset: TOKEN_B,
        whitelistId1: 0n,
        whitelistId2: 1n,
        amount: 7_000n,
        assetOut: BASE,
        feeTier: 500,
        quote: 333n,
        // floor(333 × 9700 / 10000) = floor(323.01)
        minAmountOut: 323n,
        gasUnits: 0n,
      },
      {
        assetIndex: 1,
        asset: TOKEN_A,
        whitelistId1: 2n,
        whitelistId2: 1n,
        amount: 400n,
        assetOut: BASE,
        feeTier: 3000,
        quote: 1_000_003n,
        // floor(1000003 × 9700 / 10000) = floor(970002.91)
        minAmountOut: 970_002n,
        gasUnits: 0n,
      },
    ]);
    // The plan line says what the lender may lose and that our reward does not move.
    expect(decision.action.detail).toContain('the lender may get up to 30011 base units under');
    expect(decision.action.detail).toContain("the oracle's 1000336");
    expect(decision.action.detail).toContain('our reward is unchanged');
    expect(decision.action.detail).toContain('completes our freeze');
  });

  it.each([
    [0, 1_000_003n],
    [1, 999_902n],
    [500, 950_002n],
    [9999, 100n],
  ])('maxSlippageBps %i gives minAmountOut %i on a quote of 1000003', (bps, expected) => {
    const decision = planSwapsBeforeCompletion(
      blocked({
        position: makePosition({
          frozenAtSec: T0,
          frozenBy: ME,
          assets: [BASE, TOKEN_A],
          balances: [0n, 9n],
        }),
        quotes: [1_000_003n],
      }),
      { ...on, policy: { enabled: true, maxSlippageBps: bps } },
    );
    expect(decision.kind === 'swap-then-complete' && decision.action.swapsFirst?.[0]?.minAmountOut).toBe(
      expected,
    );
  });

  it('swaps only for our own freezes: the freezer may marginSwap, anyone else may not', () => {
    const theirs = blocked({
      position: makePosition({
        frozenAtSec: T0,
        frozenBy: OTHER,
        assets: [BASE, TOKEN_A],
        balances: [1n, 2n],
      }),
      quotes: [10n],
    });
    expect(planSwapsBeforeCompletion(theirs, on)).toEqual({
      kind: 'wait',
      reason: `frozen by ${OTHER}, not by us: only the freezer or the owner may marginSwap it`,
    });
  });

  it('the swaps and the completion go out from the key that froze it (any of ours, any case)', () => {
    const upper = `0x${ME2.slice(2).toUpperCase()}` as typeof ME2;
    const decision = planSwapsBeforeCompletion(
      blocked({
        action: completion({ sender: ME }),
        position: makePosition({
          frozenAtSec: T0,
          frozenBy: upper,
          assets: [BASE, TOKEN_A],
          balances: [1n, 2n],
        }),
        quotes: [10n],
      }),
      on,
    );
    expect(decision.kind === 'swap-then-complete' && decision.action.sender).toBe(ME2);
  });

  it.each<[string, Partial<BlockedCompletion>, Partial<SwapBeforeCompletionContext>, RegExp]>([
    ['gen 1', {}, { moduleGeneration: 1 }, /gen 1/],
    ['not a completion', { action: completion({ kind: 'freeze' }) }, {}, /not a completion/],
    ['not frozen', { position: makePosition({ frozenAtSec: 0n, frozenBy: ME }) }, {}, /not frozen/],
    ['unknown token list', { tokenlist: null }, {}, /token list .* not known/],
    ['empty token list', { tokenlist: [] }, {}, /token list .* not known/],
    ['no quotes', { quotes: undefined }, {}, /no in-process quote/],
    ['a reverting quote', { quotes: [-1n, 333n] }, {}, /quotes nothing for 400 of/],
    ['a zero quote', { quotes: [1n, 0n] }, {}, /quotes nothing for 7000 of/],
    ['no pool', { pricingPoolFee: () => null }, {}, /no pool prices/],
    [
      'slippage leaves nothing',
      { quotes: [1n, 333n] },
      { policy: { enabled: true, maxSlippageBps: 9999 } },
      /accepts nothing back/,
    ],
    [
      'an ERC-223 holding',
      {
        position: makePosition({
          frozenAtSec: T0,
          frozenBy: ME,
          assets: [BASE, TOKEN_A223],
          balances: [1n, 5n],
        }),
        quotes: [10n],
      },
      {},
      /ERC-223 address: only the owner/,
    ],
    [
      'base only',
      { position: makePosition({ frozenAtSec: T0, frozenBy: ME, assets: [BASE], balances: [5n] }) },
      {},
      /only the base asset/,
    ],
  ])('waits (no swap) when %s', (_name, overrides, context, reason) => {
    const decision = planSwapsBeforeCompletion(blocked(overrides), { ...on, ...context });
    expect(decision.kind).toBe('wait');
    expect(decision.kind === 'wait' && decision.reason).toMatch(reason);
  });

  it('skips zero balances and passes index 0 for an asset missing from the list', () => {
    const decision = planSwapsBeforeCompletion(
      blocked({
        position: makePosition({
          frozenAtSec: T0,
          frozenBy: ME,
          assets: [BASE, TOKEN_A, TOKEN_C],
          balances: [0n, 10n, 0n],
        }),
        quotes: [100n, 0n],
        tokenlist: [TOKEN_B],
      }),
      on,
    );
    expect(decision.kind).toBe('swap-then-complete');
    if (decision.kind !== 'swap-then-complete') return;
    expect(decision.action.swapsFirst?.map((s) => [s.assetIndex, s.whitelistId1, s.whitelistId2])).toEqual([
      [1, 0n, 0n],
    ]);
  });
});
