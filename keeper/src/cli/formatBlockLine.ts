import { formatEther } from 'ethers';
import type { BlockOutcome } from '../run/KeeperCore.js';

/** The dry run's one line per block, then one line per planned action. */
export function formatBlockLines(outcome: BlockOutcome): string[] {
  const ms = outcome.elapsedMs.toFixed(1);
  if (outcome.kind === 'not-acting')
    return [`block ${outcome.head.number} | not acting: ${outcome.reason} | ${ms} ms`];
  const { stats, plan } = outcome;
  const kinds = new Map<string, number>();
  for (const action of plan.actions) kinds.set(action.kind, (kinds.get(action.kind) ?? 0) + 1);
  const actionText = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ') || 'none';
  const lines = [
    `block ${outcome.head.number} | lag ${outcome.lagBlocks} | tracked ${stats.tracked} | at risk ${stats.atRisk} | ` +
      `candidates ${stats.candidates} | plan: ${actionText} | ${ms} ms`,
  ];
  for (const action of plan.actions) {
    lines.push(
      `  ${action.kind} position ${action.positionId} (order ${action.orderId}) from ${action.sender}: ` +
        `profit ${formatEther(action.expectedProfitWei)} ETH, gas ${action.gasUnits}, ${action.reason}`,
    );
  }
  return lines;
}
