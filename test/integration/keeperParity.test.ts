import { Interface, type Contract, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import {
  randomPriceMove,
  seededRandom,
  setUpKeeperMarket,
  type KeeperMarket,
} from '../../devnet/scenario/keeperMarket.js';
import { RpcClient } from '../../keeper/src/chain/RpcClient.js';
import { keeperCoreOnDevnet } from '../support/keeperCoreOnDevnet.js';
import { KeeperCore } from '../../keeper/src/run/KeeperCore.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { planHeadAgainstContract } from '../support/planHeadAgainstContract.js';

const SECONDS_PER_BLOCK = 3600;
const POSITIONS = 200;
const STEPS = 50;

const mm = new Interface([
  'event Liquidation(uint256 indexed positionId, uint256 indexed orderId, address indexed liquidator, address feeReceiver)',
]);

let devnet: Devnet;
let host: GraphHost;
let market: KeeperMarket;
let rpc: RpcClient;
let core: KeeperCore;

const stats = {
  blocks: 0,
  misses: 0,
  falsePositives: 0,
  liquidatableSeen: 0,
  maxSet: 0,
  freezes: 0,
  completions: 0,
};

async function checkParity(): Promise<Set<bigint>> {
  const { head, outcome, truth, misses, falsePositives } = await planHeadAgainstContract(devnet, host, core);
  expect(outcome.nextTimestampSec).toBe(BigInt(head.timestampSec + SECONDS_PER_BLOCK));
  stats.blocks += 1;
  stats.misses += misses.length;
  stats.falsePositives += falsePositives.length;
  stats.liquidatableSeen += truth.size;
  stats.maxSet = Math.max(stats.maxSet, truth.size);
  expect({ block: head.number, misses, falsePositives }).toEqual({
    block: head.number,
    misses: [],
    falsePositives: [],
  });
  return truth;
}

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: SECONDS_PER_BLOCK, genesisTimestampSec: 1_800_000_000 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: POSITIONS, seed: 223 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
  ({ rpc, core } = keeperCoreOnDevnet(devnet, host.url));
}, 300_000);

afterAll(async () => {
  rpc?.destroy();
  await host?.stop();
  await devnet?.stop();
});

describe('keeper parity with the contract on the devnet', () => {
  it(`predicts exactly the liquidatable set of block H+1 at every block (${POSITIONS} positions, prices moving, time passing)`, async () => {
    const random = seededRandom(7);
    const competitor: JsonRpcSigner = await devnet.actor('competitor');
    const asCompetitor = devnet.contracts.marginModule.connect(competitor) as Contract;
    const liquidateAll = (ids: bigint[]) =>
      devnet.sendInOneBlock(
        ids.map((id) => () => asCompetitor.getFunction('liquidate')(id, competitor.address)),
      );
    let truth = await checkParity();
    for (let step = 0; step < STEPS; step++) {
      // Prices move (mostly down) and time passes (an hour a block); a competitor freezes a few liquidatable
      // positions and calls again in the next block (exactly 3600 s later: still within the window), so
      // positions freeze and close under the keeper's eyes.
      await randomPriceMove(devnet, market, random);
      truth = await checkParity();
      const toFreeze = [...truth].slice(0, 3);
      if (toFreeze.length === 0) continue;
      stats.freezes += (await liquidateAll(toFreeze)).filter((r) => r.status === 1).length;
      truth = await checkParity();
      for (const receipt of await liquidateAll(toFreeze)) {
        if (receipt.logs.some((log) => mm.parseLog(log)?.name === 'Liquidation')) stats.completions += 1;
      }
      truth = await checkParity();
    }
    console.log(
      `keeper-parity: blocks=${stats.blocks} misses=${stats.misses} false_positives=${stats.falsePositives} ` +
        `liquidatable_seen=${stats.liquidatableSeen} max_set=${stats.maxSet} freezes=${stats.freezes} ` +
        `completions=${stats.completions}`,
    );
    expect(stats.misses).toBe(0);
    expect(stats.falsePositives).toBe(0);
    expect(stats.blocks).toBeGreaterThanOrEqual(STEPS);
    // The scenario must actually exercise liquidations, or parity proves nothing.
    expect(stats.maxSet).toBeGreaterThan(3);
    expect(stats.freezes).toBeGreaterThan(0);
    expect(stats.completions).toBeGreaterThan(0);
  }, 600_000);
});
