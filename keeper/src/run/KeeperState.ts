import type { HeadBlock } from '../model/HeadBlock.js';
import type { HealthReport } from '../ops/startOpsServer.js';

/** What the last handled block came to, for health. */
export type BlockResult =
  | { kind: 'planned'; syncedBlock: number; lagBlocks: number; positionsTracked: number }
  | { kind: 'not-acting'; reason: string }
  | { kind: 'failed'; reason: string };

export interface HealthLimits {
  /** Health turns stale after this many new heads without a planned block. */
  staleAfterBlocks: number;
  /** …or after this long without any handled head (the head itself stopped coming). */
  staleAfterMs: number;
}

/**
 * The run loop's memory across blocks: the last head handled (to tell a new head from a repeat, a reorg from
 * a stale read), the freshest head number ever seen, and progress for health. The data the block's work
 * keeps (mirror, valuation book, oracle profiles, in-flight actions) lives in `KeeperCore`, which the
 * loop's I/O wraps.
 */
export class KeeperState {
  lastHead: HeadBlock | undefined;
  /** The highest head number seen from any RPC: a head below it is never acted on unless ours left the chain. */
  freshestNumber = -1;
  /** Attempts at `lastHead` that threw: a failed head is retried a few times, then left behind. */
  failedAttempts = 0;
  lastResult: BlockResult | undefined;
  /** Heads that arrived since the last planned block. */
  headsSinceProgress = 0;
  lastProgressAtMs: number;
  lastHandledAtMs: number;
  blocksHandled = 0;
  blocksFailed = 0;
  reorgs = 0;
  headReadFailure: string | undefined;

  constructor(readonly nowMs: () => number = Date.now) {
    this.lastProgressAtMs = nowMs();
    this.lastHandledAtMs = nowMs();
  }

  recordResult(head: HeadBlock, result: BlockResult): void {
    this.lastHead = head;
    this.lastResult = result;
    this.lastHandledAtMs = this.nowMs();
    if (result.kind === 'failed') {
      this.blocksFailed += 1;
      this.failedAttempts += 1;
    } else {
      this.blocksHandled += 1;
      this.failedAttempts = 0;
    }
    if (result.kind === 'planned') {
      this.headsSinceProgress = 0;
      this.lastProgressAtMs = this.nowMs();
    }
  }

  /** A head newer than the last one arrived (before it is handled). */
  noteNewHead(head: HeadBlock): void {
    if (this.lastHead === undefined || head.hash !== this.lastHead.hash) this.headsSinceProgress += 1;
    this.freshestNumber = Math.max(this.freshestNumber, head.number);
    this.headReadFailure = undefined;
    // Each head gets its own retries.
    this.failedAttempts = 0;
  }

  /** The `/health` report: 503 (not `ok`) while not acting, and stale after N blocks or too long without progress. */
  health(limits: HealthLimits): HealthReport {
    const now = this.nowMs();
    const updatedAt = new Date(this.lastHandledAtMs).toISOString();
    if (this.lastResult === undefined && this.headReadFailure === undefined)
      return { status: 'starting', updatedAt };
    const headBlock = this.lastHead?.number;
    const sinceProgressMs = now - this.lastProgressAtMs;
    if (this.headsSinceProgress >= limits.staleAfterBlocks || sinceProgressMs >= limits.staleAfterMs) {
      const why =
        this.headReadFailure ??
        (this.lastResult && this.lastResult.kind !== 'planned' ? this.lastResult.reason : 'no new head');
      return {
        status: 'stale',
        reason: `no block handled for ${this.headsSinceProgress} heads / ${Math.round(sinceProgressMs / 1000)} s: ${why}`,
        headBlock,
        updatedAt,
      };
    }
    const result = this.lastResult;
    if (result === undefined || result.kind !== 'planned') {
      return {
        status: 'not-acting',
        reason: this.headReadFailure ?? result?.reason ?? 'no head yet',
        headBlock,
        updatedAt,
      };
    }
    return {
      status: 'ok',
      headBlock,
      syncedBlock: result.syncedBlock,
      lagBlocks: result.lagBlocks,
      positionsTracked: result.positionsTracked,
      updatedAt,
    };
  }
}
