import { describe, expect, it } from 'vitest';
import { startOpsServer } from './startOpsServer.js';
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
    expect(await value(metrics, 'keeper_inclusion_latency_blocks_sum', { endpoint: 'titan' })).toBe(2);
    expect(await value(metrics, 'keeper_inclusion_latency_blocks_sum', { endpoint: 'relay' })).toBe(2);
    expect(await value(metrics, 'keeper_rewards_received_wei')).toBe(1000);
    expect(await value(metrics, 'keeper_realised_profit_wei')).toBe(700);
    expect(await value(metrics, 'keeper_wasted_gas_wei')).toBe(100);
  });
});

describe('execution metrics on /metrics', () => {
  it('per builder endpoint: sent, included, beaten, dropped, latency, gas, wasted gas, rewards; money and balances', async () => {
    const metrics = new KeeperMetrics();
    const outcome = (
      positionId: bigint,
      kind: 'freeze' | 'complete',
      result: 'included' | 'beaten' | 'dropped' | 'reverted',
      endpoints: string[],
      extra: { blockNumber?: bigint; gasCostWei?: bigint; rewardWei?: bigint } = {},
    ) => ({
      positionId,
      kind,
      sender: ME,
      txHash: `0x${positionId.toString(16).padStart(2, '0')}`,
      outcome: result,
      blockNumber: extra.blockNumber ?? null,
      gasCostWei: extra.gasCostWei ?? 0n,
      detail: '',
      sentAtBlock: 10n,
      endpoints,
      ...(extra.rewardWei === undefined ? {} : { rewardWei: extra.rewardWei }),
    });
    recordExecutionMetrics(
      metrics,
      {
        headBlock: 13n,
        mode: 'bundle',
        sent: [sent(['flashbots', 'titan']), sent(['flashbots'])],
        dropped: [],
        outcomes: [
          outcome(1n, 'complete', 'included', ['flashbots', 'titan'], {
            blockNumber: 11n,
            gasCostWei: 5000n,
            rewardWei: 90000n,
          }),
          outcome(2n, 'freeze', 'included', ['titan'], { blockNumber: 13n, gasCostWei: 3000n }),
          outcome(3n, 'freeze', 'reverted', ['titan'], { blockNumber: 13n, gasCostWei: 700n }),
          outcome(4n, 'freeze', 'beaten', ['flashbots']),
          outcome(5n, 'freeze', 'dropped', ['flashbots']),
        ],
        fallback: null,
      },
      { ...totals, gasSpentWei: 8700n, wastedGasWei: 3700n, rewardsWei: 90000n },
    );
    metrics.signerBalanceWei.set({ address: ME }, 5e18);
    const ops = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      metrics,
      health: () => ({ status: 'ok' }),
    });
    let text: string;
    try {
      text = await (await fetch(`${ops.url}/metrics`)).text();
    } finally {
      await ops.close();
    }
    const line = (name: string, labels: string, value: string | number) =>
      expect(text).toMatch(new RegExp(`^${name}\\{${labels}\\} ${value}$`, 'm'));
    line('keeper_bundle_txs_sent_total', 'endpoint="flashbots"', 2);
    line('keeper_bundle_txs_sent_total', 'endpoint="titan"', 1);
    line('keeper_bundle_txs_settled_total', 'endpoint="flashbots",outcome="included"', 1);
    line('keeper_bundle_txs_settled_total', 'endpoint="titan",outcome="included"', 2);
    line('keeper_bundle_txs_settled_total', 'endpoint="flashbots",outcome="beaten"', 1);
    line('keeper_bundle_txs_settled_total', 'endpoint="flashbots",outcome="dropped"', 1);
    line('keeper_bundle_txs_settled_total', 'endpoint="titan",outcome="reverted"', 1);
    // Latency: flashbots saw one inclusion after 1 block; titan two, after 1 and 3 blocks.
    line('keeper_inclusion_latency_blocks_count', 'endpoint="flashbots"', 1);
    line('keeper_inclusion_latency_blocks_sum', 'endpoint="titan"', 4);
    line('keeper_inclusion_latency_blocks_bucket', 'le="2",endpoint="titan"', 1);
    line('keeper_endpoint_gas_spent_wei_total', 'endpoint="flashbots"', 5000);
    line('keeper_endpoint_gas_spent_wei_total', 'endpoint="titan"', 8700);
    line('keeper_endpoint_wasted_gas_wei_total', 'endpoint="titan"', 700);
    line('keeper_endpoint_rewards_received_wei_total', 'endpoint="titan"', 90000);
    expect(text).toMatch(/^keeper_gas_spent_wei 8700$/m);
    expect(text).toMatch(/^keeper_wasted_gas_wei 3700$/m);
    expect(text).toMatch(/^keeper_rewards_received_wei 90000$/m);
    expect(text).toMatch(/^keeper_realised_profit_wei 81300$/m);
    line('keeper_signer_balance_wei', `address="${ME}"`, 5000000000000000000);
    // Nothing wasted through flashbots: no series for it.
    expect(text).not.toMatch(/^keeper_endpoint_wasted_gas_wei_total\{endpoint="flashbots"\}/m);
  });
});
