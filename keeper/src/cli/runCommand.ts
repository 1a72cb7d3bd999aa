import { recordExecutionMetrics } from '../ops/recordExecutionMetrics.js';
import { formatExecutionTotals } from '../execution/formatExecutionLines.js';
import type { Executor } from '../execution/Executor.js';
import { checkExecutionConfig, startExecution } from '../execution/startExecution.js';
import { loadConfig } from '../config/loadConfig.js';
import { AlertMonitor } from '../ops/AlertMonitor.js';
import { DashboardFeed } from '../ops/DashboardFeed.js';
import { rewardValueWei } from '../run/rewardValueWei.js';
import { checkSignerBalances, scheduleMaintenance } from '../ops/scheduleMaintenance.js';
import { startOpsServer, type HealthReport } from '../ops/startOpsServer.js';
import type { KeeperIO } from '../run/KeeperIO.js';
import { KeeperState } from '../run/KeeperState.js';
import { runKeeper } from '../run/runKeeper.js';
import { BlockLineFolder } from './BlockLineFolder.js';
import { formatDuration } from './formatDuration.js';
import { formatRunSummary } from './formatRunSummary.js';
import { startKeeper } from './startKeeper.js';
import type { TerminalOutput } from './TerminalOutput.js';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/**
 * `dex223-keeper run`: follows the chain head and, per new block, prints one line (head, lag, tracked, at risk,
 * candidates, time) and the plan, then sends the plan (`--dry-run`: only prints it) and prints what was sent,
 * what landed and what did not. Stops on SIGINT/SIGTERM or when `signal` aborts.
 */
