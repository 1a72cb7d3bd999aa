import type { Contract, TransactionReceipt } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../devnet/Devnet.js';
import { startGen3Devnet } from '../support/startGen3Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { blockReceipts, eventsIn, gasLostWei } from './support/blockReceipts.js';
import { relayClient } from './support/relayClient.js';
import { fundedKeys, startTestKeeper } from './support/startTestKeeper.js';

// Gen 3 with the 2d3ffd2 TWAP oracle as deployed (1800 s window), ten-minute blocks: a crash reaches the TWAP in
// three blocks, and the 95 % floor lets completions through once the average has caught up with the spot price.
const SECONDS_PER_BLOCK = 600;
const GWEI = 10n ** 9n;

let devnet: Devnet;
let host: GraphHost;
let relay: Relay;
let market: KeeperMarket;

beforeAll(async () => {
  devnet = await startGen3Devnet(SECONDS_PER_BLOCK);
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 24, seed: 57, tradedPerFive: 5 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
  relay = await startRelay({ devnet });
}, 300_000);

afterAll(async () => {
  await relay?.stop();
  await host?.stop();
  await devnet?.stop();
});

/** Gas paid (gasUsed × price) by `senders` in these receipts, reverted or not. */
function gasPaidWei(receipts: TransactionReceipt[], senders: Set<string>): bigint {
  return receipts
    .filter((r) => senders.has(r.from.toLowerCase()))
    .reduce((sum, r) => sum + r.gasUsed * r.gasPrice, 0n);
}

describe('the gen-3 liquidation race on the devnet (anyone may complete a freeze)', () => {
  it('a competitor completing our freeze costs us the freeze only: no revert, no re-freeze, an outcome not an error', async () => {
    const keys = await fundedKeys(devnet, ['gen3-race']);
    const ours = new Set(keys.map((k) => k.address.toLowerCase()));
    const keeper = startTestKeeper({
      devnet,
      host,
      keys,
      relays: [relayClient(devnet, relay.url, 'b7')],
      flags: { weth: market.base.address },
    });
    const competitor = await devnet.actor('competitor');
    const asCompetitor = devnet.contracts.marginModule.connect(competitor) as Contract;
    const receipts: TransactionReceipt[] = [];
    const frozenByUs = new Map<bigint, number>();
    const completedBy = new Map<bigint, string>();
    let contested: bigint | undefined;
    const outcomesOfContested: string[] = [];
    const sentForContestedAfter: string[] = [];
    try {
      await crashPrices(devnet, market, 300_000n);
      // Each block: the keeper plans and sends for the next one; once it sends its first completion, the competitor
      // sends the same completion through the public mempool at a far higher fee, so it lands first.
      for (let block = 0; block < 14; block++) {
        const { report } = await keeper.step();
        for (const outcome of report.outcomes)
          if (outcome.positionId === contested) outcomesOfContested.push(outcome.outcome);
        if (contested !== undefined)
          for (const sent of report.sent)
            if (sent.positionId === contested) sentForContestedAfter.push(sent.kind);
        const completion = report.sent.find((s) => s.kind === 'complete');
        if (contested === undefined && completion) {
          contested = completion.positionId;
          await asCompetitor.getFunction('liquidate')(contested, competitor.address, {
            gasLimit: 3_000_000n,
            maxFeePerGas: 5000n * GWEI,
            maxPriorityFeePerGas: 5000n * GWEI,
          });
        }
        const mined = await devnet.producer.mine();
        const got = await blockReceipts(devnet, mined.number);
        receipts.push(...got);
        for (const [id, who] of eventsIn(got, 'PositionFrozen'))
          if (ours.has(who) && !frozenByUs.has(id)) frozenByUs.set(id, mined.number);
        for (const [id, who] of eventsIn(got, 'Liquidation')) completedBy.set(id, who);
      }
      const { report: last } = await keeper.step();
      for (const outcome of last.outcomes)
        if (outcome.positionId === contested) outcomesOfContested.push(outcome.outcome);

      expect(contested).toBeDefined();
      const id = contested!;
      // The competitor's completion landed first and took the reward of the position we had frozen.
      expect(frozenByUs.has(id)).toBe(true);
      expect(completedBy.get(id)).toBe(competitor.address.toLowerCase());
      // Ours never landed: nothing of ours reverted, and the race is an outcome, not an error.
      expect(gasLostWei(receipts, ours)).toBe(0n);
      expect(keeper.executor.totals.gasLostWei).toBe(0n);
      expect(outcomesOfContested.length).toBeGreaterThan(0);
      expect(outcomesOfContested.every((o) => o === 'beaten' || o === 'dropped')).toBe(true);
      // After the race nothing more is sent for it: no re-freeze, no second completion.
      expect(sentForContestedAfter).toEqual([]);
      // What we paid for it is its freeze and nothing else.
      const freezeReceipt = receipts.find(
        (r) => ours.has(r.from.toLowerCase()) && eventsIn([r], 'PositionFrozen').has(id),
      );
      const ourOnContested = receipts.filter(
        (r) =>
          ours.has(r.from.toLowerCase()) &&
          (eventsIn([r], 'PositionFrozen').has(id) || eventsIn([r], 'Liquidation').has(id)),
      );
      expect(ourOnContested).toEqual([freezeReceipt]);
      // Every other position we froze, we completed.
      const others = [...frozenByUs.keys()].filter((p) => p !== id);
      expect(others.length).toBeGreaterThan(0);
      for (const p of others) expect(completedBy.get(p)).toBe(keys[0]!.address.toLowerCase());
      expect(keeper.core.inFlight.size).toBe(0);
      console.log(
        `execution-race-gen3: contested=${id} frozen_by_us=${frozenByUs.size} completed_by_us=${others.length} ` +
          `outcomes=${outcomesOfContested.join(',')} gas_paid_wei=${gasPaidWei(receipts, ours)} gas_lost_wei=${gasLostWei(receipts, ours)}`,
      );
    } finally {
      keeper.close();
    }
  }, 600_000);
});
