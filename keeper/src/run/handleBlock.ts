import { formatBlockLines } from '../cli/formatBlockLine.js';
import { formatExecutionLines } from '../execution/formatExecutionLines.js';
import type { HeadBlock } from '../model/HeadBlock.js';
import type { BlockOutcome } from './KeeperCore.js';
import type { KeeperIO } from './KeeperIO.js';
import type { KeeperState } from './KeeperState.js';

/**
 * One head block, top-down: plan (ingest → oracle facts → book update → decision) → print → execute (settle
 * what earlier blocks sent, send this plan) → record. Throws whatever fails: the caller's per-block boundary
 * logs it and goes on.
 */
export async function handleBlock(head: HeadBlock, state: KeeperState, io: KeeperIO): Promise<BlockOutcome> {
  const outcome = await io.plan(head);
  for (const line of formatBlockLines(outcome)) io.print(line);
  const report = await io.execute(head, outcome.kind === 'planned' ? outcome.plan : null);
  if (report) for (const line of formatExecutionLines(report)) io.print(line);
  state.recordResult(
    head,
    outcome.kind === 'planned'
      ? {
          kind: 'planned',
          syncedBlock: outcome.synced.number,
          lagBlocks: outcome.lagBlocks,
          positionsTracked: outcome.stats.tracked,
        }
      : { kind: 'not-acting', reason: outcome.reason },
  );
  return outcome;
}
