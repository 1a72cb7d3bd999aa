import { describe, expect, it } from 'vitest';
import type { PositionState, PositionValuation } from '../model/types.js';
import { classifyPosition } from './classifyPosition.js';
import {
  BASE,
  ME,
  NEXT_SEC,
  OTHER,
  T0,
  TOKEN_A223,
  healthyUntil,
  liquidatableAt,
  makeContext,
  makeInput,
  makePosition,
  reverting,
  unvaluedYet,
} from './testFixtures.js';

const classify = (position: Partial<PositionState>, valuation: PositionValuation = liquidatableAt()) =>
  classifyPosition(makeInput({ position: makePosition(position), valuation }), makeContext());

describe('classifyPosition: details a dry run prints', () => {
  const rows: Array<
    [name: string, position: Partial<PositionState>, valuation: PositionValuation, detail: RegExp]
  > = [
    ['healthy with a liquidation time', {}, healthyUntil(NEXT_SEC + 60n), /liquidatable at 1700000072/],
    ['healthy for good at these prices', {}, healthyUntil(null), /never liquidatable/],
    ['unvalued keeps the valuation reason', {}, unvaluedYet, /on-chain status pending/],
    ['reverting keeps the valuation reason', {}, reverting, /division by zero/],
    [
      'rescued inside the window',
      { frozenAtSec: T0, frozenBy: ME },
      healthyUntil(null),
      /window ends at 1700003600/,
    ],
    [
      'rescued after the window',
      { frozenAtSec: T0 - 7200n, frozenBy: ME },
      healthyUntil(null),
      /window ended at 1699996400/,
    ],
    [
      'frozen by a competitor says when to take over',
      { frozenAtSec: T0, frozenBy: OTHER },
      liquidatableAt(),
      /re-freeze after 1700003600/,
    ],
    [
      'owner-only names the asset',
      { assets: [BASE, TOKEN_A223], balances: [1n, 1n] },
      liquidatableAt(),
      new RegExp(TOKEN_A223),
    ],
    [
      'completable gives the freeze age',
      { frozenAtSec: T0, frozenBy: ME },
      liquidatableAt(),
      /our freeze, age 12 s of 3600/,
    ],
    [
      'a base-only take-over says so',
      { frozenAtSec: T0, frozenBy: OTHER, assets: [BASE], balances: [1n] },
      liquidatableAt(),
      /base-only/,
    ],
  ];

  it.each(rows)('%s', (_name, position, valuation, detail) => {
    expect(classify(position, valuation).detail).toMatch(detail);
  });
});

describe('classifyPosition: a candidate or a reason, never both', () => {
  const situations: Array<[Partial<PositionState>, PositionValuation]> = [
    [{}, liquidatableAt()],
    [{}, healthyUntil(null)],
    [{ frozenAtSec: T0, frozenBy: ME }, liquidatableAt()],
    [{ frozenAtSec: T0, frozenBy: OTHER }, liquidatableAt()],
    [{ frozenAtSec: T0 - 3601n, frozenBy: OTHER }, liquidatableAt()],
    [{ open: false }, liquidatableAt()],
    [{}, reverting],
    [{}, unvaluedYet],
  ];

  it.each(situations)('%o', (position, valuation) => {
    const status = classify(position, valuation);
    expect(status.candidate === null).toBe(status.blockedBy !== null);
  });
});
