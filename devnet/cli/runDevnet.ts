import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Wallet, isError, keccak256, toUtf8Bytes } from 'ethers';
import { runCommand } from '../../keeper/src/cli/runCommand.js';
import { Devnet } from '../Devnet.js';
import { freePort } from '../chain/freePort.js';
import type { ModuleGeneration } from '../deploy/deployCore.js';
import { blocksWithRoom } from '../scenario/blocksWithRoom.js';
import { contractCompletable } from '../scenario/contractCompletable.js';
import { describeMarketOracle } from '../scenario/describeMarketOracle.js';
import { startGraphHost } from '../graph-host/GraphHost.js';
import { builderSchedule } from '../chain/builderSchedule.js';
import { startBuilders } from '../relay/startBuilders.js';
import { contractLiquidatable } from '../scenario/contractLiquidatable.js';
import { crashPrices } from '../scenario/crashPrices.js';
import { accountGas } from '../scenario/accountGas.js';
import { readPaidTxs, type ValueInEth } from '../scenario/readPaidTxs.js';
import { realisedProfit } from '../scenario/realisedProfit.js';
import { randomPriceMove, seededRandom, setUpKeeperMarket } from '../scenario/keeperMarket.js';

export interface RunDevnetOptions {
  scenario: 'market' | 'crash';
  /** The MarginModule generation: 3 (what is deployed today, with the 2d3ffd2 TWAP oracle), 2 or 1. */
  generation: ModuleGeneration;
  /** Wall-clock milliseconds between market steps (each step mines a few blocks). */
  stepIntervalMs: number;
  /** Chain time between blocks. */
  secondsPerBlock: number;
  /**
   * Wall-clock seconds between blocks once the scenario runs: blocks come on that clock whatever the keeper
   * does, as on a real chain. Undefined: blocks are paced on the keeper (each waits until it handled the last).
   */
  blockTimeSec?: number;
  /** The graph host answers this many blocks behind the chain head, like a lagging hosted subgraph. */
  subgraphLag: number;
  positions: number;
  /** Market scenario: stop after this many steps (0: until interrupted). */
  steps: number;
  /** Market scenario: stop right after setting up. Crash scenario: exit after the summary line. */
  exitWhenDone: boolean;
  /** Run the built-in keeper; without it the devnet mines at the step interval for a keeper of your own. */
  keeper: boolean;
  seed: number;
  /** How many builders share the blocks (default 1: the relay builds every block). */
  builders?: number;
  log: (line: string) => void;
  /**
   * Crash scenario: called after the summary line with the devnet still up (its subgraph indexed to the last
   * block), so a tool can be run against it; the devnet stops when it returns.
   */
  afterSummary?: (run: FinishedRun) => Promise<void>;
}

/** A finished crash run, as `afterSummary` sees it. */
export interface FinishedRun {
  chainId: number;
  rpcUrl: string;
  subgraphUrl: string;
  marginModule: string;
  /** The token that plays WETH. */
  weth: string;
  /** The built-in keeper's liquidator address (the summary counts its transactions). */
  liquidator: string;
  /** The blocks the summary read, first to last. */
  fromBlock: number;
  toBlock: number;
  /** The summary line, and the money line printed just before it (reward, gas spent, profit). */
  summary: string;
  money: string;
}

/** The devnet's builders, in order: the first is also the relay. */
const BUILDER_NAMES = ['flashbots', 'beaverbuild', 'titan', 'rsync'] as const;

/** Where the devnet writes its addresses for the subgraph's prepare step and for tools. */
export const deploymentFile = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'deployment.json');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The README's main job: the devnet chain and contracts, a market (lenders, borrowers, a trader moving
 * prices), the graph host indexing it, the Flashbots-style relay, and the keeper with a funded key following
 * the chain, freezing and completing liquidations through bundles. Blocks are paced on the keeper: a block is
 * mined only after the keeper handled the one before, like a keeper that keeps up with 12-second blocks.
 * With `blockTimeSec` they are not: the chain mines on a wall-clock interval and a slow keeper is late, which
 * the summary shows; with `subgraphLag` the graph host answers that many blocks behind the head.
 * The crash scenario drops every price at once and ends with
 * `liquidated=<n> missed=<n> late_blocks_max=<n> gas_lost_wei=<n>`.
 */
