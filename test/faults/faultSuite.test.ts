import { Interface, Wallet, type TransactionReceipt } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startAnvil, type Anvil } from '../../devnet/chain/startAnvil.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { blockReceipts, eventsIn } from '../execution/support/blockReceipts.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { runKeeper, waitForStdout, type KeeperProcess } from '../support/keeperProcess.js';
import { startFaultProxy, type FaultProxy } from './support/startFaultProxy.js';

// The keeper as a process against one shared devnet, through proxies that inject faults in front of the RPC,
// the graph host and the relay. Every scenario starts from the same chain state (evm_snapshot/evm_revert),
// runs the keeper under its fault, clears it, crashes prices, and then checks on chain what the keeper did:
// every position the contract lets us liquidate after recovery is liquidated by us, nothing of ours reverts or
// touches a position the contract did not allow, and the process never exits on its own.

const LIQUIDATOR_KEY = `0x${'4b'.repeat(32)}`;
const AUTH_KEY = `0x${'a7'.repeat(32)}`;
const BLOCK_INTERVAL_MS = 800;
const SECONDS_PER_BLOCK = 12;
/** Blocks mined under a fault before it clears. */
const FAULT_BLOCKS = 2;
/** Blocks after the crash within which every liquidatable position must be liquidated. */
const RECOVERY_BLOCKS = 8;
const HOSTILE_PAYLOADS = 1000;

const mm = new Interface([
  'event PositionFrozen(uint256 indexed positionId, address indexed liquidator, uint256 timestamp)',
]);

let devnet: Devnet;
let host: GraphHost;
let relay: Relay;
let market: KeeperMarket;
let rpcProxy: FaultProxy;
let graphProxy: FaultProxy;
let relayProxy: FaultProxy;
let otherChain: Anvil;
let baseSnapshot: string;
const liquidator = new Wallet(LIQUIDATOR_KEY).address.toLowerCase();

interface Ctx {
  keeper: () => KeeperProcess;
  /** Kills the keeper (SIGKILL) and starts a new one; the kill is not counted as a crash. */
  killAndRestart: () => Promise<void>;
  mine: () => Promise<number>;
}

interface Scenario {
  name: string;
  /** Flag overrides for the keeper (rpc-urls, subgraph-url, execution.relays, ...). */
  flags?: () => Record<string, string>;
  /** Starts the fault before the keeper starts. */
  before?: () => Promise<void>;
  /** Runs with the keeper up, before the fault clears (default: mine FAULT_BLOCKS blocks). */
  during?: (ctx: Ctx) => Promise<void>;
  clear?: () => Promise<void>;
  /** Runs right after the crash, with the interval stopped (reorgs, kills). */
  afterCrash?: (ctx: Ctx) => Promise<void>;
}

interface Outcome {
  crashes: number;
  wrongActions: number;
  missed: number;
  gasLostWei: bigint;
  wastedGasWei: bigint;
  detail: string;
}

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: SECONDS_PER_BLOCK, generation: 1 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 40, seed: 29 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
  relay = await startRelay({ devnet });
  rpcProxy = await startFaultProxy(devnet.rpcUrl);
  graphProxy = await startFaultProxy(host.url);
  relayProxy = await startFaultProxy(relay.url);
  otherChain = await startAnvil({ chainId: devnet.chainId + 1 });
  await devnet.provider.send('anvil_setBalance', [liquidator, '0x56bc75e2d63100000']);
  await devnet.producer.mine();
  baseSnapshot = await devnet.snapshot();
}, 300_000);

afterAll(async () => {
  await devnet?.producer.stop();
  await Promise.all([rpcProxy?.stop(), graphProxy?.stop(), relayProxy?.stop()]);
  await otherChain?.stop();
  await relay?.stop();
  await host?.stop();
  await devnet?.stop();
});

function keeperArgs(overrides: Record<string, string>): string[] {
  const flags: Record<string, string> = {
    'chain-id': String(devnet.chainId),
    'rpc-urls': `${rpcProxy.url},${devnet.rpcUrl}`,
    'subgraph-url': graphProxy.url,
    'margin-module': devnet.addresses.marginModule,
    'block-time-sec': String(SECONDS_PER_BLOCK),
    'poll-interval-ms': '20',
    'subgraph.max-lag-blocks': '2',
    'subgraph.head-wait-ms': '300',
    'subgraph.request-timeout-ms': '1000',
    'ops.port': '0',
    'execution.relays': relayProxy.url,
    weth: market.base.address,
    ...overrides,
  };
  return Object.entries(flags).flatMap(([k, v]) => [`--${k}`, v]);
}