export async function runCommand(options: {
  flags: Record<string, string | boolean>;
  env: NodeJS.ProcessEnv;
  print: (line: string) => void;
  signal?: AbortSignal;
  /** Called once a head block is planned and its plan sent (the devnet paces its blocks on it). */
  onBlockHandled?: (blockNumber: number) => void;
  /**
   * A person's terminal (the CLI passes it): pretty logs, the sync bar and folded quiet blocks on a status
   * line, the positions nearest to liquidation with their ETA. Without it, `print` gets every line as is.
   */
  terminal?: TerminalOutput;
}): Promise<number> {
  const startedMs = Date.now();
  // Checked before anything starts: a keeper that could not send says which setting is missing at once.
  // dryRun is the config's boolean (flag, env or file), not a guess at a flag's spelling.
  const { config: file, ...flags } = options.flags;
  const early = loadConfig({ file: typeof file === 'string' ? file : undefined, env: options.env, flags });
  const dryRun = early.dryRun;
  if (!dryRun) checkExecutionConfig(early);
  // A subgraph that is down or behind is waited for (the keeper recovers by itself), saying why it does not act.
  const keeper = await startKeeper({
    flags: options.flags,
    env: options.env,
    subgraphWaitMs: Number.POSITIVE_INFINITY,
    onWaiting: (reason) => options.print(`not acting: ${reason}`),
    terminal: options.terminal,
  });
  const { config, core, log, rpc } = keeper;
  let executor: Executor | undefined;
  try {
    executor = dryRun
      ? undefined
      : await startExecution({
          config,
          rpc,
          inFlight: core.inFlight,
          positionOf: (id) => core.mirror.positions.get(id),
          ledger: core.ledger,
          env: options.env,
          log,
        });
  } catch (err) {
    keeper.close();
    throw err;
  }
  let health: () => HealthReport = () => ({ status: 'starting' });
  const dashboard = new DashboardFeed({
    positions: core.mirror.positions,
    orders: core.mirror.orders,
    inFlight: core.inFlight,
    valuation: (id, at) => core.book.valuation(id, at),
    rewardWei: (order) => rewardValueWei(order, config.weth, core.book.pools),
    health: () => health(),
    totals: () => executor?.totals,
  });
  const ops =
    config.ops.port === 0
      ? undefined
      : await startOpsServer({
          port: config.ops.port,
          host: config.ops.host,
          metrics: keeper.metrics,
          health: () => health(),
          dashboard: () => dashboard.snapshot(),
        });
  if (ops) log.info({ url: ops.url, dashboard: `${ops.url}/` }, 'metrics, health and dashboard endpoint up');
  const folder = options.terminal
    ? new BlockLineFolder(options.terminal, () => atRiskText(dashboard))
    : undefined;
  const print = folder ? (line: string) => folder.print(line) : options.print;
  const alerts = new AlertMonitor(config.ops.alerts, { log, name: `dex223-keeper chain ${config.chainId}` });
  if (alerts.enabled)
    log.info(
      { format: config.ops.alerts.format, minIntervalSec: config.ops.alerts.minIntervalSec },
      'webhook alerts on',
    );
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  options.signal?.addEventListener('abort', onSignal);
  const pollMs = Math.min(config.pollIntervalMs, (config.blockTimeSec * 1000) / 4);
  const state = new KeeperState();
  health = () =>
    state.health({
      staleAfterBlocks: config.ops.staleAfterBlocks,
      staleAfterMs: config.ops.staleAfterBlocks * config.blockTimeSec * 1000,
    });
  const io: KeeperIO = {
    log,
    readHead: () => rpc.readHead(),
    hasBlock: async (hash) => (await rpc.send('eth_getBlockByHash', [hash, false])) !== null,
    plan: async (head) => {
      const outcome = await core.processBlock(head);
      keeper.progress.done();
      dashboard.recordPlan(outcome);
      const drift = await keeper.metrics.oracleDrift.get();
      alerts.onDriftTotal(drift.values.reduce((sum, v) => sum + v.value, 0));
      return outcome;
    },
    execute: async (head, plan) => {
      if (!executor) return null;
      const report = await executor.onBlock(head, plan);
      recordExecutionMetrics(keeper.metrics, report, executor.totals);
      dashboard.recordExecution(report);
      alerts.onOutcomes(report.outcomes);
      return report;
    },
    rollback: () => {
      keeper.metrics.reorgs.inc();
      // The next sync reloads everything at the new head: nothing believed from the lost blocks survives.
      core.mirror.reset();
    },
    print,
    sleep: (ms, signal) => sleep(ms, signal),
    waitForHead: (ms, signal) => rpc.waitForHead(ms, signal),
    onBlockDone: (head, ok) => {
      if (!ok) keeper.metrics.blocksFailed.inc();
      const result = state.lastResult;
      alerts.onBlock(
        head.number,
        result?.kind === 'planned',
        result && result.kind !== 'planned' ? result.reason : undefined,
      );
      options.onBlockHandled?.(head.number);
    },
  };
  const maintenance = scheduleMaintenance(
    [
      { name: 'full-resync', cron: config.ops.resyncCron, run: async () => core.requestFullResync() },
      {
        name: 'signer-balance',
        cron: config.ops.balanceCron,
        run: async () => {
          if (!executor) return;
          const balances = new Map<string, bigint>();
          const low = await checkSignerBalances({
            addresses: executor.addresses,
            minWei: config.ops.minSignerBalance,
            balanceOf: (address) => rpc.provider.getBalance(address),
            log,
            onBalance: (address, wei) => {
              balances.set(address, wei);
              keeper.metrics.signerBalanceWei.set({ address }, Number(wei));
            },
          });
          alerts.onLowBalance(
            low.map((address) => ({ address, wei: balances.get(address) ?? 0n })),
            config.ops.minSignerBalance,
          );
        },
      },
    ],
    log,
  );
  await maintenance.runNow('signer-balance');
  try {
    await runKeeper({ state, io, pollMs, signal: stop.signal });
    folder?.finish();
    await alerts.flush();
    const earned = dashboard.earned();
    options.print(
      formatRunSummary({
        ranMs: Date.now() - startedMs,
        blocksHandled: state.blocksHandled,
        blocksFailed: state.blocksFailed,
        reorgs: state.reorgs,
        lastHead: state.lastHead?.number,
        dryRun: executor === undefined,
        liquidations: earned.liquidations,
        rewardWei: earned.rewardWei,
        gasSpentWei: executor?.totals.gasSpentWei ?? 0n,
        alertsSent: alerts.sent,
      }),
    );
    if (executor) options.print(formatExecutionTotals(executor.totals));
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await maintenance.stop();
    await alerts.flush();
    await ops?.close();
    keeper.close();
  }
}

/** The status line's tail: the positions nearest to liquidation, each with its ETA as time. */
function atRiskText(dashboard: DashboardFeed): string {
  const rows = dashboard.nearestAtRisk(3);
  if (rows.length === 0) return 'no position heading for liquidation';
  return `nearest: ${rows.map((r) => `#${r.positionId} ${r.state === 'healthy' ? formatDuration(r.etaSec) : r.state}`).join(', ')}`;
}