export async function runDevnet(options: RunDevnetOptions): Promise<void> {
  const started = performance.now();
  const devnet = await Devnet.start({
    secondsPerBlock: options.secondsPerBlock,
    generation: options.generation,
    ...(options.generation === 3 ? { priceOracle: 'twap2d3ffd2' as const } : {}),
  });
  const stopAll: (() => Promise<void>)[] = [() => devnet.stop()];
  try {
    // Every position trades into a market token, so a crash can put (almost) all of them under water.
    const market = await setUpKeeperMarket(devnet, {
      positions: options.positions,
      seed: options.seed,
      tradedPerFive: 5,
    });
    const totalMs = performance.now() - started;
    const head = await devnet.producer.latest();
    options.log(`devnet up: chain ${devnet.chainId} at ${devnet.rpcUrl} (anvil pid ${devnet.anvilPid})`);
    options.log(
      `  MarginModule generation ${devnet.generation} at ${devnet.addresses.marginModule}  factory ${devnet.addresses.factory}`,
    );
    options.log(
      `  orders priced by ${market.oracle}${market.twapWindowSec === undefined ? ' (spot)' : ` (TWAP over ${market.twapWindowSec} s)`}`,
    );
    options.log(
      `  market: ${market.orders.length} orders, ${market.positionIds.length} positions, ${market.pools.length} pools; head block ${head.number}`,
    );
    for (const line of await describeMarketOracle(devnet, market)) options.log(line);
    options.log(`devnet-startup: total_ms=${Math.round(totalMs)} (chain + contracts + market)`);
    if (options.exitWhenDone && options.scenario === 'market') return;

    // Pacing first: the relay's hook must run last, right before the block is mined.
    let handled = -1;
    let tracking = false;
    const fixedClock = options.blockTimeSec !== undefined;
    const clock = { blocks: 0, slots: 0, maxLateMs: 0, reports: 0 };
    const everLiquidatable = new Map<bigint, number>();
    const closed = new Set<bigint>();
    /** First block in which each frozen position's completion would succeed (the 95 % floor delays it on gen 2/3). */
    const completableFrom = new Map<bigint, number>();
    /**
     * Records what is due in block `number` (the contract's answer on its parent's state at its timestamp), and
     * which frozen positions it would let be completed.
     */
    const unvaluable = new Set<bigint>();
    const trackDue = async (number: number, parentHash: string, timestampSec: number) => {
      const due = await contractLiquidatable(
        devnet.provider,
        devnet.addresses.marginModule,
        parentHash,
        timestampSec,
        (id) => {
          if (unvaluable.has(id)) return;
          unvaluable.add(id);
          options.log(
            `position ${id}: its valuation reverts (an oracle revert, e.g. no pool serves the window): nobody can liquidate it`,
          );
        },
      );
      for (const id of due) if (!everLiquidatable.has(id)) everLiquidatable.set(id, number);
      const pending = [...everLiquidatable.keys()].filter(
        (id) => !closed.has(id) && !completableFrom.has(id),
      );
      const completable = await contractCompletable(
        devnet.provider,
        devnet.addresses.marginModule,
        pending,
        parentHash,
        timestampSec,
      );
      for (const id of completable) completableFrom.set(id, number);
    };
    devnet.producer.onBeforeBlock(async (next) => {
      // On a fixed clock nothing may hold the block: what is due is read after it is mined (below).
      if (!tracking || fixedClock) return;
      const deadline = Date.now() + 15_000;
      if (options.keeper) while (handled < next.number - 1 && Date.now() < deadline) await sleep(10);
      const parent = await devnet.producer.latest();
      await trackDue(next.number, parent.hash, next.timestampSec);
    });
    let trackedOnClock: Promise<void> = Promise.resolve();
    const host = await startGraphHost({
      rpcUrl: devnet.rpcUrl,
      chainId: devnet.chainId,
      pollIntervalMs: 20,
      lagBlocks: options.subgraphLag,
    });
    stopAll.unshift(() => host.stop());
    const builderCount = options.builders ?? 1;
    if (builderCount > BUILDER_NAMES.length) throw new Error(`at most ${BUILDER_NAMES.length} builders`);
    const names = BUILDER_NAMES.slice(0, builderCount);
    // One builder has no schedule: it builds every block, as the single relay always did.
    const builders = await startBuilders({
      devnet,
      names,
      schedule:
        builderCount === 1
          ? () => 'flashbots'
          : builderSchedule({
              shares: names.map((name) => ({ name, weight: 1 })),
              seed: String(options.seed),
            }),
    });
    stopAll.unshift(() => builders.stop());
    const relay = builders.relay;
    options.log(
      `graph host: ${host.url}${options.subgraphLag > 0 ? ` (answers ${options.subgraphLag} blocks behind the head)` : ''}`,
    );
    options.log(`relay: ${relay.url}`);
    if (builderCount > 1) {
      for (const [name, b] of builders.byName) options.log(`  builder ${name}: ${b.url}`);
    }
    // Devnet keys: derived from fixed seeds, funded here. They guard nothing but this devnet's play money, so
    // deployment.json carries them for a keeper of your own; they are never printed.
    const liquidator = new Wallet(keccak256(toUtf8Bytes('dex223-keeper devnet liquidator')));
    const authKey = new Wallet(keccak256(toUtf8Bytes('dex223-keeper devnet flashbots auth')));
    await devnet.provider.send('anvil_setBalance', [liquidator.address, `0x${(10n ** 21n).toString(16)}`]);
    const deployment = {
      chainId: devnet.chainId,
      rpcUrl: devnet.rpcUrl,
      subgraphUrl: host.url,
      relayUrl: relay.url,
      builders: Object.fromEntries([...builders.byName].map(([name, b]) => [name, b.url])),
      startBlock: devnet.startBlock,
      ...devnet.addresses,
      // The market's base token plays WETH: rewards are paid in it and valued 1:1 in ETH.
      weth: market.base.address,
      tokens: Object.fromEntries(
        [market.base, ...market.tokens].map((t) => [t.symbol, { erc20: t.address, erc223: t.twin }]),
      ),
      pools: await Promise.all(market.pools.map((p) => p.getAddress())),
      keeperAccount: {
        note: 'devnet only: funded with 1000 ETH; the summary line counts liquidations by this address',
        address: liquidator.address,
        privateKey: liquidator.privateKey,
        flashbotsAuthKey: authKey.privateKey,
      },
    };
    mkdirSync(dirname(deploymentFile), { recursive: true });
    writeFileSync(deploymentFile, `${JSON.stringify(deployment, null, 2)}\n`);
    options.log(`  addresses, URLs and a funded keeper account written to ${deploymentFile}`);
    options.log(
      `keeper: liquidator ${liquidator.address}${options.keeper ? '' : ' (not started: --no-keeper)'}`,
    );

    const keeperStop = new AbortController();
    // The built-in keeper's ops endpoint: its dashboard, /metrics and /health, on a port the OS picked.
    const opsPort = options.keeper ? await freePort() : 0;
    if (options.keeper)
      options.log(`  dashboard: http://127.0.0.1:${opsPort}/ (metrics at /metrics, health at /health)`);
    const keeper = options.keeper
      ? startBuiltInKeeper({
          opsPort,
          devnet,
          subgraphUrl: host.url,
          relayUrl: relay.url,
          // The other builders, each taking our bundles directly (and named to the relay).
          builders: [...builders.byName]
            .filter(([name]) => name !== relay.name)
            .map(([name, b]) => `${name}=${b.url}`),
          weth: market.base.address,
          secondsPerBlock: options.secondsPerBlock,
          subgraphLag: options.subgraphLag,
          privateKey: liquidator.privateKey,
          flashbotsAuthKey: authKey.privateKey,
          log: options.log,
          signal: keeperStop.signal,
          onBlockHandled: (n) => {
            handled = Math.max(handled, n);
          },
        })
      : Promise.resolve(0);
    const first = await devnet.producer.latest();
    if (options.keeper) {
      // Start pacing once the keeper has handled the current head.
      const keeperFailed = keeper.then(
        () => undefined,
        (err: unknown) => err,
      );
      while (handled < first.number) {
        const failure = await Promise.race([keeperFailed, sleep(50).then(() => 'waiting' as const)]);
        if (failure !== 'waiting') throw failure ?? new Error('the keeper stopped before handling a block');
      }
    }
    tracking = true;
    if (options.blockTimeSec !== undefined) {
      options.log(
        `chain: a block every ${options.blockTimeSec} s of wall-clock time (+${options.secondsPerBlock} s chain time each), whatever the keeper does`,
      );
      devnet.producer.start(options.blockTimeSec * 1000, {
        onError: (err) => {
          clock.reports += 1;
          options.log(`chain | ${err instanceof Error ? err.message : String(err)}`);
        },
        onBlock: (block) => {
          trackedOnClock = trackedOnClock
            .then(async () => {
              const mined = await devnet.provider.getBlock(block.hash);
              if (!mined) throw new Error(`block ${block.number} vanished before it was checked`);
              await trackDue(block.number, mined.parentHash, block.timestampSec);
            })
            .catch((err: unknown) =>
              options.log(`chain | due positions of block ${block.number}: ${String(err)}`),
            );
          clock.blocks += 1;
          clock.slots = block.slot + 1;
          clock.maxLateMs = Math.max(clock.maxLateMs, block.minedAtMs - block.dueAtMs);
        },
      });
    }
    const firstBlock = first.number + 1;
    const interrupted = new AbortController();
    const onSignal = () => interrupted.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      if (options.scenario === 'crash') {
        options.log('scenario: every token loses 70 % of its price');
        await crashPrices(devnet, market, 300_000n);
        // Under a TWAP the crash reaches positions progressively, as the average follows the spot price over the
        // window, and completions wait for the 95 % floor: give it the window and a freeze's hour on top.
        const twapBlocks =
          market.twapWindowSec === undefined
            ? 0
            : Math.ceil((market.twapWindowSec * 2 + 3600) / devnet.producer.secondsPerBlock);
        const maxBlocks = 80 + twapBlocks;
        // Nothing may be due yet while the average still lags the crash: wait out the window before calling it quiet.
        const minBlocks = Math.ceil((market.twapWindowSec ?? 0) / devnet.producer.secondsPerBlock);
        let quiet = 0;
        for (let i = 0; i < maxBlocks && (quiet < 4 || i < minBlocks) && !interrupted.signal.aborted; i++) {
          const closedBefore = closed.size;
          // Without the built-in keeper nothing paces the blocks: give a keeper of your own wall-clock time.
          // (On a fixed block time the clock does that, and mine() waits for its next block.)
          if (!options.keeper && !fixedClock) await sleep(options.stepIntervalMs);
          await devnet.producer.mine();
          await trackedOnClock;
          for (const id of await closedOf(devnet, [...everLiquidatable.keys()])) closed.add(id);
          quiet = closed.size === closedBefore && closed.size === everLiquidatable.size ? quiet + 1 : 0;
          if (market.twapWindowSec !== undefined && i % 25 === 0) {
            options.log(
              `crash +${i} blocks: liquidatable so far ${everLiquidatable.size}, completable ${completableFrom.size}, closed ${closed.size}`,
            );
          }
        }
        options.log(floorLine(everLiquidatable, completableFrom));
      } else {
        const random = seededRandom(options.seed + 1);
        for (
          let step = 0;
          !interrupted.signal.aborted && (options.steps === 0 || step < options.steps);
          step++
        ) {
          await randomPriceMove(devnet, market, random);
          await sleep(options.stepIntervalMs);
          await devnet.producer.mine();
        }
      }
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      tracking = false;
      keeperStop.abort();
      await keeper;
      // Back to mining on demand: the head stays put while the summary reads the chain.
      await devnet.producer.stop();
      await trackedOnClock;
    }
    if (fixedClock) {
      options.log(
        `chain: ${clock.blocks} blocks in ${clock.slots} slots of ${options.blockTimeSec} s, mined at most ${clock.maxLateMs} ms after their slot; ${clock.reports} overrun, skip or miss reports`,
      );
    }
    const last = await devnet.producer.latest();
    const summary = await summarize(
      devnet,
      liquidator.address,
      market.base.address,
      everLiquidatable,
      completableFrom,
      firstBlock,
      last.number,
      options.log,
    );
    options.log(summary.money);
    options.log(summary.line);
    if (options.afterSummary && options.scenario === 'crash') {
      await host.indexer.waitFor({ number: last.number }, 60_000);
      await options.afterSummary({
        chainId: devnet.chainId,
        rpcUrl: devnet.rpcUrl,
        subgraphUrl: host.url,
        marginModule: devnet.addresses.marginModule,
        weth: market.base.address,
        liquidator: liquidator.address.toLowerCase(),
        fromBlock: firstBlock,
        toBlock: last.number,
        summary: summary.line,
        money: summary.money,
      });
    }
  } finally {
    for (const stop of stopAll) await stop();
  }
}

