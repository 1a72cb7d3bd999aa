import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The keeper's Prometheus metrics, on a registry of its own (no global state shared between tests). */
export class KeeperMetrics {
  readonly registry = new Registry();
  readonly headBlock = new Gauge({
    name: 'keeper_head_block',
    help: 'Latest chain head seen',
    registers: [this.registry],
  });
  readonly syncedBlock = new Gauge({
    name: 'keeper_synced_block',
    help: 'Block the in-memory mirror reflects',
    registers: [this.registry],
  });
  readonly subgraphLag = new Gauge({
    name: 'keeper_subgraph_lag_blocks',
    help: 'Chain head minus the block the subgraph answered for',
    registers: [this.registry],
  });
  readonly positionsTracked = new Gauge({
    name: 'keeper_positions_tracked',
    help: 'Open positions in the mirror',
    registers: [this.registry],
  });
  readonly positionsAtRisk = new Gauge({
    name: 'keeper_positions_at_risk',
    help: 'Positions predicted liquidatable within the at-risk horizon',
    registers: [this.registry],
  });
  readonly candidates = new Gauge({
    name: 'keeper_candidates',
    help: 'Positions liquidatable at the next block',
    registers: [this.registry],
  });
  readonly plannedActions = new Gauge({
    name: 'keeper_planned_actions',
    help: 'Actions in the last plan',
    registers: [this.registry],
  });
  readonly notActing = new Counter({
    name: 'keeper_not_acting_total',
    help: 'Blocks skipped, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly blockSeconds = new Histogram({
    name: 'keeper_block_processing_seconds',
    help: 'Time from a new head to a plan',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly oracleDrift = new Counter({
    name: 'keeper_oracle_model_drift_total',
    help: 'Sampled positions whose in-process valuation disagreed with getPositionStatus',
    labelNames: ['oracle'] as const,
    registers: [this.registry],
  });
  readonly blocksFailed = new Counter({
    name: 'keeper_blocks_failed_total',
    help: 'Head blocks whose handling threw (logged with the cause chain; the loop went on)',
    registers: [this.registry],
  });
  readonly reorgs = new Counter({
    name: 'keeper_reorgs_total',
    help: 'New heads at or below the last one whose block had left the chain',
    registers: [this.registry],
  });
  readonly positionsFailed = new Counter({
    name: 'keeper_positions_failed_total',
    help: 'Positions skipped for a block because reading them threw (logged with the cause chain)',
    registers: [this.registry],
  });
  readonly gasSpentWei = new Gauge({
    name: 'keeper_gas_spent_wei',
    help: 'Gas paid by our transactions that landed, since start (wei; a float, for dashboards)',
    registers: [this.registry],
  });
  readonly wastedGasWei = new Gauge({
    name: 'keeper_wasted_gas_wei',
    help: 'Gas paid on positions whose reward we did not earn (yet), since start (wei)',
    registers: [this.registry],
  });
  readonly signerBalanceWei = new Gauge({
    name: 'keeper_signer_balance_wei',
    help: 'Balance of each of our keys at the last scheduled check (wei)',
    labelNames: ['address'] as const,
    registers: [this.registry],
  });
  readonly bundlesSent = new Counter({
    name: 'keeper_bundle_txs_sent_total',
    help: 'Liquidation transactions an endpoint (relay or builder) took in a bundle',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });
  readonly bundleOutcomes = new Counter({
    name: 'keeper_bundle_txs_settled_total',
    help: 'Settled liquidation transactions by endpoint that took them and outcome (included, beaten, dropped …)',
    labelNames: ['endpoint', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly inclusionLatencyBlocks = new Histogram({
    name: 'keeper_inclusion_latency_blocks',
    help: 'Blocks from the head a transaction was sent at to the block it landed in, by endpoint that took it',
    labelNames: ['endpoint'] as const,
    buckets: [1, 2, 3, 5, 10, 25],
    registers: [this.registry],
  });
  readonly endpointGasSpentWei = new Counter({
    name: 'keeper_endpoint_gas_spent_wei_total',
    help: 'Gas paid by our landed transactions, by endpoint that took them (a bundle sent to several counts at each; a float)',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });
  readonly endpointWastedGasWei = new Counter({
    name: 'keeper_endpoint_wasted_gas_wei_total',
    help: 'Gas paid by our landed transactions that earned nothing themselves (reverts, cancellations), by endpoint',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });
  readonly endpointRewardsWei = new Counter({
    name: 'keeper_endpoint_rewards_received_wei_total',
    help: 'Rewards of our completions that landed, in ETH wei, by endpoint that took them (a float)',
    labelNames: ['endpoint'] as const,
    registers: [this.registry],
  });
  readonly rewardsWei = new Gauge({
    name: 'keeper_rewards_received_wei',
    help: 'Rewards of our completions that landed since start, in ETH wei at the pool price (a float)',
    registers: [this.registry],
  });
  readonly realisedProfitWei = new Gauge({
    name: 'keeper_realised_profit_wei',
    help: 'Rewards received minus all gas spent since start (wei; a float)',
    registers: [this.registry],
  });
  readonly heldBack = new Gauge({
    name: 'keeper_positions_held_back',
    help: 'Positions changed in blocks the subgraph has not indexed yet (not acted on until it has)',
    registers: [this.registry],
  });
}
