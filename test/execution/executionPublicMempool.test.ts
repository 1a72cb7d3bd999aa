import type { Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import { fundedKeys, startTestKeeper } from './support/startTestKeeper.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { blockReceipts, eventsIn, gasLostWei } from './support/blockReceipts.js';

let devnet: Devnet;
let host: GraphHost;
let market: KeeperMarket;

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: 12 });
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 30, seed: 37 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
}, 300_000);

afterAll(async () => {
  await host?.stop();
  await devnet?.stop();
});

const setBlockGasLimit = (gas: bigint) =>
  devnet.provider.send('evm_setBlockGasLimit', [`0x${gas.toString(16)}`]);

describe('the public mempool mode', () => {
  it('re-prices transactions that are stuck and replaces with a no-op the one a competitor made pointless', async () => {
    const keys = await fundedKeys(devnet, ['public']);
    const me = keys[0]?.address.toLowerCase() ?? '';
    const keeper = startTestKeeper({
      devnet,
      host,
      keys,
      relays: [],
      flags: {
        weth: market.base.address,
        'execution.mode': 'public',
        'execution.bump-after-blocks': '1',
        'execution.max-gas-price': '5000',
      },
    });
    try {
      await crashPrices(devnet, market, 150_000n);
      const head = await devnet.producer.latest();
      const truth = await contractLiquidatable(
        devnet.provider,
        devnet.addresses.marginModule,
        head.hash,
        head.timestampSec + 12,
      );
      expect(truth.size).toBeGreaterThanOrEqual(3);
      const first = await keeper.step();
      expect(first.report.mode).toBe('public');
      expect(new Set(first.report.sent.map((s) => s.positionId))).toEqual(truth);
      const maxFee = first.report.sent[0]?.maxFeePerGasWei ?? 0n;

      // Congestion: a block with room for one liquidation only, taken by a competitor paying more for one of
      // ours. Ours stay in the pool (anvil keeps what does not fit).
      const contested = [...truth][0] as bigint;
      const competitor = await devnet.actor('public competitor');
      const mm = devnet.contracts.marginModule.connect(competitor) as Contract;
      await mm.getFunction('liquidate')(contested, competitor.address, {
        gasLimit: 300_000n,
        maxFeePerGas: maxFee * 10n,
        maxPriorityFeePerGas: maxFee * 10n,
      });
      const normalGasLimit = (await devnet.provider.getBlock(head.number))?.gasLimit ?? 30_000_000n;
      await setBlockGasLimit(300_000n);
      const spiked = await devnet.producer.mine();
      const spikedReceipts = await blockReceipts(devnet, spiked.number);
      expect(spikedReceipts.map((r) => r.from.toLowerCase())).toEqual([competitor.address.toLowerCase()]);

      // Still pending: the decision does not plan them again; the executor re-prices or cancels them.
      const second = await keeper.step();
      expect(second.report.sent).toEqual([]);
      expect(second.report.outcomes).toEqual([]);
      expect(keeper.core.inFlight.size).toBe(truth.size);
      await setBlockGasLimit(normalGasLimit);
      const settledBlock = await devnet.producer.mine();
      const receipts = await blockReceipts(devnet, settledBlock.number);
      const frozen = eventsIn(receipts, 'PositionFrozen');
      expect(new Set(frozen.keys())).toEqual(new Set([...truth].filter((id) => id !== contested)));
      const noOps = receipts.filter((r) => r.to?.toLowerCase() === me);
      expect(noOps.map((r) => [r.status, r.gasUsed])).toEqual([[1, 21_000n]]);

      const third = await keeper.step();
      const outcomes = new Map(third.report.outcomes.map((o) => [o.positionId, o.outcome]));
      expect(outcomes.get(contested)).toBe('cancelled');
      expect([...outcomes].filter(([id]) => id !== contested).every(([, o]) => o === 'included')).toBe(true);
      // What landed are the re-priced replacements, not the transactions first sent.
      const firstHashes = new Set(first.report.sent.map((s) => s.txHash));
      const repriced = receipts.filter((r) => r.from.toLowerCase() === me && r.to?.toLowerCase() !== me);
      expect(repriced).toHaveLength(truth.size - 1);
      expect(repriced.some((r) => firstHashes.has(r.hash))).toBe(false);
      const firstFee = new Map(first.report.sent.map((s) => [s.nonce, s.maxFeePerGasWei]));
      for (const receipt of repriced) {
        const tx = await devnet.provider.getTransaction(receipt.hash);
        expect(tx?.maxFeePerGas).toBeGreaterThan(firstFee.get(tx?.nonce ?? -1) ?? 0n);
      }
      const lost = gasLostWei([...spikedReceipts, ...receipts], new Set([me]));
      console.log(
        `execution-public: stuck=${truth.size} repriced_and_landed=${frozen.size} cancelled=${keeper.executor.totals.cancelled} ` +
          `gas_spent_wei=${keeper.executor.totals.gasSpentWei} gas_lost_wei=${lost}`,
      );
      expect(lost).toBe(0n);
      expect(keeper.executor.totals.gasLostWei).toBe(0n);
    } finally {
      keeper.close();
    }
  }, 300_000);
});