async function closedOf(devnet: Devnet, ids: bigint[]): Promise<bigint[]> {
  const closed: bigint[] = [];
  for (const id of ids) {
    const p = (await devnet.contracts.marginModule.getFunction('positions')(id)) as unknown as {
      open: boolean;
    };
    if (!p.open) closed.push(id);
  }
  return closed;
}

/** How the crash reached positions over time, and how long the 95 % floor held completions back. */
function floorLine(dueSince: Map<bigint, number>, completableFrom: Map<bigint, number>): string {
  const due = [...dueSince.values()];
  const waits = [...dueSince].flatMap(([id, dueBlock]) => {
    const from = completableFrom.get(id);
    return from === undefined ? [] : [from - dueBlock];
  });
  const spread = due.length > 0 ? Math.max(...due) - Math.min(...due) : 0;
  const blocked = waits.filter((w) => w > 1).length;
  return `crash reach: positions_due=${due.length} due_spread_blocks=${spread} completion_wait_blocks_max=${Math.max(0, ...waits)} floor_blocked_positions=${blocked}`;
}

/**
 * The run's one-line result (and a money line: rewards, all gas spent, profit), from the chain: our freezes and
 * completions against when positions became due, and what we paid, read from receipts: `gas_lost_wei` on reverts, `wasted_gas_wei` on anything that earned no
 * reward (reverts, freezes we never completed, re-freezes), and `profit_wei`: the rewards the completions paid
 * us (in the base token, which plays WETH: 1:1 in ETH; in another token, valued in ETH by the gen-1 Oracle's
 * `getAmountOut` at the end of the completion's block, the pool price the keeper's decision uses) minus every
 * wei of gas we spent.
 */
