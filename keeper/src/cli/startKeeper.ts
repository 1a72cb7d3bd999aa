import { pino, type Logger } from 'pino';
import { RpcClient } from '../chain/RpcClient.js';
import { startupChecks } from '../chain/startupChecks.js';
import type { KeeperConfig } from '../config/configSchema.js';
import { flagWarnings, loadConfig } from '../config/loadConfig.js';
import { SubgraphClient } from '../ingest/SubgraphClient.js';
import { createLogger } from '../ops/createLogger.js';
import { KeeperMetrics } from '../ops/KeeperMetrics.js';
import type { Address } from '../model/types.js';
import { KeeperCore } from '../run/KeeperCore.js';
import { ourAddresses } from './ourAddresses.js';
import { SyncProgress } from './SyncProgress.js';
import type { TerminalOutput } from './TerminalOutput.js';

export interface StartedKeeper {
  config: KeeperConfig;
  log: Logger;
  rpc: RpcClient;
  core: KeeperCore;
  metrics: KeeperMetrics;
  progress: SyncProgress;
  close(): void;
}

/** Config → logger → RPC → startup checks → keeper core. Everything `run` and `status` share. */
export async function startKeeper(options: {
  flags: Record<string, string | boolean>;
  env: NodeJS.ProcessEnv;
  logDestination?: NodeJS.WritableStream | pino.DestinationStream;
  /** How long to wait for the subgraph at startup (default 120 s). */
  subgraphWaitMs?: number;
  onWaiting?: (reason: string) => void;
  /** A person's terminal: pretty logs through it when stderr is a terminal too (else JSON on stderr). */
  terminal?: TerminalOutput;
}): Promise<StartedKeeper> {
  const { config: file, ...flags } = options.flags;
  const config = loadConfig({ file: typeof file === 'string' ? file : undefined, env: options.env, flags });
  // Logs go to stderr so that a dry run's block lines on stdout stay readable and pipeable.
  const terminal = options.terminal;
  const pretty = terminal?.tty === true && process.stderr.isTTY === true && !options.logDestination;
  const log = createLogger({
    level: config.ops.logLevel,
    destination: options.logDestination ?? pino.destination(2),
    prettyLine: pretty ? (text) => terminal.logLine(text) : undefined,
  });
  for (const warning of flagWarnings(flags)) log.warn(warning);
  const rpc = new RpcClient(config.rpcUrls, config.chainId, {
    onEvent: (event) => log.warn(event, `RPC endpoint ${event.state}: ${event.reason}`),
    // A subscribed socket that goes silent for a block is polled over HTTP anyway.
    subscribedPollMs: config.blockTimeSec * 1000,
  });
  const subgraph = new SubgraphClient(config.subgraphUrl, config.subgraph.requestTimeoutMs);
  try {
    const checked = await startupChecks({
      rpc,
      chainId: config.chainId,
      marginModule: config.marginModule,
      subgraph,
      maxLagBlocks: config.subgraph.maxLagBlocks,
      subgraphWaitMs: options.subgraphWaitMs,
      onWaiting: options.onWaiting,
      log,
    });
    log.info(
      {
        chainId: config.chainId,
        marginModule: config.marginModule,
        ...checked,
        positionIndex: checked.positionIndex.toString(),
      },
      'startup checks passed',
    );
    const metrics = new KeeperMetrics();
    const progress = new SyncProgress(log, Number(checked.positionIndex), terminal);
    const core = new KeeperCore({
      config,
      rpc,
      subgraph,
      ourAddresses: ourAddresses(config, log),
      log,
      metrics,
      onProgress: (p) => progress.update(p),
      poolFactory: checked.factory as Address,
    });
    return { config, log, rpc, core, metrics, progress, close: () => rpc.destroy() };
  } catch (err) {
    rpc.destroy();
    throw err;
  }
}
