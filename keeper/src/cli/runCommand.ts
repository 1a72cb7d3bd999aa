import { recordExecutionMetrics } from '../ops/recordExecutionMetrics.js';
import { formatExecutionTotals } from '../execution/formatExecutionLines.js';
import type { Executor } from '../execution/Executor.js';
import { checkExecutionConfig, startExecution } from '../execution/startExecution.js';
import { loadConfig } from '../config/loadConfig.js';
import { checkSignerBalances, scheduleMaintenance } from '../ops/scheduleMaintenance.js';
import { startOpsServer, type HealthReport } from '../ops/startOpsServer.js';
import type { KeeperIO } from '../run/KeeperIO.js';
import { KeeperState } from '../run/KeeperState.js';
import { runKeeper } from '../run/runKeeper.js';
import { startKeeper } from './startKeeper.js';

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
}): Promise<number> {
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
  const ops =
    config.ops.port === 0
      ? undefined
      : await startOpsServer({
          port: config.ops.port,
          host: config.ops.host,
          metrics: keeper.metrics,
          health: () => health(),
        });
  if (ops) log.info({ url: ops.url }, 'metrics and health endpoint up');
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
      return outcome;
    },
    execute: async (head, plan) => {
      if (!executor) return null;
      const report = await executor.onBlock(head, plan);
      recordExecutionMetrics(keeper.metrics, report, executor.totals);
      return report;
    },
    rollback: () => {
      keeper.metrics.reorgs.inc();
      // The next sync reloads everything at the new head: nothing believed from the lost blocks survives.
      core.mirror.reset();
    },
    print: options.print,
    sleep: (ms, signal) => sleep(ms, signal),
    onBlockDone: (head, ok) => {
      if (!ok) keeper.metrics.blocksFailed.inc();
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
          await checkSignerBalances({
            addresses: executor.addresses,
            minWei: config.ops.minSignerBalance,
            balanceOf: (address) => rpc.provider.getBalance(address),
            log,
            onBalance: (address, wei) => keeper.metrics.signerBalanceWei.set({ address }, Number(wei)),
          });
        },
      },
    ],
    log,
  );
  await maintenance.runNow('signer-balance');
  try {
    await runKeeper({ state, io, pollMs, signal: stop.signal });
    if (executor) options.print(formatExecutionTotals(executor.totals));
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await maintenance.stop();
    await ops?.close();
    keeper.close();
  }
}
