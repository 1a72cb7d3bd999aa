import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { formatExecutionTotals } from '../../keeper/src/execution/formatExecutionLines.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import { relayClient } from './support/relayClient.js';
import { fundedKeys, startTestKeeper } from './support/startTestKeeper.js';
import { blockReceipts, eventsIn, gasLostWei } from './support/blockReceipts.js';

const SECONDS_PER_BLOCK = 3600;
const MAX_BLOCKS = 120;
const WANTED = 6;

let devnet: Devnet;
let host: GraphHost;
let relay: Relay;
let market: KeeperMarket;

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: SECONDS_PER_BLOCK, genesisTimestampSec: 1_800_000_000 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 60, seed: 41 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
  relay = await startRelay({ devnet });
}, 300_000);

afterAll(async () => {
  await relay?.stop();
  await host?.stop();
  await devnet?.stop();
});

describe('positions that cross by interest alone (an hour a block, no price moves)', () => {
  it('each is frozen in the exact first block where it is liquidatable and completed in the next', async () => {
    const keys = await fundedKeys(devnet, ['interest']);
    const me = keys[0]?.address.toLowerCase() ?? '';
    const keeper = startTestKeeper({
      devnet,
      host,
      keys,
      relays: [relayClient(devnet, relay.url, 'a8')],
      flags: { weth: market.base.address },
    });
    const firstLiquidatableBlock = new Map<bigint, number>();
    const frozenIn = new Map<bigint, number>();
    const completedIn = new Map<bigint, number>();
    const ours = new Set([me]);
    let lost = 0n;
    try {
      for (let i = 0; i < MAX_BLOCKS && completedIn.size < WANTED; i++) {
        const head = await devnet.producer.latest();
        const truth = await contractLiquidatable(
          devnet.provider,
          devnet.addresses.marginModule,
          head.hash,
          head.timestampSec + SECONDS_PER_BLOCK,
        );
        for (const id of truth)
          if (!firstLiquidatableBlock.has(id)) firstLiquidatableBlock.set(id, head.number + 1);
        await keeper.step();
        const block = await devnet.producer.mine();
        const receipts = await blockReceipts(devnet, block.number);
        lost += gasLostWei(receipts, ours);
        for (const [id, by] of eventsIn(receipts, 'PositionFrozen'))
          if (by === me) frozenIn.set(id, block.number);
        for (const [id, by] of eventsIn(receipts, 'Liquidation'))
          if (by === me) completedIn.set(id, block.number);
      }
      const freezeLate = [...frozenIn].map(([id, block]) => block - (firstLiquidatableBlock.get(id) ?? -1));
      const completeLate = [...completedIn].map(([id, block]) => block - (frozenIn.get(id) ?? -1) - 1);
      const histogram = (values: number[]) =>
        [...new Set(values)]
          .sort((a, b) => a - b)
          .map((v) => `${v}:${values.filter((x) => x === v).length}`)
          .join(',');
      console.log(
        `execution-interest: frozen=${frozenIn.size} completed=${completedIn.size} ` +
          `freeze_late_blocks={${histogram(freezeLate)}} complete_late_blocks={${histogram(completeLate)}} gas_lost_wei=${lost}`,
      );
      console.log(`execution-interest: ${formatExecutionTotals(keeper.executor.totals)}`);
      expect(completedIn.size).toBeGreaterThanOrEqual(WANTED);
      expect(freezeLate.every((late) => late === 0)).toBe(true);
      expect(completeLate.every((late) => late === 0)).toBe(true);
      expect(lost).toBe(0n);
      expect(keeper.executor.totals.gasLostWei).toBe(0n);
    } finally {
      keeper.close();
    }
  }, 300_000);
});
