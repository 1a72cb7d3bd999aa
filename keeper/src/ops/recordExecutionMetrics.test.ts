import { describe, expect, it } from 'vitest';
import type { ExecutionTotals } from '../execution/Executor.js';
import type { ExecutionReport, SentAction } from '../execution/types.js';
import type { Address } from '../model/types.js';
import { KeeperMetrics } from './KeeperMetrics.js';
import { recordExecutionMetrics } from './recordExecutionMetrics.js';

const ME = '0x00000000000000000000000000000000000000aa' as Address;
const sent = (endpoints: string[]): SentAction => ({
  positionId: 1n,
  kind: 'freeze',
  sender: ME,
  nonce: 0,
  txHash: '0x01',
  gasLimit: 1n,
  maxFeePerGasWei: 1n,
  maxPriorityFeePerGasWei: 1n,
  expectedProfitWei: 1n,
  mode: 'bundle',
  replacementUuid: 'u',
  relaysAccepted: endpoints.length,
  endpoints,
  firstTargetBlock: 11n,
  lastTargetBlock: 11n,
});
const totals: ExecutionTotals = {
  sent: 2,
  included: 1,
  reverted: 0,
  beaten: 1,
  dropped: 0,
  cancelled: 0,
  gasSpentWei: 300n,
  gasLostWei: 0n,
  wastedGasWei: 100n,
  rewardsWei: 1000n,
};

async function value(metrics: KeeperMetrics, name: string, labels: Record<string, string> = {}) {
  const values = (await metrics.registry.getMetricsAsJSON()).flatMap((m) =>
    m.values.map((v) => ({ ...v, name: (v as { metricName?: string }).metricName ?? m.name })),
  );
  const found = values.find(
    (v) =>
      v.name === name &&
      Object.entries(labels).every(([k, want]) => (v.labels as Record<string, unknown>)[k] === want),
  );
  return found?.value;
}

describe('recordExecutionMetrics', () => {
  it('counts per endpoint, observes inclusion latency, and sets rewards, gas and realised profit', async () => {
    const metrics = new KeeperMetrics();
    const report: ExecutionReport = {
      headBlock: 12n,
      mode: 'bundle',
      sent: [sent(['relay', 'titan']), sent(['relay'])],
      dropped: [],
      outcomes: [
        {
          positionId: 1n,
          kind: 'complete',
          sender: ME,
          txHash: '0x02',
          outcome: 'included',
          blockNumber: 12n,
          gasCostWei: 200n,
          detail: '',
          sentAtBlock: 10n,
          endpoints: ['relay', 'titan'],
          rewardWei: 1000n,
        },
        {
          positionId: 2n,
          kind: 'freeze',
          sender: ME,
          txHash: '0x03',
          outcome: 'beaten',
          blockNumber: null,
          gasCostWei: 0n,
          detail: '',
          sentAtBlock: 10n,
          endpoints: ['relay'],
        },
      ],
      fallback: null,
    };
    recordExecutionMetrics(metrics, report, totals);
    expect(await value(metrics, 'keeper_bundle_txs_sent_total', { endpoint: 'relay' })).toBe(2);
    expect(await value(metrics, 'keeper_bundle_txs_sent_total', { endpoint: 'titan' })).toBe(1);
    expect(
      await value(metrics, 'keeper_bundle_txs_settled_total', { endpoint: 'titan', outcome: 'included' }),
    ).toBe(1);
    expect(
      await value(metrics, 'keeper_bundle_txs_settled_total', { endpoint: 'relay', outcome: 'beaten' }),
    ).toBe(1);
    expect(await value(metrics, 'keeper_inclusion_latency_blocks_sum')).toBe(2);
    expect(await value(metrics, 'keeper_rewards_received_wei')).toBe(1000);
    expect(await value(metrics, 'keeper_realised_profit_wei')).toBe(700);
    expect(await value(metrics, 'keeper_wasted_gas_wei')).toBe(100);
  });
});