async function summarize(
  devnet: Devnet,
  liquidator: string,
  rewardToken: string,
  dueSince: Map<bigint, number>,
  completableFrom: Map<bigint, number>,
  fromBlock: number,
  toBlock: number,
  log: (line: string) => void,
): Promise<{ money: string; line: string }> {
  const mm = devnet.addresses.marginModule;
  const paid = await readPaidTxs(
    devnet.provider,
    mm,
    fromBlock,
    toBlock,
    new Set([liquidator.toLowerCase()]),
    rewardToken,
    oracleValueInEth(devnet, rewardToken),
  );
  const frozenAt = new Map<bigint, number>();
  const completedAt = new Map<bigint, number>();
  for (const tx of paid) {
    if (tx.reverted) continue;
    for (const id of tx.froze) if (!frozenAt.has(id)) frozenAt.set(id, tx.blockNumber);
    for (const id of tx.completed) completedAt.set(id, tx.blockNumber);
  }
  let late = 0;
  let lateIsolated = 0;
  let heldByBlockFloor = 0;
  let missed = 0;
  const lateOnes: string[] = [];
  for (const [id, dueBlock] of dueSince) {
    const frozen = frozenAt.get(id);
    const completed = completedAt.get(id);
    if (frozen === undefined || completed === undefined) {
      missed += 1;
      continue;
    }
    // A completion is late against the first block that would have accepted it (the freeze's next block on
    // gen 1; on gen 2/3 the 95 % floor can hold it back longer).
    const completableBlock = Math.max(frozen + 1, completableFrom.get(id) ?? 0);
    lateIsolated = Math.max(lateIsolated, frozen - dueBlock, completed - completableBlock);
    // A completion that waited is late only by the blocks that still had room for it (see blocksWithRoom).
    const room =
      completed > completableBlock
        ? await blocksWithRoom(devnet.provider, mm, id, completableBlock, completed - 1)
        : [];
    if (completed > completableBlock) heldByBlockFloor += 1;
    const lateBy = Math.max(frozen - dueBlock, room.length);
    if (lateBy > 0)
      lateOnes.push(
        `position ${id}: due ${dueBlock} frozen ${frozen} completable ${completableBlock} completed ${completed}` +
          ` (room in blocks ${room.join(',') || 'none'})`,
      );
    late = Math.max(late, lateBy);
  }
  // Which positions were late, and at which step: the figure alone cannot tell a slow freeze from a slow completion.
  for (const line of lateOnes.slice(0, 10)) log(`late: ${line}`);
  if (heldByBlockFloor > 0)
    log(
      `floor room: ${heldByBlockFloor} completions waited past the first block that would take them alone ` +
        `(at most ${lateIsolated} blocks) because earlier completions in those blocks had used the pools' 95 % floor; ` +
        `late_blocks_max counts only blocks that still had room for them`,
    );
  const gas = accountGas(paid);
  const money = realisedProfit(paid);
  return {
    money: `money: reward_wei=${money.rewardWei} gas_spent_wei=${money.spentWei} profit_wei=${money.profitWei}`,
    line: `liquidated=${completedAt.size} missed=${missed} late_blocks_max=${late} gas_lost_wei=${gas.lostWei} wasted_gas_wei=${gas.wastedWei} profit_wei=${money.profitWei}`,
  };
}

