import { KeeperError, formatErrorChain } from '../errors/KeeperError.js';
import type { HeadBlock } from '../model/HeadBlock.js';
import { handleBlock } from './handleBlock.js';
import type { KeeperIO } from './KeeperIO.js';
import type { KeeperState } from './KeeperState.js';

/** How a head read compares with the last head handled. */
export type HeadVerdict = 'new' | 'retry' | 'repeat' | 'stale' | 'reorg';

/** A head that failed is tried this many times in all before the loop waits for the next one. */
export const ATTEMPTS_PER_HEAD = 3;

/**
 * New, a repeat of the last head, a retry of a head that failed, a stale read (an RPC behind the freshest
 * head we have seen, which still has our last head: never acted on), or a reorg (our last head has left the
 * chain: the new head is handled even at or below the last height, so no block goes blind).
 */
export async function judgeHead(head: HeadBlock, state: KeeperState, io: KeeperIO): Promise<HeadVerdict> {
  const last = state.lastHead;
  if (last === undefined) return 'new';
  if (head.hash === last.hash) {
    const failed = state.lastResult?.kind === 'failed';
    return failed && state.failedAttempts < ATTEMPTS_PER_HEAD ? 'retry' : 'repeat';
  }
  if (head.number > last.number) return 'new';
  return (await io.hasBlock(last.hash)) ? 'stale' : 'reorg';
}

/**
 * The run loop: reads the freshest head, judges it, and hands each new head (or reorg) to `handleBlock`
 * inside a per-block boundary that logs the error with its cause chain and goes on. Nothing but the abort
 * signal ends it: an unreachable RPC, a failing block, a reorg are logged, reported by health, and waited out.
 */
export async function runKeeper(options: {
  state: KeeperState;
  io: KeeperIO;
  pollMs: number;
  signal: AbortSignal;
}): Promise<void> {
  const { state, io, pollMs, signal } = options;
  while (!signal.aborted) {
    const head = await readHeadSafely(state, io);
    const verdict = head === null ? null : await judgeSafely(head, state, io);
    if (head === null || verdict === null || verdict === 'repeat' || verdict === 'stale') {
      if (verdict === 'stale' && head)
        io.log.debug(
          { head: head.number, last: state.lastHead?.number },
          'stale head from a lagging RPC: ignored',
        );
      if (head !== null && io.waitForHead) await io.waitForHead(pollMs, signal);
      else await io.sleep(pollMs, signal);
      continue;
    }
    if (verdict === 'reorg' && state.lastHead) {
      state.reorgs += 1;
      io.log.warn(
        { lost: state.lastHead.number, lostHash: state.lastHead.hash, head: head.number, hash: head.hash },
        'reorg: our last head left the chain; rolling back and re-evaluating',
      );
      io.print(
        `reorg: block ${state.lastHead.number} ${state.lastHead.hash} left the chain, new head ${head.number}`,
      );
      io.rollback(head, state.lastHead);
      state.freshestNumber = head.number;
    }
    if (verdict !== 'retry') state.noteNewHead(head);
    let ok = true;
    try {
      await handleBlock(head, state, io);
    } catch (err) {
      ok = false;
      state.recordResult(head, { kind: 'failed', reason: shortOf(err) });
      io.log.error(
        { head: head.number, hash: head.hash, attempt: state.failedAttempts, error: formatErrorChain(err) },
        'block failed; going on',
      );
      io.print(`block ${head.number} | failed: ${shortOf(err)}`);
    }
    io.onBlockDone?.(head, ok);
    // A failure is often a blip: pause before the retry rather than hammering the endpoints.
    if (!ok) await io.sleep(pollMs, signal);
  }
}

function shortOf(err: unknown): string {
  if (err instanceof KeeperError) return err.shortMessage;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

async function readHeadSafely(state: KeeperState, io: KeeperIO): Promise<HeadBlock | null> {
  try {
    return await io.readHead();
  } catch (err) {
    const reason = `cannot read the chain head: ${shortOf(err)}`;
    if (state.headReadFailure === undefined) io.log.warn({ error: formatErrorChain(err) }, reason);
    state.headReadFailure = reason;
    return null;
  }
}

async function judgeSafely(head: HeadBlock, state: KeeperState, io: KeeperIO): Promise<HeadVerdict | null> {
  try {
    return await judgeHead(head, state, io);
  } catch (err) {
    // Not knowing whether our last head is still canonical: do not act on a head that may be stale.
    io.log.warn({ head: head.number, error: formatErrorChain(err) }, 'cannot tell a reorg from a stale head');
    return null;
  }
}
