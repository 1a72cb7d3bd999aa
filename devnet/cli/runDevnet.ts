import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../keeper/src/cli/runCommand.js';
import { Devnet } from '../Devnet.js';
import { startGraphHost } from '../graph-host/GraphHost.js';
import { randomPriceMove, seededRandom, setUpKeeperMarket } from '../scenario/keeperMarket.js';

export interface RunDevnetOptions {
  /** Wall-clock milliseconds between market steps (each step mines a few blocks). */
  stepIntervalMs: number;
  secondsPerBlock: number;
  positions: number;
  /** Stop after this many market steps (0: until interrupted). */
  steps: number;
  /** Stop right after setting up (no graph host, no keeper). */
  exitWhenDone: boolean;
  seed: number;
  log: (line: string) => void;
}

/** Where the devnet writes its addresses for the subgraph's prepare step and for tools. */
export const deploymentFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'deployment.json');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The README's main job: the devnet chain and contracts, a market (lenders, borrowers, a trader moving
 * prices), the graph host indexing it, and the keeper following the chain through the graph host in dry-run
 * mode, printing its line and plan for every block. (Sending the plan arrives with the execution module.)
 */
export async function runDevnet(options: RunDevnetOptions): Promise<void> {
  const started = performance.now();
  const devnet = await Devnet.start({ secondsPerBlock: options.secondsPerBlock });
  const stopAll: (() => Promise<void>)[] = [() => devnet.stop()];
  try {
    const deployedMs = performance.now() - started;
    const market = await setUpKeeperMarket(devnet, { positions: options.positions, seed: options.seed });
    const totalMs = performance.now() - started;
    const head = await devnet.producer.latest();
    const deployment = {
      chainId: devnet.chainId,
      rpcUrl: devnet.rpcUrl,
      startBlock: devnet.startBlock,
      ...devnet.addresses,
      tokens: Object.fromEntries(
        [market.base, ...market.tokens].map((t) => [t.symbol, { erc20: t.address, erc223: t.twin }]),
      ),
      pools: await Promise.all(market.pools.map((p) => p.getAddress())),
    };
    mkdirSync(dirname(deploymentFile), { recursive: true });
    writeFileSync(deploymentFile, `${JSON.stringify(deployment, null, 2)}\n`);
    options.log(`devnet up: chain ${devnet.chainId} at ${devnet.rpcUrl} (anvil pid ${devnet.anvilPid})`);
    options.log(`  MarginModule ${devnet.addresses.marginModule}  factory ${devnet.addresses.factory}`);
    options.log(
      `  market: ${market.orders.length} orders, ${market.positionIds.length} positions, ${market.pools.length} pools; head block ${head.number}`,
    );
    options.log(`  addresses written to ${deploymentFile}`);
    options.log(
      `devnet-startup: deploy_ms=${Math.round(deployedMs)} total_ms=${Math.round(totalMs)} (chain + contracts + market)`,
    );
    if (options.exitWhenDone) return;

    const host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 50 });
    stopAll.unshift(() => host.stop());
    options.log(`graph host: ${host.url}`);
    const keeperStop = new AbortController();
    const keeper = runCommand({
      flags: {
        'dry-run': true,
        'chain-id': String(devnet.chainId),
        'rpc-urls': devnet.rpcUrl,
        'subgraph-url': host.url,
        'margin-module': devnet.addresses.marginModule,
        'block-time-sec': String(options.secondsPerBlock),
        'poll-interval-ms': '100',
        // The market's base token plays WETH here, so rewards (paid in it) are valued 1:1 in ETH.
        weth: market.base.address,
        'ops.port': '0',
        'ops.log-level': 'warn',
      },
      env: {},
      print: (line) => options.log(`keeper | ${line}`),
      signal: keeperStop.signal,
    });
    const random = seededRandom(options.seed + 1);
    const interrupted = new AbortController();
    const onSignal = () => interrupted.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      for (
        let step = 0;
        !interrupted.signal.aborted && (options.steps === 0 || step < options.steps);
        step++
      ) {
        await randomPriceMove(devnet, market, random);
        await sleep(options.stepIntervalMs);
      }
      // Let the keeper see the last block before stopping it.
      await sleep(Math.min(2000, options.stepIntervalMs + 500));
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      keeperStop.abort();
      await keeper;
    }
  } finally {
    for (const stop of stopAll) await stop();
  }
}
