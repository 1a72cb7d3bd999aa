import { describe, expect, it } from 'vitest';
import { makePosition } from '../decision/testFixtures.js';
import type { Address } from '../model/types.js';
import { classifyOutcome, type LandedReceipt } from './classifyOutcome.js';
import { KEY_A, KEY_B, address, gwei } from './testActions.js';

const ours = new Set<Address>([KEY_A, KEY_B]);
const OTHER = address('b1');
const landed = (status: number): LandedReceipt => ({
  status,
  blockNumber: 101n,
  gasUsed: 50_000n,
  effectiveGasPriceWei: 2n * gwei,
});
const open = makePosition();
const frozenByUs = makePosition({ frozenAtSec: 1_000n, frozenBy: KEY_B });
const frozenByOther = makePosition({ frozenAtSec: 1_000n, frozenBy: OTHER });
const closed = makePosition({ open: false, frozenAtSec: 1_000n, frozenBy: KEY_A });

describe('classifyOutcome', () => {
  it('a receipt settles it: included, or reverted with the gas it cost', () => {
    expect(
      classifyOutcome({ kind: 'freeze', lastTargetBlock: 101n }, landed(1), frozenByUs, ours, 101n),
    ).toMatchObject({
      outcome: 'included',
      blockNumber: 101n,
      gasCostWei: 100_000n * gwei,
    });
    expect(
      classifyOutcome({ kind: 'complete', lastTargetBlock: 101n }, landed(0), open, ours, 101n),
    ).toMatchObject({
      outcome: 'reverted',
      gasCostWei: 100_000n * gwei,
    });
  });

  it.each([
    ['freeze, frozen by another', 'freeze', frozenByOther, 101n, 'beaten', 'frozen by'],
    ['refreeze, frozen by another', 'refreeze', frozenByOther, 101n, 'beaten', 'frozen by'],
    ['complete, re-frozen by another', 'complete', frozenByOther, 101n, 'beaten', 're-frozen by'],
    ['complete, closed', 'complete', closed, 101n, 'beaten', 'closed'],
    ['freeze, no longer indexed', 'freeze', undefined, 101n, 'beaten', 'no longer indexed'],
    ['freeze, nothing happened', 'freeze', open, 101n, 'dropped', 'not included by block 101'],
    ['complete, still frozen by us', 'complete', frozenByUs, 101n, 'dropped', 'not included'],
    ['someone else took it before the last target', 'freeze', frozenByOther, 100n, 'beaten', 'frozen by'],
  ] as const)('no receipt: %s → %s', (_name, kind, position, head, outcome, detail) => {
    const result = classifyOutcome({ kind, lastTargetBlock: 101n }, null, position, ours, head);
    expect(result?.outcome).toBe(outcome);
    expect(result?.detail).toContain(detail);
    expect(result?.gasCostWei).toBe(0n);
  });

  it('no receipt and nothing taken before the last target block: still pending', () => {
    expect(classifyOutcome({ kind: 'freeze', lastTargetBlock: 103n }, null, open, ours, 102n)).toBeNull();
  });
});
