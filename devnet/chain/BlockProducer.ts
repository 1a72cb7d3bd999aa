import type { JsonRpcProvider } from 'ethers';
import { DevnetError } from './DevnetError.js';

export interface MinedBlock {
  number: number;
  hash: string;
  timestampSec: number;
}

export interface NextBlock {
  number: number;
  timestampSec: number;
  /** The builder that builds this block, when the producer has a schedule (several builders); else absent. */
  builder?: string;
  /**
   * On a fixed interval: the wall-clock time (ms since the epoch) at which the block is mined whether or not
   * the hooks are done. Undefined when mining on demand (the block then waits for every hook).
   */
  deadlineMs?: number;
}

/** Which builder builds a block, by number: deterministic so tests know who builds what. */
export type BuilderSchedule = (blockNumber: number) => string;

/** Called before each block is mined, e.g. by the relay to place the bundles that target it. */
export type BeforeBlockHook = (next: NextBlock) => Promise<void>;

/** A block mined on the fixed interval, with when it was due and when it was mined (wall clock, ms). */
export interface ScheduledBlock extends MinedBlock {
  /** Slot index since `start`: slot k is due at start + (k + 1) · interval. */
  slot: number;
  dueAtMs: number;
  minedAtMs: number;
}

export interface IntervalOptions {
  /**
   * How long the before-block hooks may hold a block past its slot; then the block is mined without them.
   * Default: half the interval.
   */
  hookBudgetMs?: number;
  /** Failed blocks, hooks that overran their budget or were skipped, missed slots. Mining goes on. */
  onError?: (err: unknown) => void;
  onBlock?: (block: ScheduledBlock) => void;
}

interface Clock {
  startedAtMs: number;
  slot: number;
  timer: NodeJS.Timeout | undefined;
  /** `mine()` calls waiting for the next scheduled block. */
  waiters: { resolve: (block: MinedBlock) => void; reject: (err: unknown) => void }[];
}

/**
 * Mines blocks on an anvil started with automine off: on demand or at a fixed interval, with timestamps that
 * advance by `secondsPerBlock` (or are set explicitly), so block times are deterministic and tests can
 * place a block at an exact second.
 *
 * On demand, a block waits for every before-block hook. On a fixed interval (`start`) it does not: like a
 * real chain's 12-second slots, a slot's block is mined at its wall-clock time plus at most the hook budget,
 * whatever the hooks (or a keeper they wait for) do. A hook that overruns keeps running in the background and
 * is skipped for later blocks until it is done; hooks after it in line do not run for that block.
 */
