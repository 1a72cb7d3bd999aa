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
}

/** Which builder builds a block, by number: deterministic so tests know who builds what. */
export type BuilderSchedule = (blockNumber: number) => string;

/** Called before each block is mined, e.g. by the relay to place the bundles that target it. */
export type BeforeBlockHook = (next: NextBlock) => Promise<void>;

/**
 * Mines blocks on an anvil started with automine off: on demand or at a fixed interval, with timestamps that
 * advance by `secondsPerBlock` (or are set explicitly), so block times are deterministic and tests can
 * place a block at an exact second.
 */
export class BlockProducer {
  readonly secondsPerBlock: number;
  private readonly hooks: BeforeBlockHook[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private pendingTimestampSec: number | undefined;
  private schedule: BuilderSchedule | undefined;

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

  /** Mines one block; mining calls are serialized so an interval tick never interleaves with a test's call. */
  mine(options: { timestampSec?: number } = {}): Promise<MinedBlock> {
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

  /** Mines a block every `intervalMs` until `stop()`. A failed tick is reported to `onError` and mining goes on. */
  start(intervalMs: number, onError: (err: unknown) => void = () => undefined): void {
    if (this.timer) throw new DevnetError('block producer already started');
    const tick = (): void => {
      this.mine()
        .catch(onError)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, intervalMs);
        });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.queue;
  }

  private async mineNow(explicitTimestampSec: number | undefined): Promise<MinedBlock> {
    const next = await this.next();
    const timestampSec = explicitTimestampSec ?? next.timestampSec;
    const head = await this.latest();
    if (timestampSec <= head.timestampSec) {
      throw new DevnetError(
        `next block timestamp ${timestampSec} must be after the head's ${head.timestampSec}`,
      );
    }
    for (const hook of this.hooks) await hook({ ...next, timestampSec });
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
}
