import { Contract, Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';
import { accountGas } from '../../devnet/scenario/accountGas.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { readPaidTxs } from '../../devnet/scenario/readPaidTxs.js';
import { realisedProfit } from '../../devnet/scenario/realisedProfit.js';
import { reportCommand } from '../../keeper/src/cli/reportCommand.js';
import { bundleEndpoints } from '../../keeper/src/execution/bundleEndpoints.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { fundedKeys, startTestKeeper } from './support/startTestKeeper.js';

let devnet: Devnet;
let host: GraphHost;
let relay: Relay;
let market: KeeperMarket;

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: 12 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 40, seed: 31 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
  relay = await startRelay({ devnet });
}, 300_000);

afterAll(async () => {
  await relay?.stop();
  await host?.stop();
  await devnet?.stop();
});

describe('the crash summary’s money figures against the chain', () => {
  it('profit_wei (rewards in WETH minus all gas) equals what the key’s ETH and WETH balances gained, to the wei', async () => {
    const [key] = await fundedKeys(devnet, ['profit']);
    if (!key) throw new Error('no key');
    const ours = key.address.toLowerCase();
    const weth = new Contract(
      market.base.address,
      ['function balanceOf(address) view returns (uint256)'],
      devnet.provider,
    );
    const endpoints = bundleEndpoints({
      relays: [relay.url],
      builders: [],
      authSigner: new Wallet(`0x${'c3'.repeat(32)}`),
      timeoutMs: 5_000,
    });
    const keeper = startTestKeeper({
      devnet,
      host,
      keys: [key],
      relays: endpoints.relays,
      flags: { weth: market.base.address },
    });
    try {
      await keeper.step();
      const first = await devnet.producer.latest();
      const ethBefore = await devnet.provider.getBalance(ours, first.number);
      const wethBefore = (await weth.getFunction('balanceOf')(ours, { blockTag: first.number })) as bigint;
      await crashPrices(devnet, market, 150_000n);
      // Crash block, freeze block, completion block, and one more to settle.
      for (let i = 0; i < 4; i++) {
        await keeper.step();
        await devnet.producer.mine();
      }
      await keeper.step();
      const last = await devnet.producer.latest();
      const paid = await readPaidTxs(
        devnet.provider,
        devnet.addresses.marginModule,
        first.number + 1,
        last.number,
        new Set([ours]),
        market.base.address,
      );
      const money = realisedProfit(paid);
      const gas = accountGas(paid);
      const ethAfter = await devnet.provider.getBalance(ours, last.number);
      const wethAfter = (await weth.getFunction('balanceOf')(ours, { blockTag: last.number })) as bigint;
      const completed = paid.reduce((n, tx) => n + tx.completed.length, 0);
      console.log(
        `profit: completed=${completed} reward_wei=${money.rewardWei} gas_spent_wei=${money.spentWei} profit_wei=${money.profitWei} ` +
          `eth_delta=${ethAfter - ethBefore} weth_delta=${wethAfter - wethBefore} executor_gas_spent_wei=${keeper.executor.totals.gasSpentWei}`,
      );
      expect(completed).toBeGreaterThan(0);
      expect(money.rewardWei).toBe(wethAfter - wethBefore);
      expect(money.spentWei).toBe(ethBefore - ethAfter);
      expect(money.profitWei).toBe(ethAfter - ethBefore + (wethAfter - wethBefore));
      expect(money.spentWei).toBe(gas.spentWei);
      // What the keeper itself counted agrees with the receipts.
      expect(keeper.executor.totals.gasSpentWei).toBe(money.spentWei);

      // `dex223-keeper report` over the same blocks: every liquidation, and totals equal to the summary's.
      await host.indexer.waitFor({ number: last.number }, 30_000);
      const printed: string[] = [];
      const reportFlags = {
        'chain-id': String(devnet.chainId),
        'rpc-urls': devnet.rpcUrl,
        'subgraph-url': host.url,
        'margin-module': devnet.addresses.marginModule,
        weth: market.base.address,
        liquidator: ours,
        'ops.log-level': 'error',
        since: String(first.number + 1),
      };
      expect(
        await reportCommand({
          flags: { ...reportFlags, json: true },
          env: {},
          print: (l) => printed.push(l),
        }),
      ).toBe(0);
      const report = JSON.parse(printed.join('')) as {
        positions: { positionId: string; completedBy: string | null; rewardWei: string; gasWei: string }[];
        totals: {
          ourLiquidations: number;
          marketLiquidations: number;
          rewardWei: string;
          gasWei: string;
          profitWei: string;
        };
      };
      const completedIds = paid.flatMap((tx) => tx.completed.map(String)).sort();
      expect(
        report.positions
          .filter((p) => p.completedBy === ours)
          .map((p) => p.positionId)
          .sort(),
      ).toEqual(completedIds);
      expect(report.totals.ourLiquidations).toBe(completed);
      expect(BigInt(report.totals.rewardWei)).toBe(money.rewardWei);
      expect(BigInt(report.totals.gasWei)).toBe(money.spentWei);
      expect(BigInt(report.totals.profitWei)).toBe(money.profitWei);
      const lines: string[] = [];
      expect(await reportCommand({ flags: reportFlags, env: {}, print: (l) => lines.push(l) })).toBe(0);
      console.log(lines.at(-1));
      expect(lines.at(-1)).toBe(
        `report: market_liquidations=${report.totals.marketLiquidations} our_liquidations=${completed} ` +
          `our_share=100.00% reward_wei=${money.rewardWei} gas_wei=${money.spentWei} profit_wei=${money.profitWei}`,
      );
      expect(lines.filter((l) => l.startsWith('  position '))).toHaveLength(report.positions.length);
    } finally {
      keeper.close();
    }
  }, 300_000);
});
