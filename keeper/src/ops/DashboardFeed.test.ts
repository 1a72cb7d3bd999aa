import { describe, expect, it } from 'vitest';
import { makeOrder, makePosition, ME, T0 } from '../decision/testFixtures.js';
import type { PlannedAction } from '../decision/types.js';
import type { ExecutionTotals } from '../execution/Executor.js';
import type { ActionOutcome } from '../execution/types.js';
import type { PositionValuation } from '../model/types.js';
import type { BlockOutcome } from '../run/KeeperCore.js';
import { DashboardFeed } from './DashboardFeed.js';

const HEAD = { number: 100, hash: '0xhead', timestampSec: Number(T0) };
const NEXT = T0 + 12n;

function planned(actions: Partial<PlannedAction>[], liquidatable: bigint[] = []): BlockOutcome {
  return {
    kind: 'planned',
    head: HEAD,
    synced: HEAD,
    lagBlocks: 0,
    nextTimestampSec: NEXT,
    liquidatable,
    plan: { blockNumber: 101n, timestampSec: NEXT, actions: actions as PlannedAction[], skipped: [] },
    stats: { tracked: 4, atRisk: 1, candidates: 1, unvalued: 0, reverting: 0, revalued: 0, rpcCalls: 0 },
    elapsedMs: 1,
  };
}

function outcome(
  positionId: bigint,
  kind: 'freeze' | 'complete',
  result: ActionOutcome['outcome'],
): ActionOutcome {
  return {
    positionId,
    kind,
    sender: ME,
    txHash: `0x${positionId}`,
    outcome: result,
    blockNumber: result === 'included' ? 101n : null,
    gasCostWei: result === 'included' ? 1_000n : 0n,
    detail: '',
  };
}

describe('DashboardFeed', () => {
  it('lists frozen, then liquidatable, then healthy positions by ETA, and never-liquidatable ones not at all', () => {
    const positions = new Map([
      [1n, makePosition({ positionId: 1n })],
      [2n, makePosition({ positionId: 2n })],
      [3n, makePosition({ positionId: 3n, frozenAtSec: T0 - 60n })],
      [4n, makePosition({ positionId: 4n })],
      [5n, makePosition({ positionId: 5n })],
      [6n, makePosition({ positionId: 6n })],
      [7n, makePosition({ positionId: 7n })],
    ]);
    const valuations = new Map<bigint, PositionValuation>([
      [1n, { kind: 'valued', debt: 5n, value: 9n, liquidatable: false, liquidatableAtSec: T0 + 7_200n }],
      [2n, { kind: 'valued', debt: 9n, value: 5n, liquidatable: true, liquidatableAtSec: NEXT }],
      [3n, { kind: 'valued', debt: 9n, value: 5n, liquidatable: true, liquidatableAtSec: NEXT }],
      [4n, { kind: 'valued', debt: 1n, value: 9n, liquidatable: false, liquidatableAtSec: null }],
      [5n, { kind: 'valued', debt: 5n, value: 9n, liquidatable: false, liquidatableAtSec: T0 + 600n }],
      // Valued on chain: 6 is liquidatable by the contract's answer, 7 is not.
      [6n, { kind: 'unvalued', reason: 'oracle valued on chain' }],
      [7n, { kind: 'unvalued', reason: 'oracle valued on chain' }],
    ]);
    const feed = new DashboardFeed({
      positions,
      orders: new Map([[3n, makeOrder()]]),
      inFlight: new Map([[2n, { kind: 'freeze', sender: ME, sentAtBlock: 100n, lastTargetBlock: 101n }]]),
      valuation: (id) => valuations.get(id),
      rewardWei: () => 5n * 10n ** 17n,
      health: () => ({ status: 'ok' }),
      totals: () => undefined,
    });
    feed.recordPlan(planned([], [2n, 6n]));
    const snap = feed.snapshot(0);
    expect(snap.atRisk.map((r) => [r.positionId, r.state, r.etaSec])).toEqual([
      ['3', 'frozen', 12],
      ['2', 'liquidatable', 12],
      ['6', 'liquidatable', 12],
      ['5', 'healthy', 600],
      ['1', 'healthy', 7_200],
    ]);
    expect(snap.atRisk[0]?.rewardWei).toBe('500000000000000000');
    expect(snap.atRisk[2]).toMatchObject({ debt: null, value: null });
    expect(snap.inFlight).toEqual([
      { positionId: '2', kind: 'freeze', sender: ME, sentAtBlock: '100', lastTargetBlock: '101' },
    ]);
    expect(snap.block).toMatchObject({ head: 100, lagBlocks: 0, tracked: 4, planned: 0 });
    expect(snap.earnings.dryRun).toBe(true);
  });

  it("counts a landed completion's planned reward even after the mirror dropped the position, and profit net of gas", () => {
    const totals: ExecutionTotals = {
      sent: 3,
      included: 2,
      reverted: 0,
      beaten: 1,
      dropped: 0,
      cancelled: 0,
      rewardsWei: 0n,
      gasSpentWei: 2_000n,
      gasLostWei: 0n,
      wastedGasWei: 0n,
    };
    const feed = new DashboardFeed({
      positions: new Map(),
      orders: new Map(),
      inFlight: new Map(),
      valuation: () => undefined,
      rewardWei: () => null,
      health: () => ({ status: 'ok' }),
      totals: () => totals,
    });
    feed.recordPlan(
      planned([
        { positionId: 8n, kind: 'complete', rewardValueWei: 70_000n },
        { positionId: 9n, kind: 'complete', rewardValueWei: 90_000n },
      ]),
    );
    feed.recordExecution({
      headBlock: 101n,
      mode: 'bundle',
      sent: [],
      dropped: [],
      fallback: null,
      outcomes: [
        outcome(8n, 'complete', 'included'),
        outcome(9n, 'complete', 'beaten'),
        outcome(6n, 'freeze', 'included'),
      ],
    });
    const snap = feed.snapshot(0);
    expect(snap.earnings).toMatchObject({
      dryRun: false,
      liquidations: 1,
      rewardWei: '70000',
      gasSpentWei: '2000',
      profitWei: '68000',
    });
    expect(snap.recent.map((r) => [r.positionId, r.kind, r.outcome, r.rewardWei])).toEqual([
      ['6', 'freeze', 'included', null],
      ['9', 'complete', 'beaten', null],
      ['8', 'complete', 'included', '70000'],
    ]);
  });
});