const env = { DEX223_KEEPER_PRIVATE_KEY: LIQUIDATOR_KEY, DEX223_KEEPER_FLASHBOTS_AUTH_KEY: AUTH_KEY };

/** A seeded generator, so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 4294967296;
  };
}
const random = seeded(0xfa17);

async function resetWorld(): Promise<void> {
  await devnet.producer.stop();
  await devnet.revert(baseSnapshot);
  baseSnapshot = await devnet.snapshot();
  await Promise.all([rpcProxy.setMode('pass'), graphProxy.setMode('pass'), relayProxy.setMode('pass')]);
  host.indexer.setLagBlocks(0);
}

const onceWhenHandled = (run: KeeperProcess, block: number) =>
  waitForStdout(run, (out) => new RegExp(`^block ${block} \\|`, 'm').test(out), `block ${block} handled`);

/** Our transactions in blocks [from, to] and their receipts. */
async function ourReceipts(
  from: number,
  to: number,
): Promise<{ block: number; receipts: TransactionReceipt[] }[]> {
  const out = [];
  for (let b = from; b <= to; b++) {
    const receipts = (await blockReceipts(devnet, b)).filter((r) => r.from.toLowerCase() === liquidator);
    if (receipts.length > 0) out.push({ block: b, receipts });
  }
  return out;
}

async function runScenario(scenario: Scenario): Promise<Outcome> {
  await resetWorld();
  await scenario.before?.();
  const start = (await devnet.producer.latest()).number + 1;
  const args = ['run', ...keeperArgs(scenario.flags?.() ?? {})];
  const runs: KeeperProcess[] = [runKeeper(args, env)];
  const current = () => runs.at(-1)!;
  let crashes = 0;
  const ctx: Ctx = {
    keeper: current,
    killAndRestart: async () => {
      const run = current();
      if (run.child.exitCode !== null) crashes += 1;
      run.child.kill('SIGKILL');
      await run.exited;
      runs.push(runKeeper(args, env));
    },
    mine: async () => (await devnet.producer.mine()).number,
  };
  devnet.producer.start(BLOCK_INTERVAL_MS);
  const truth = new Set<bigint>();
  let end = start;
  try {
    if (scenario.during) await scenario.during(ctx);
    else for (let i = 0; i < FAULT_BLOCKS; i++) await ctx.mine();
    await scenario.clear?.();
    // Pool by pool; what the contract allows after each step counts (the keeper may act between steps).
    for (const pool of market.pools) {
      await crashPrices(devnet, { ...market, pools: [pool] }, 150_000n);
      const step = await devnet.producer.latest();
      const allowed = await contractLiquidatable(
        devnet.provider,
        devnet.addresses.marginModule,
        step.hash,
        step.timestampSec + SECONDS_PER_BLOCK,
      );
      for (const id of allowed) truth.add(id);
    }
    if (scenario.afterCrash) {
      await devnet.producer.stop();
      await scenario.afterCrash(ctx);
      devnet.producer.start(BLOCK_INTERVAL_MS);
    }
    // Recovery: blocks until every liquidatable position is liquidated, or the budget runs out.
    for (let i = 0; i < RECOVERY_BLOCKS; i++) {
      end = await ctx.mine();
      const liquidated = await liquidatedByUs(start, end);
      if ([...truth].every((id) => liquidated.has(id))) break;
    }
  } finally {
    await devnet.producer.stop();
    end = (await devnet.producer.latest()).number;
    for (const run of runs.slice(0, -1)) await run.exited;
    const last = current();
    if (last.child.exitCode !== null) crashes += 1;
    else {
      // Stopped by us: not a crash, whatever its exit status (a keeper still starting up dies of the signal).
      last.child.kill('SIGTERM');
      await last.exited;
    }
  }
  const ours = await ourReceipts(start, end);
  const liquidated = await liquidatedByUs(start, end);
  let wrongActions = 0;
  let gasLostWei = 0n;
  let wastedGasWei = 0n;
  for (const { block, receipts } of ours) {
    const frozen = new Set(eventsIn(receipts, 'PositionFrozen').keys());
    let allowed: Set<bigint> | undefined;
    if (frozen.size > 0) {
      const at = await devnet.provider.getBlock(block);
      const parent = await devnet.provider.getBlock(block - 1);
      allowed = await contractLiquidatable(
        devnet.provider,
        devnet.addresses.marginModule,
        parent!.hash!,
        at!.timestamp,
      );
    }
    for (const receipt of receipts) {
      const gas = receipt.gasUsed * receipt.gasPrice;
      if (receipt.status === 0) {
        wrongActions += 1;
        gasLostWei += gas;
        continue;
      }
      const froze = receipt.logs
        .map((log) => {
          try {
            return mm.parseLog(log);
          } catch {
            return null;
          }
        })
        .filter((parsed) => parsed?.name === 'PositionFrozen')
        .map((parsed) => parsed!.args[0] as bigint);
      for (const id of froze) {
        if (!allowed?.has(id)) wrongActions += 1;
        // A freeze earns nothing unless our completion follows.
        if (!liquidated.has(id)) wastedGasWei += gas;
      }
    }
  }
  const missedIds = [...truth].filter((id) => !liquidated.has(id));
  const outcome = {
    crashes,
    wrongActions,
    missed: missedIds.length,
    gasLostWei,
    wastedGasWei,
    detail:
      `fault ${scenario.name}: liquidatable=${truth.size} liquidated=${[...truth].filter((id) => liquidated.has(id)).length} ` +
      `blocks=${start}-${end} crashes=${crashes} wrong_actions=${wrongActions} missed=${missedIds.length}` +
      (missedIds.length > 0 ? ` (${missedIds.join(',')})` : '') +
      ` gas_lost_wei=${gasLostWei} wasted_gas_wei=${wastedGasWei}`,
  };
  if (outcome.crashes + outcome.wrongActions + outcome.missed > 0) {
    const out = runs.map((r) => r.stdout().slice(-4000) + r.stderr().slice(-2000)).join('\n----\n');
    console.log(`${outcome.detail}\n${out}`);
  } else console.log(outcome.detail);
  return outcome;
}

