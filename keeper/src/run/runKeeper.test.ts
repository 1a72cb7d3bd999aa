import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../decision/types.js';
import { KeeperError } from '../errors/KeeperError.js';
import type { HeadBlock } from '../model/HeadBlock.js';
import type { BlockOutcome } from './KeeperCore.js';
import type { KeeperIO } from './KeeperIO.js';
import { KeeperState } from './KeeperState.js';
import { ATTEMPTS_PER_HEAD, runKeeper } from './runKeeper.js';

const head = (number: number, fork = 'a'): HeadBlock => ({
  number,
  hash: `0x${fork}${number.toString(16).padStart(63, '0')}`,
  timestampSec: 1000 + number * 12,
  baseFeePerGasWei: 1n,
  gasUsed: 0n,
  gasLimit: 30_000_000n,
});

const emptyPlan = (h: HeadBlock): Plan =>
  ({
    blockNumber: BigInt(h.number + 1),
    timestampSec: BigInt(h.timestampSec + 12),
    actions: [],
  }) as unknown as Plan;

const planned = (h: HeadBlock): BlockOutcome => ({
  kind: 'planned',
  head: h,
  synced: h,
  lagBlocks: 0,
  nextTimestampSec: BigInt(h.timestampSec + 12),
  liquidatable: [],
  plan: emptyPlan(h),
  stats: { tracked: 5, atRisk: 0, candidates: 0, unvalued: 0, reverting: 0, revalued: 0, rpcCalls: 0 },
  elapsedMs: 1,
});

type Step = HeadBlock | Error;

/**
 * A scripted world: each poll reads the next scripted head (or error); the chain's blocks are `canonical`;
 * `plan` runs `onPlan` (which may throw). The loop stops when the script runs out.
 */
function fakeIO(
  script: Step[],
  options: { onPlan?: (h: HeadBlock) => BlockOutcome; canonical?: Set<string> } = {},
) {
  const stop = new AbortController();
  const planned_: number[] = [];
  const executed: (number | null)[] = [];
  const printed: string[] = [];
  const rollbacks: [number, number][] = [];
  const canonical = options.canonical ?? new Set<string>();
  let i = 0;
  const io: KeeperIO = {
    log: pino({ level: 'silent' }),
    async readHead() {
      const step = script[i++];
      if (i >= script.length) stop.abort();
      if (step === undefined) throw new KeeperError('script over');
      if (step instanceof Error) throw step;
      canonical.add(step.hash);
      return step;
    },
    async hasBlock(hash) {
      return canonical.has(hash);
    },
    async plan(h) {
      planned_.push(h.number);
      return (options.onPlan ?? planned)(h);
    },
    async execute(h, plan) {
      executed.push(plan ? h.number : null);
      return null;
    },
    rollback(newHead, lost) {
      rollbacks.push([newHead.number, lost.number]);
      canonical.delete(lost.hash);
    },
    print: (line) => printed.push(line),
    sleep: async () => undefined,
  };
  return { io, stop, planned: planned_, executed, printed, rollbacks, canonical };
}

