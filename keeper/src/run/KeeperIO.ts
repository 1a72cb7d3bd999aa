import type { Logger } from 'pino';
import type { Plan } from '../decision/types.js';
import type { ExecutionReport } from '../execution/types.js';
import type { HeadBlock } from '../model/HeadBlock.js';
import type { BlockOutcome } from './KeeperCore.js';

/**
 * Everything the run loop does to the outside world, as one object: the CLI wires it to the RPC pool,
 * KeeperCore and the Executor; tests pass a fake.
 */
export interface KeeperIO {
  log: Logger;
  /** The freshest head across the RPC endpoints; throws when none answers. */
  readHead(): Promise<HeadBlock>;
  /** Whether the chain still has the block with this hash (a reorg removed it when not). */
  hasBlock(hash: string): Promise<boolean>;
  /** Ingest → oracle facts → book update → plan, for this head. */
  plan(head: HeadBlock): Promise<BlockOutcome>;
  /** Settles earlier submissions and sends the plan (null: not acting, settle only); null when dry-running. */
  execute(head: HeadBlock, plan: Plan | null): Promise<ExecutionReport | null>;
  /** A reorg replaced blocks we built on: forget what we believed from them. */
  rollback(newHead: HeadBlock, lostHead: HeadBlock): void;
  /** A line for the terminal (stdout). */
  print(line: string): void;
  /** Waits, returning early when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /**
   * Waits for the next head after a repeated one: returns early when a subscription pushes a head (or `signal`
   * aborts). Without it, the loop sleeps `ms` and polls.
   */
  waitForHead?(ms: number, signal: AbortSignal): Promise<void>;
  /** After each head, handled or failed (the devnet paces its blocks on it). */
  onBlockDone?(head: HeadBlock, ok: boolean): void;
}
