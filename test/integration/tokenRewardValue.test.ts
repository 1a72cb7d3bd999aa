import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import type { Address } from '../../keeper/src/model/types.js';
import { poolsAtBlock } from '../../keeper/src/report/poolsAtBlock.js';
import { amountInEthWei } from '../../keeper/src/run/rewardValueWei.js';
import { PoolIndex } from '../../keeper/src/valuation/PoolIndex.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';

let devnet: Devnet;
let host: GraphHost;
let market: KeeperMarket;

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: 12, generation: 1 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 2, seed: 5 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
}, 300_000);

afterAll(async () => {
  await host?.stop();
  await devnet?.stop();
});

// A reward paid in a token is valued by the report on the subgraph's pools at the completion's block, and by
// the devnet summary with the chain's gen-1 Oracle at that block: both must give the same wei, before and after
// prices move, and each at its own block (not at today's prices).
describe('a token reward in ETH at the pool price of a block', () => {
  it('the report’s valuation (subgraph pools at the block) equals the gen-1 Oracle’s answer there, to the wei', async () => {
    const weth = market.base.address.toLowerCase() as Address;
    const getAmountOut = devnet.contracts.oracle.getFunction('getAmountOut');
    const amount = 3n * 10n ** 18n + 12_345n;
    const before = await devnet.producer.latest();
    await crashPrices(devnet, market, 300_000n);
    const after = await devnet.producer.latest();
    await host.indexer.waitFor({ number: after.number }, 30_000);
    let compared = 0;
    for (const token of market.tokens) {
      const asset = token.address.toLowerCase() as Address;
      const values: bigint[] = [];
      for (const block of [before.number, after.number]) {
        const pools = await poolsAtBlock(host.url, block, [asset, weth]);
        expect(pools.length).toBeGreaterThan(0);
        const ours = amountInEthWei(asset, amount, weth, PoolIndex.from(pools));
        const chain = (await getAmountOut(weth, asset, amount, { blockTag: block })) as bigint;
        expect(ours, `${token.symbol} at block ${block}`).toBe(chain);
        values.push(chain);
        compared += 1;
      }
      // The crash moved the price: the two blocks' values differ, so the block really is the one asked for.
      expect(values[0]).not.toBe(values[1]);
    }
    expect(compared).toBe(market.tokens.length * 2);
  }, 300_000);
});