describe('runKeeper', () => {
  it('handles each new head once and skips repeats', async () => {
    const world = fakeIO([head(1), head(1), head(2), head(3), head(3)]);
    const state = new KeeperState();
    await runKeeper({ state, io: world.io, pollMs: 0, signal: world.stop.signal });
    expect(world.planned).toEqual([1, 2, 3]);
    expect(world.executed).toEqual([1, 2, 3]);
    expect(state.blocksHandled).toBe(3);
    expect(world.printed[0]).toMatch(/^block 1 \| lag 0 \| tracked 5/);
  });

  it('after a repeated head it waits for a pushed head where it can; a failed head read still sleeps', async () => {
    const world = fakeIO([head(1), head(1), new KeeperError('RPC down'), head(2), head(2)]);
    const waits: string[] = [];
    world.io.sleep = async () => void waits.push('sleep');
    world.io.waitForHead = async () => void waits.push('waitForHead');
    const state = new KeeperState();
    await runKeeper({ state, io: world.io, pollMs: 0, signal: world.stop.signal });
    expect(world.planned).toEqual([1, 2]);
    expect(waits).toEqual(['waitForHead', 'sleep', 'waitForHead']);
  });

  it('never dies: a block that throws (any error, any depth) is logged and the next head is handled', async () => {
    const world = fakeIO([head(1), head(2), head(3)], {
      onPlan: (h) => {
        if (h.number === 2) throw new TypeError("Cannot read properties of null (reading '_meta')");
        return planned(h);
      },
    });
    const state = new KeeperState();
    await runKeeper({ state, io: world.io, pollMs: 0, signal: world.stop.signal });
    expect(world.planned).toEqual([1, 2, 3]);
    expect(world.printed).toContain(
      "block 2 | failed: TypeError: Cannot read properties of null (reading '_meta')",
    );
    expect(state.blocksFailed).toBe(1);
    expect(state.lastResult?.kind).toBe('planned');
  });

  it('retries a failed head a bounded number of times, then waits for the next head', async () => {
    const world = fakeIO(Array.from({ length: 6 }, () => head(7)).concat([head(8)]), {
      onPlan: (h) => {
        if (h.number === 7) throw new KeeperError('RPC blip in a fee read');
        return planned(h);
      },
    });
    const state = new KeeperState();
    await runKeeper({ state, io: world.io, pollMs: 0, signal: world.stop.signal });
    expect(world.planned).toEqual([...Array.from({ length: ATTEMPTS_PER_HEAD }, () => 7), 8]);
  });

  it('each new head gets its own retries, even after an earlier head used all of its own', async () => {
    const script = [...Array.from({ length: 4 }, () => head(7)), head(8), head(8), head(9)];
    const world = fakeIO(script, {
      onPlan: (h) => {
        if (h.number !== 9) throw new KeeperError('node overloaded');
        return planned(h);
      },
    });
    const state = new KeeperState();
    await runKeeper({ state, io: world.io, pollMs: 0, signal: world.stop.signal });
    expect(world.planned).toEqual([7, 7, 7, 8, 8, 9]);
  });

  it('keeps polling through head-read failures and says why in health', async () => {
    const world = fakeIO([new KeeperError('every RPC failed'), new KeeperError('every RPC failed'), head(4)]);
    const state = new KeeperState();
    const seen: string[] = [];
    world.io.onBlockDone = () =>
      seen.push(state.health({ staleAfterBlocks: 5, staleAfterMs: 60_000 }).status);
    await runKeeper({ state, io: world.io, pollMs: 0, signal: world.stop.signal });
    expect(world.planned).toEqual([4]);
    expect(seen).toEqual(['ok']);
  });

  it('ignores a stale head from a lagging RPC while our last head is still on chain', async () => {
    const world = fakeIO([head(10), head(8), head(9), head(11)]);
    const state = new KeeperState();
    await runKeeper({ state, io: world.io, pollMs: 0, signal: world.stop.signal });
    expect(world.planned).toEqual([10, 11]);
    expect(world.rollbacks).toEqual([]);
  });

  it.each([1, 2, 3, 4, 5])(
    'a reorg of depth %i to a shorter chain is handled (rolled back, re-planned), and the new fork followed',
    async (depth) => {
      const lostTip = head(20);
      const shorter = head(20 - depth, 'b');
      const world = fakeIO([head(19), lostTip, shorter, head(21 - depth, 'b'), head(22 - depth, 'b')]);
      // The reorg takes the old fork away before the shorter head is read.
      const readHead = world.io.readHead.bind(world.io);
      world.io.readHead = async () => {
        const h = await readHead();
        if (h.hash === shorter.hash) world.canonical.delete(lostTip.hash);
        return h;
      };
      const state = new KeeperState();
      await runKeeper({ state, io: world.io, pollMs: 0, signal: world.stop.signal });
      expect(world.planned).toEqual([19, 20, 20 - depth, 21 - depth, 22 - depth]);
      expect(world.rollbacks).toEqual([[20 - depth, 20]]);
      expect(state.reorgs).toBe(1);
    },
  );

  it('a reorg to an equal-height block is handled, not skipped', async () => {
    const world = fakeIO([head(30), head(30, 'c')]);
    const readHead = world.io.readHead.bind(world.io);
    world.io.readHead = async () => {
      const h = await readHead();
      if (h.hash === head(30, 'c').hash) world.canonical.delete(head(30).hash);
      return h;
    };
    const state = new KeeperState();
    await runKeeper({ state, io: world.io, pollMs: 0, signal: world.stop.signal });
    expect(world.planned).toEqual([30, 30]);
    expect(world.rollbacks).toEqual([[30, 30]]);
  });

  it('does not act when it cannot tell a reorg from a stale head', async () => {
    const world = fakeIO([head(5), head(4), head(6)]);
    world.io.hasBlock = async () => {
      throw new KeeperError('every RPC failed');
    };
    const state = new KeeperState();
    await runKeeper({ state, io: world.io, pollMs: 0, signal: world.stop.signal });
    expect(world.planned).toEqual([5, 6]);
  });
});

describe('KeeperState health', () => {
  const limits = { staleAfterBlocks: 3, staleAfterMs: 60_000 };

  it('starting → ok → not-acting → stale after N heads without a planned block, with the reason', () => {
    const now = 0;
    const state = new KeeperState(() => now);
    expect(state.health(limits).status).toBe('starting');
    state.noteNewHead(head(1));
    state.recordResult(head(1), { kind: 'planned', syncedBlock: 1, lagBlocks: 0, positionsTracked: 3 });
    expect(state.health(limits)).toMatchObject({ status: 'ok', headBlock: 1, positionsTracked: 3 });
    for (const n of [2, 3]) {
      state.noteNewHead(head(n));
      state.recordResult(head(n), { kind: 'not-acting', reason: 'subgraph lags 9 blocks' });
    }
    expect(state.health(limits)).toMatchObject({ status: 'not-acting', reason: 'subgraph lags 9 blocks' });
    state.noteNewHead(head(4));
    state.recordResult(head(4), { kind: 'failed', reason: 'boom' });
    const stale = state.health(limits);
    expect(stale.status).toBe('stale');
    expect(stale.reason).toMatch(/no block handled for 3 heads .*: boom/);
  });

  it('turns stale by time when heads stop coming at all', () => {
    let now = 0;
    const state = new KeeperState(() => now);
    state.noteNewHead(head(1));
    state.recordResult(head(1), { kind: 'planned', syncedBlock: 1, lagBlocks: 0, positionsTracked: 3 });
    now = 61_000;
    state.headReadFailure = 'cannot read the chain head: every RPC failed';
    expect(state.health(limits)).toMatchObject({ status: 'stale' });
    expect(state.health(limits).reason).toMatch(/every RPC failed/);
  });
});
