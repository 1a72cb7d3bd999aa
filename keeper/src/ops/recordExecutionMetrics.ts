import type { ExecutionTotals } from '../execution/Executor.js';
import type { ExecutionReport } from '../execution/types.js';
import type { KeeperMetrics } from './KeeperMetrics.js';

/**
 * One block's execution in the metrics: transactions each endpoint took and how each settled (a bundle taken
 * by several endpoints counts at each: which one built the block is not ours to know), and per endpoint the
 * inclusion latency, gas, wasted gas and rewards; then the money since start. Transactions not sent as bundles count under endpoint "-".
 */
export function recordExecutionMetrics(
  metrics: KeeperMetrics,
  report: ExecutionReport,
  totals: ExecutionTotals,
): void {
  for (const sent of report.sent) {
    const endpoints = sent.endpoints && sent.endpoints.length > 0 ? sent.endpoints : ['-'];
    for (const endpoint of endpoints) metrics.bundlesSent.inc({ endpoint });
  }
  for (const outcome of report.outcomes) {
    const endpoints = outcome.endpoints && outcome.endpoints.length > 0 ? outcome.endpoints : ['-'];
    const landed = outcome.blockNumber !== null;
    // Reverts and no-op cancellations paid for nothing by themselves; a freeze's worth shows only later.
    const wasted = outcome.outcome === 'reverted' || outcome.outcome === 'cancelled';
    for (const endpoint of endpoints) {
      metrics.bundleOutcomes.inc({ endpoint, outcome: outcome.outcome });
      if (landed && outcome.gasCostWei > 0n) {
        metrics.endpointGasSpentWei.inc({ endpoint }, Number(outcome.gasCostWei));
        if (wasted) metrics.endpointWastedGasWei.inc({ endpoint }, Number(outcome.gasCostWei));
      }
      if (outcome.rewardWei !== undefined && outcome.rewardWei > 0n)
        metrics.endpointRewardsWei.inc({ endpoint }, Number(outcome.rewardWei));
      if (outcome.outcome === 'included' && outcome.blockNumber !== null && outcome.sentAtBlock !== undefined)
        metrics.inclusionLatencyBlocks.observe(
          { endpoint },
          Number(outcome.blockNumber - outcome.sentAtBlock),
        );
    }
  }
  metrics.gasSpentWei.set(Number(totals.gasSpentWei));
  metrics.wastedGasWei.set(Number(totals.wastedGasWei));
  metrics.rewardsWei.set(Number(totals.rewardsWei));
  metrics.realisedProfitWei.set(Number(totals.rewardsWei - totals.gasSpentWei));
}