async function liquidatedByUs(from: number, to: number): Promise<Set<bigint>> {
  const out = new Set<bigint>();
  for (let b = from; b <= to; b++)
    for (const [id, by] of eventsIn(await blockReceipts(devnet, b), 'Liquidation'))
      if (by === liquidator) out.add(id);
  return out;
}

/** A reorg of `depth` blocks after the crash: the keeper sees a branch, then a different one `shorterBy` shorter. */
function reorg(depth: number, shorterBy: number): Scenario {
  return {
    name: `reorg depth ${depth}${shorterBy > 0 ? ` to a chain ${shorterBy} shorter` : ' to an equal chain'}`,
    afterCrash: async (ctx) => {
      const fork = await devnet.snapshot();
      const forkHead = await devnet.producer.latest();
      for (let i = 0; i < depth; i++) {
        const mined = await ctx.mine();
        await onceWhenHandled(ctx.keeper(), mined);
      }
      await devnet.revert(fork);
      // A different branch: other timestamps, so other hashes at the same heights.
      for (let i = 0; i < depth - shorterBy; i++) {
        const head = await devnet.producer.latest();
        await devnet.producer.mine({ timestampSec: head.timestampSec + SECONDS_PER_BLOCK + 1 });
      }
      expect((await devnet.producer.latest()).number).toBe(forkHead.number + depth - shorterBy);
    },
  };
}

