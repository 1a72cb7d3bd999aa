import type { Devnet } from '../../devnet/Devnet.js';
import type { GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import type { BlockOutcome, KeeperCore } from '../../keeper/src/run/KeeperCore.js';

export interface HeadComparison {
  head: { number: number; hash: string; timestampSec: number };
  outcome: Extract<BlockOutcome, { kind: 'planned' }>;
  /** What the contract lets anyone liquidate at the next block's timestamp, on the head's state. */
  truth: Set<bigint>;
  misses: bigint[];
  falsePositives: bigint[];
}

/**
 * The keeper plans the chain's head (once the graph host has indexed it), and its liquidatable set for the next
 * block is set beside the contract's own answer at that block's timestamp. A keeper not acting is an error here.
 */
export async function planHeadAgainstContract(
  devnet: Devnet,
  host: GraphHost,
  core: KeeperCore,
): Promise<HeadComparison> {
  const head = await devnet.producer.latest();
  await host.indexer.waitFor({ number: head.number }, 30_000);
  const outcome = await core.processBlock({
    number: head.number,
    hash: head.hash.toLowerCase(),
    timestampSec: head.timestampSec,
  });
  if (outcome.kind !== 'planned')
    throw new Error(`keeper not acting at block ${head.number}: ${outcome.reason}`);
  const next = head.timestampSec + devnet.producer.secondsPerBlock;
  const truth = await contractLiquidatable(devnet.provider, devnet.addresses.marginModule, head.hash, next);
  const predicted = new Set(outcome.liquidatable);
  return {
    head,
    outcome,
    truth,
    misses: [...truth].filter((id) => !predicted.has(id)),
    falsePositives: [...predicted].filter((id) => !truth.has(id)),
  };
}
