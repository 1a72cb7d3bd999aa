import { describe, expect, it } from 'vitest';
import { makeAction } from '../execution/testActions.js';
import type { PlannedAction } from '../decision/types.js';
import type { BlockOutcome } from '../run/KeeperCore.js';
import { formatBlockLines } from './formatBlockLine.js';

const outcome = (actions: PlannedAction[]): BlockOutcome => ({
  kind: 'planned',
  head: { number: 100, hash: '0xab', timestampSec: 1_700_000_000 },
  synced: { number: 100, hash: '0xab', timestampSec: 1_700_000_000 },
  lagBlocks: 0,
  nextTimestampSec: 1_700_000_012n,
  liquidatable: [],
  plan: { blockNumber: 101n, timestampSec: 1_700_000_012n, actions, skipped: [] },
  stats: { tracked: 1, atRisk: 1, candidates: 1, unvalued: 0, reverting: 0, revalued: 0, rpcCalls: 0 },
  elapsedMs: 1,
});

describe('formatBlockLines', () => {
  it('a swap-then-complete says what the lender may lose and that our reward is unchanged', () => {
    const swap = { quote: 1_000n, minAmountOut: 750n };
    const action = makeAction({
      kind: 'complete',
      positionId: 9n,
      swapsFirst: [
        {
          assetIndex: 2,
          asset: '0x02',
          whitelistId1: 0n,
          whitelistId2: 0n,
          amount: 5n,
          assetOut: '0x01',
          feeTier: 500,
          gasUnits: 1n,
          ...swap,
        },
        {
          assetIndex: 1,
          asset: '0x03',
          whitelistId1: 0n,
          whitelistId2: 0n,
          amount: 5n,
          assetOut: '0x01',
          feeTier: 500,
          gasUnits: 1n,
          quote: 400n,
          minAmountOut: 300n,
        },
      ],
    });
    const [, line] = formatBlockLines(outcome([action]));
    expect(line).toContain('complete position 9');
    expect(line).toContain(
      "after our marginSwap of 2 asset(s) (the 95 % floor blocks the forced swaps): the lender may get up to 350 base units under the oracle's 1400; our reward is unchanged",
    );
  });

  it('a plain action has no such note', () => {
    const [, line] = formatBlockLines(outcome([makeAction({ kind: 'complete', positionId: 9n })]));
    expect(line).not.toContain('marginSwap');
  });
});