const allScenarios: Scenario[] = [
  { name: 'baseline (no fault)' },
  { name: 'RPC primary down', before: () => rpcProxy.setMode('drop'), clear: () => rpcProxy.setMode('pass') },
  {
    name: 'RPC primary erroring (JSON-RPC -32603)',
    before: () => rpcProxy.setMode('rpc-error'),
    clear: () => rpcProxy.setMode('pass'),
  },
  {
    name: 'RPC primary HTTP 500',
    before: () => rpcProxy.setMode('http500'),
    clear: () => rpcProxy.setMode('pass'),
  },
  {
    name: 'RPC primary rate-limited (HTTP 429, -32005)',
    before: () => rpcProxy.setMode('rate-limit'),
    clear: () => rpcProxy.setMode('pass'),
  },
  {
    name: 'RPC primary 3 blocks behind',
    before: () => rpcProxy.setMode('lag', { lagBlocks: 3 }),
    clear: async () => undefined,
  },
  {
    name: 'RPC primary on the wrong chain',
    flags: () => ({ 'rpc-urls': `${otherChain.rpcUrl},${devnet.rpcUrl}` }),
  },
  {
    name: 'subgraph down',
    before: () => graphProxy.setMode('drop'),
    clear: () => graphProxy.setMode('pass'),
  },
  {
    name: 'subgraph erroring (HTTP 500)',
    before: () => graphProxy.setMode('http500'),
    clear: () => graphProxy.setMode('pass'),
  },
  {
    name: 'subgraph 5 blocks behind, then 2 (within maxLagBlocks) through the crash',
    before: async () => host.indexer.setLagBlocks(5),
    clear: async () => host.indexer.setLagBlocks(2),
  },
  {
    name: `subgraph hostile payloads (>= ${HOSTILE_PAYLOADS} generated)`,
    before: async () => {
      await graphProxy.setMode('hostile');
      await graphProxy.takeCounts();
    },
    during: async (ctx) => {
      // Blocks on demand, each as soon as the keeper has judged the last one: the keeper asks the subgraph a
      // few times per block, and a thousand payloads on the interval would take minutes.
      await devnet.producer.stop();
      let served = 0;
      while (served < HOSTILE_PAYLOADS) {
        await ctx.mine();
        // The keeper asks again (a new head, or its startup sync retrying) before the next block.
        const deadline = Date.now() + 15_000;
        let fresh = 0;
        while (fresh === 0) {
          if (Date.now() > deadline || ctx.keeper().child.exitCode !== null)
            throw new Error(`the keeper stopped asking the subgraph after ${served} hostile payloads`);
          await new Promise((r) => setTimeout(r, 25));
          fresh = (await graphProxy.takeCounts()).hostile;
        }
        served += fresh;
      }
      console.log(`hostile payloads served: ${served}`);
      devnet.producer.start(BLOCK_INTERVAL_MS);
    },
    clear: () => graphProxy.setMode('pass'),
  },
  {
    name: 'subgraph endless pages',
    before: () => graphProxy.setMode('endless'),
    flags: () => ({ 'subgraph.page-size': '5' }),
    clear: () => graphProxy.setMode('pass'),
  },
  { name: 'relay down', before: () => relayProxy.setMode('drop'), clear: () => relayProxy.setMode('pass') },
  {
    name: 'kill -9 right after a send, and at random points',
    afterCrash: async (ctx) => {
      const next = await devnet.producer.next();
      await waitForStdout(
        ctx.keeper(),
        (out) => new RegExp(`^  sent .* for block ${next.number} `, 'm').test(out),
        `a send for block ${next.number}`,
      );
      await ctx.killAndRestart();
      for (let i = 0; i < 2; i++) {
        const head = await ctx.mine();
        await new Promise((r) => setTimeout(r, Math.floor(random() * 1500)));
        await ctx.killAndRestart();
        void head;
      }
      await waitForStdout(
        ctx.keeper(),
        (out) => /^block \d+ \|/m.test(out),
        'the restarted keeper handling a block',
        60_000,
      );
    },
  },
  reorg(1, 0),
  reorg(1, 1),
  reorg(2, 1),
  reorg(3, 0),
  reorg(4, 2),
  reorg(5, 3),
];

// FAULTS_ONLY=<text> runs only the scenarios whose name contains it (to replay one while debugging).
const only = process.env.FAULTS_ONLY;
const scenarios = only ? allScenarios.filter((s) => s.name.includes(only)) : allScenarios;

describe('fault suite: the keeper process under RPC, subgraph, relay, kill and reorg faults', () => {
  it('never crashes, never acts wrongly, misses nothing after recovery, loses no gas', async () => {
    const totals = { crashes: 0, wrongActions: 0, missed: 0, gasLostWei: 0n, wastedGasWei: 0n };
    for (const scenario of scenarios) {
      const o = await runScenario(scenario);
      totals.crashes += o.crashes;
      totals.wrongActions += o.wrongActions;
      totals.missed += o.missed;
      totals.gasLostWei += o.gasLostWei;
      totals.wastedGasWei += o.wastedGasWei;
    }
    const line =
      `faults: scenarios=${scenarios.length} crashes=${totals.crashes} wrong_actions=${totals.wrongActions} ` +
      `missed=${totals.missed} gas_lost_wei=${totals.gasLostWei} wasted_gas_wei=${totals.wastedGasWei}`;
    console.log(line);
    expect(line).toMatch(/ crashes=0 wrong_actions=0 missed=0 gas_lost_wei=0 /);
  }, 900_000);
});