/** A token amount in ETH (the base token that plays WETH) as the chain's gen-1 Oracle prices it at a block. */
function oracleValueInEth(devnet: Devnet, wethLike: string): ValueInEth {
  const getAmountOut = devnet.contracts.oracle.getFunction('getAmountOut');
  return async (token, amount, blockNumber) => {
    try {
      return (await getAmountOut(wethLike, token, amount, { blockTag: blockNumber })) as bigint;
    } catch (err) {
      // The oracle reverts when no pool prices the token: a reward we cannot value, not a failed run.
      if (isError(err, 'CALL_EXCEPTION')) return null;
      throw err;
    }
  };
}

interface BuiltInKeeperOptions {
  devnet: Devnet;
  opsPort: number;
  subgraphUrl: string;
  relayUrl: string;
  /** `execution.builders` entries: name=url of every builder but the relay's own. */
  builders: string[];
  weth: string;
  secondsPerBlock: number;
  subgraphLag: number;
  privateKey: string;
  flashbotsAuthKey: string;
  log: (line: string) => void;
  signal: AbortSignal;
  onBlockHandled: (blockNumber: number) => void;
}

/** The keeper as an operator would run it (`dex223-keeper run`), configured for this devnet. */
function startBuiltInKeeper(o: BuiltInKeeperOptions): Promise<number> {
  return runCommand({
    flags: {
      'chain-id': String(o.devnet.chainId),
      'rpc-urls': o.devnet.rpcUrl,
      'subgraph-url': o.subgraphUrl,
      'margin-module': o.devnet.addresses.marginModule,
      'block-time-sec': String(o.secondsPerBlock),
      'poll-interval-ms': '20',
      // The lag the devnet's graph host is told to have: a keeper refuses a subgraph further behind than this.
      'subgraph.max-lag-blocks': String(o.subgraphLag),
      // A graph host told to lag never reaches a new head in time: waiting for it would only make the keeper late.
      ...(o.subgraphLag > 0 ? { 'subgraph.head-grace-ms': '0' } : {}),
      // The market's base token plays WETH here, so rewards (paid in it) are valued 1:1 in ETH.
      weth: o.weth,
      'execution.relays': o.relayUrl,
      ...(o.builders.length > 0 ? { 'execution.builders': o.builders.join(',') } : {}),
      'ops.port': String(o.opsPort),
      'ops.host': '127.0.0.1',
      'ops.log-level': 'error',
    },
    env: {
      DEX223_KEEPER_PRIVATE_KEY: o.privateKey,
      DEX223_KEEPER_FLASHBOTS_AUTH_KEY: o.flashbotsAuthKey,
    },
    print: (line) => o.log(`keeper | ${line}`),
    signal: o.signal,
    onBlockHandled: o.onBlockHandled,
  });
}
