import { formatEther, formatUnits } from 'ethers';
import type { ExecutionTotals } from './Executor.js';
import type { ExecutionReport } from './types.js';

const gweiText = (wei: bigint): string => `${formatUnits(wei, 'gwei')} gwei`;

/** What execution did in one block, one line per event, for the terminal under the block's line. */
export function formatExecutionLines(report: ExecutionReport): string[] {
  const lines: string[] = [];
  for (const outcome of report.outcomes) {
    const cost = outcome.gasCostWei > 0n ? `, gas ${formatEther(outcome.gasCostWei)} ETH` : '';
    lines.push(
      `  ${outcome.outcome} ${outcome.kind} position ${outcome.positionId}: ${outcome.detail}${cost}`,
    );
  }
  if (report.fallback !== null) lines.push(`  ${report.fallback}`);
  for (const sent of report.sent) {
    const blocks =
      sent.firstTargetBlock === sent.lastTargetBlock
        ? `block ${sent.firstTargetBlock}`
        : `blocks ${sent.firstTargetBlock}-${sent.lastTargetBlock}`;
    const via =
      sent.mode === 'bundle'
        ? `bundle to ${sent.relaysAccepted} relay(s)`
        : sent.mode === 'public'
          ? 'public mempool'
          : 'private RPC';
    lines.push(
      `  sent ${sent.kind} position ${sent.positionId} from ${sent.sender} nonce ${sent.nonce} for ${blocks} ` +
        `(${via}): priority ${gweiText(sent.maxPriorityFeePerGasWei)}, max ${gweiText(sent.maxFeePerGasWei)}, gas limit ${sent.gasLimit}`,
    );
  }
  for (const dropped of report.dropped)
    lines.push(`  not sent ${dropped.kind} position ${dropped.positionId}: ${dropped.reason}`);
  return lines;
}

/** One line of totals, for the end of a run (key=value, so scripts can read it). */
export function formatExecutionTotals(totals: ExecutionTotals): string {
  return (
    `execution: sent=${totals.sent} included=${totals.included} reverted=${totals.reverted} beaten=${totals.beaten} ` +
    `dropped=${totals.dropped} cancelled=${totals.cancelled} gas_spent_wei=${totals.gasSpentWei} wasted_gas_wei=${totals.wastedGasWei} gas_lost_wei=${totals.gasLostWei}`
  );
}