export class BlockProducer {
  readonly secondsPerBlock: number;
  private readonly hooks: BeforeBlockHook[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private clock: Clock | undefined;
  private pendingTimestampSec: number | undefined;
  private schedule: BuilderSchedule | undefined;
  /** Hooks still running past their block's deadline, so that none runs twice at once. */
  private readonly busyHooks = new Map<BeforeBlockHook, Promise<void>>();

  constructor(
    private readonly provider: JsonRpcProvider,
    options: { secondsPerBlock?: number } = {},
  ) {
    this.secondsPerBlock = options.secondsPerBlock ?? 12;
  }

  onBeforeBlock(hook: BeforeBlockHook): () => void {
    this.hooks.push(hook);
    return () => {
      const i = this.hooks.indexOf(hook);
      if (i >= 0) this.hooks.splice(i, 1);
    };
  }

  async latest(): Promise<MinedBlock> {
    const block = await this.provider.getBlock('latest');
    if (!block?.hash) throw new DevnetError('the chain has no latest block');
    return { number: block.number, hash: block.hash, timestampSec: block.timestamp };
  }

  /**
   * Names the builder of every block from now on (undefined: no schedule, every hook builds every block).
   * The hooks read it from `NextBlock.builder`; a builder's relay places bundles only into its own blocks.
   */
  setBuilderSchedule(schedule: BuilderSchedule | undefined): void {
    this.schedule = schedule;
  }

  /** Who builds block `number` under the current schedule (undefined: no schedule). */
  builderOf(number: number): string | undefined {
    return this.schedule?.(number);
  }

  /** The block the next `mine()` will produce (number, timestamp, and builder when scheduled). */
  async next(): Promise<NextBlock> {
    const head = await this.latest();
    const number = head.number + 1;
    const timestampSec = this.pendingTimestampSec ?? head.timestampSec + this.secondsPerBlock;
    const builder = this.schedule?.(number);
    return builder === undefined ? { number, timestampSec } : { number, timestampSec, builder };
  }

  /** Sets the timestamp of the next block (it must be later than the head's). */
  setNextTimestamp(timestampSec: number): void {
    this.pendingTimestampSec = timestampSec;
  }

  /** Moves the clock: the next block is `seconds` after the head instead of `secondsPerBlock`. */
  async advanceTime(seconds: number): Promise<void> {
    const head = await this.latest();
    this.pendingTimestampSec = head.timestampSec + seconds;
  }

  /** True while mining on a fixed interval (between `start` and `stop`). */
  get running(): boolean {
    return this.clock !== undefined;
  }

  /**
   * Mines one block; mining calls are serialized so an interval tick never interleaves with a test's call.
   * While the producer runs on a fixed interval this mines nothing itself: it resolves with the next
   * scheduled block (what was sent before lands in it), so scenario code works the same in both modes.
   */
  mine(options: { timestampSec?: number } = {}): Promise<MinedBlock> {
    const clock = this.clock;
    if (clock) {
      if (options.timestampSec !== undefined) {
        return Promise.reject(
          new DevnetError(
            'an explicit block timestamp needs on-demand mining: the producer runs on an interval',
          ),
        );
      }
      return new Promise((resolve, reject) => clock.waiters.push({ resolve, reject }));
    }
    const run = this.queue.then(() => this.mineNow(options.timestampSec));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Mines `count` blocks one after another (hooks run before each). */
  async mineMany(count: number): Promise<MinedBlock> {
    let last: MinedBlock | undefined;
    for (let i = 0; i < count; i++) last = await this.mine();
    if (!last) return this.latest();
    return last;
  }

  /**
   * Mines a block every `intervalMs` of wall-clock time until `stop()`, on a fixed schedule (no drift: slot k
   * is due at start + (k + 1) · interval). A slot whose time and hook budget passed while an earlier block was
   * still being mined is skipped and reported, like an empty slot on a real chain. A failed block is
   * reported to `onError` and mining goes on.
   */
  start(intervalMs: number, options: IntervalOptions = {}): void {
    if (this.clock) throw new DevnetError('block producer already started');
    if (!(intervalMs > 0)) throw new DevnetError(`the block interval must be > 0 ms, got ${intervalMs}`);
    const hookBudgetMs = options.hookBudgetMs ?? Math.floor(intervalMs / 2);
    if (!(hookBudgetMs >= 0 && hookBudgetMs < intervalMs)) {
      throw new DevnetError(`the hook budget must be in [0, ${intervalMs}) ms, got ${hookBudgetMs}`);
    }
    const clock: Clock = { startedAtMs: Date.now(), slot: 0, timer: undefined, waiters: [] };
    this.clock = clock;
    const dueAt = (slot: number) => clock.startedAtMs + (slot + 1) * intervalMs;
    const report = (err: unknown) => options.onError?.(err);
    const tick = (): void => {
      if (this.clock !== clock) return;
      const slot = clock.slot;
      const dueAtMs = dueAt(slot);
      const waiters = clock.waiters.splice(0);
      const run = this.queue.then(() => this.mineNow(undefined, { atMs: dueAtMs + hookBudgetMs, report }));
      this.queue = run.catch(() => undefined);
      run
        .then(
          (mined) => {
            for (const w of waiters) w.resolve(mined);
            options.onBlock?.({ ...mined, slot, dueAtMs, minedAtMs: Date.now() });
          },
          (err: unknown) => {
            for (const w of waiters) w.reject(err);
            report(err);
          },
        )
        .finally(() => {
          if (this.clock !== clock) return;
          let next = slot + 1;
          const now = Date.now();
          while (dueAt(next) + hookBudgetMs < now) next += 1;
          if (next > slot + 1) {
            report(
              new DevnetError(`missed ${next - slot - 1} block slot(s) after slot ${slot}: mining ran late`),
            );
          }
          clock.slot = next;
          clock.timer = setTimeout(tick, Math.max(0, dueAt(next) - now));
        });
    };
    clock.timer = setTimeout(tick, intervalMs);
  }

  /**
   * Stops the interval (a block being mined is finished first, and hooks still running are awaited); `mine()`
   * calls still waiting for a scheduled block are rejected. Mining is on demand again afterwards.
   */
  async stop(): Promise<void> {
    const clock = this.clock;
    this.clock = undefined;
    if (clock) {
      clearTimeout(clock.timer);
      for (const w of clock.waiters.splice(0)) w.reject(new DevnetError('the block producer stopped'));
    }
    await this.queue;
    await Promise.allSettled(this.busyHooks.values());
  }

  private async mineNow(
    explicitTimestampSec: number | undefined,
    deadline?: { atMs: number; report: (err: unknown) => void },
  ): Promise<MinedBlock> {
    const next = await this.next();
    const timestampSec = explicitTimestampSec ?? next.timestampSec;
    const head = await this.latest();
    if (timestampSec <= head.timestampSec) {
      throw new DevnetError(
        `next block timestamp ${timestampSec} must be after the head's ${head.timestampSec}`,
      );
    }
    const upcoming: NextBlock = { ...next, timestampSec, deadlineMs: deadline?.atMs };
    if (deadline) await this.runHooksUntil(upcoming, deadline.atMs, deadline.report);
    else for (const hook of this.hooks) await hook(upcoming);
    await this.provider.send('evm_mine', [timestampSec]);
    this.pendingTimestampSec = undefined;
    const mined = await this.latest();
    if (mined.number !== next.number || mined.timestampSec !== timestampSec) {
      throw new DevnetError(
        `mined block ${mined.number}@${mined.timestampSec}, expected ${next.number}@${timestampSec}`,
      );
    }
    return mined;
  }

  /**
   * Runs the hooks in order until they are done or `deadlineMs` passes, whichever comes first. A hook's
   * failure in time fails the block, as on demand (a half-placed bundle must not be mined); an overrun does
   * not: the block is mined without the rest.
   */
  private async runHooksUntil(
    next: NextBlock,
    deadlineMs: number,
    report: (err: unknown) => void,
  ): Promise<void> {
    let expired = false;
    const chain = (async () => {
      for (const hook of [...this.hooks]) {
        if (expired) return;
        if (this.busyHooks.has(hook)) {
          report(
            new DevnetError(
              `block ${next.number}: a before-block hook still busy with an earlier block was skipped`,
            ),
          );
          continue;
        }
        const running = hook(next);
        const settled = running.then(
          () => undefined,
          () => undefined,
        );
        this.busyHooks.set(hook, settled);
        void settled.then(() => {
          if (this.busyHooks.get(hook) === settled) this.busyHooks.delete(hook);
        });
        await running;
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), Math.max(0, deadlineMs - Date.now()));
    });
    try {
      const outcome = await Promise.race([chain.then(() => 'done' as const), late]);
      if (outcome === 'late') {
        expired = true;
        // Its failure can no longer fail this block: report it instead.
        chain.catch(report);
        report(
          new DevnetError(
            `block ${next.number}: before-block hooks overran their budget; mined without them`,
          ),
        );
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
