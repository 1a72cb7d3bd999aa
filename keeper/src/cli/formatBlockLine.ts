import { formatEther } from 'ethers';
import type { PlannedAction } from '../decision/types.js';
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
        `profit ${formatEther(action.expectedProfitWei)} ETH, gas ${action.gasUnits}, ${action.reason}` +
        swapsText(action),
    );
  }
  return lines;
}

/** The policy's trade-off, said where the action is: what the lender may lose, and that our reward does not move. */
function swapsText(action: PlannedAction): string {
  const swaps = action.swapsFirst ?? [];
  if (swaps.length === 0) return '';
  const quoted = swaps.reduce((sum, s) => sum + s.quote, 0n);
  const floor = swaps.reduce((sum, s) => sum + s.minAmountOut, 0n);
  return (
    `, after our marginSwap of ${swaps.length} asset(s) (the 95 % floor blocks the forced swaps): ` +
    `the lender may get up to ${quoted - floor} base units under the oracle's ${quoted}; our reward is unchanged`
  );
}
