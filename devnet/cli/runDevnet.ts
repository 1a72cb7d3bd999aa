import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Devnet } from '../Devnet.js';
import { runSmallMarket } from '../scenario/smallMarket.js';

export interface RunDevnetOptions {
  /** Wall-clock milliseconds between blocks once the market is set up. */
  blockIntervalMs: number;
  secondsPerBlock: number;
  exitWhenDone: boolean;
  log: (line: string) => void;
}

/** Where the devnet writes its addresses for the subgraph's prepare step and for tools. */
export const deploymentFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'deployment.json');

/**
 * The README's main job until the keeper lands: start the devnet, deploy, run a small market, then keep
 * producing blocks until interrupted (or stop right away with `exitWhenDone`).
 */
export async function runDevnet(options: RunDevnetOptions): Promise<void> {
  const started = performance.now();
  const devnet = await Devnet.start({ secondsPerBlock: options.secondsPerBlock });
  const stop = async () => {
    await devnet.stop();
  };
  try {
    const deployedMs = performance.now() - started;
    const market = await runSmallMarket(devnet);
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
      pools: market.pools,
    };
    mkdirSync(dirname(deploymentFile), { recursive: true });
    writeFileSync(deploymentFile, `${JSON.stringify(deployment, null, 2)}\n`);
    options.log(`devnet up: chain ${devnet.chainId} at ${devnet.rpcUrl} (anvil pid ${devnet.anvilPid})`);
    options.log(`  MarginModule ${devnet.addresses.marginModule}  factory ${devnet.addresses.factory}`);
    options.log(
      `  oracle ${devnet.addresses.oracle}  fixed-ratio oracle ${devnet.addresses.fixedRatioOracle}`,
    );
    options.log(
      `  market: order ${market.orderId}, positions ${market.positionIds.join(', ')}, ${market.pools.length} pools; head block ${head.number}`,
    );
    options.log(`  addresses written to ${deploymentFile}`);
    options.log(
      `devnet-startup: deploy_ms=${Math.round(deployedMs)} total_ms=${Math.round(totalMs)} (chain + contracts + small market)`,
    );
    if (options.exitWhenDone) return;
    options.log(`producing a block every ${options.blockIntervalMs} ms; Ctrl-C to stop`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      devnet.producer.onBeforeBlock(async (next) => {
        options.log(`block ${next.number} @${next.timestampSec}`);
      });
      devnet.producer.start(options.blockIntervalMs, (err) =>
        options.log(`block production failed: ${String(err)}`),
      );
    });
  } finally {
    await stop();
  }
}
