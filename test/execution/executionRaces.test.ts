import { Wallet, type Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { fund } from '../../devnet/scenario/tokens.js';
import { replacementUuid } from '../../keeper/src/execution/replacementUuid.js';
import type { Address } from '../../keeper/src/model/types.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';
import { contractLiquidatable } from '../../devnet/scenario/contractLiquidatable.js';
import { relayClient } from './support/relayClient.js';
import { fundedKeys, startTestKeeper, type TestKeeper } from './support/startTestKeeper.js';
import { crashPrices } from '../../devnet/scenario/crashPrices.js';
import { blockReceipts, eventsIn, gasLostWei } from './support/blockReceipts.js';

const GWEI = 10n ** 9n;

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

function keeperWith(keys: Wallet[]): TestKeeper {
  return startTestKeeper({
    devnet,
    host,
    keys,
    relays: [relayClient(devnet, relay.url, 'a6')],
    flags: { weth: market.base.address },
  });
}

async function liquidatableNext(): Promise<Set<bigint>> {
  const head = await devnet.producer.latest();
  return contractLiquidatable(
    devnet.provider,
    devnet.addresses.marginModule,
    head.hash,
    head.timestampSec + devnet.producer.secondsPerBlock,
  );
}

/** Runs a scenario on a chain and relay that are rewound afterwards. */
async function isolated(run: () => Promise<void>): Promise<void> {
  const snapshot = await devnet.snapshot();
  await relay.clear();
  try {
    await run();
  } finally {
    await devnet.revert(snapshot);
    await relay.clear();
  }
}

describe('races on the devnet (graph host + relay)', () => {
  it('a competitor freezes first: no gas spent, the rest re-sent next block, its position taken over after the hour', async () => {
    await isolated(async () => {
      const keys = await fundedKeys(devnet, ['race']);
      const ours = new Set(keys.map((k) => k.address.toLowerCase()));
      const keeper = keeperWith(keys);
      try {
        await crashPrices(devnet, market, 150_000n);
        const truth = await liquidatableNext();
        expect(truth.size).toBeGreaterThanOrEqual(3);
        const first = await keeper.step();
        expect(new Set(first.report.sent.map((s) => s.positionId))).toEqual(truth);

        // The competitor reaches the block first, through the public mempool and a higher fee.
        const contested = [...truth][0] as bigint;
        const competitor = await devnet.actor('competitor');
        const mm = devnet.contracts.marginModule.connect(competitor) as Contract;
        await mm.getFunction('liquidate')(contested, competitor.address, {
          gasLimit: 1_000_000n,
          maxFeePerGas: 2000n * GWEI,
          maxPriorityFeePerGas: 2000n * GWEI,
        });
        const raced = await devnet.producer.mine();
        const racedReceipts = await blockReceipts(devnet, raced.number);
        expect([...eventsIn(racedReceipts, 'PositionFrozen')]).toEqual([
          [contested, competitor.address.toLowerCase()],
        ]);

        // Our one-key bundle held the contested freeze, so none of it landed: nothing paid, all re-planned.
        const second = await keeper.step();
        const outcomes = new Map(second.report.outcomes.map((o) => [o.positionId, o.outcome]));
        expect(outcomes.get(contested)).toBe('beaten');
        expect([...outcomes].filter(([id]) => id !== contested).every(([, o]) => o === 'dropped')).toBe(true);
        const rest = new Set([...truth].filter((id) => id !== contested));
        expect(new Set(second.report.sent.map((s) => s.positionId))).toEqual(rest);
        expect(
          second.outcome.kind === 'planned' &&
            second.outcome.plan.skipped.find((s) => s.positionId === contested)?.reason,
        ).toBe('only-freezer-or-owner-can-complete');
        const refrozen = await devnet.producer.mine();
        const refrozenReceipts = await blockReceipts(devnet, refrozen.number);
        expect(new Set(eventsIn(refrozenReceipts, 'PositionFrozen').keys())).toEqual(rest);
        await keeper.step();
        const completed = await devnet.producer.mine();
        const completedReceipts = await blockReceipts(devnet, completed.number);
        expect(new Set(eventsIn(completedReceipts, 'Liquidation').keys())).toEqual(rest);
        await keeper.step();

        // The competitor never completes: an hour after its freeze the position is ours to re-freeze.
        devnet.producer.setNextTimestamp(raced.timestampSec + 3600);
        await devnet.producer.mine();
        const takeover = await keeper.step();
        expect(takeover.report.sent.find((s) => s.positionId === contested)?.kind).toBe('refreeze');
        const refreezeBlock = await devnet.producer.mine();
        const refreezeReceipts = await blockReceipts(devnet, refreezeBlock.number);
        expect(eventsIn(refreezeReceipts, 'PositionFrozen').get(contested)).toBe(
          keys[0]?.address.toLowerCase(),
        );
        const final = await keeper.step();
        expect(final.report.sent.find((s) => s.positionId === contested)?.kind).toBe('complete');
        const finalBlock = await devnet.producer.mine();
        const finalReceipts = await blockReceipts(devnet, finalBlock.number);
        expect(eventsIn(finalReceipts, 'Liquidation').get(contested)).toBe(keys[0]?.address.toLowerCase());
        await keeper.step();

        const all = [
          racedReceipts,
          refrozenReceipts,
          completedReceipts,
          refreezeReceipts,
          finalReceipts,
        ].flat();
        const lost = gasLostWei(all, ours);
        console.log(
          `execution-race: contested=${contested} others=${rest.size} beaten=${keeper.executor.totals.beaten} ` +
            `dropped=${keeper.executor.totals.dropped} gas_lost_wei=${lost}`,
        );
        expect(lost).toBe(0n);
        expect(keeper.executor.totals.gasLostWei).toBe(0n);
        expect(keeper.core.inFlight.size).toBe(0);
      } finally {
        keeper.close();
      }
    });
  }, 300_000);

  it('a keeper killed between freeze and completion completes after a restart, replacing its own bundle key', async () => {
    await isolated(async () => {
      const keys = await fundedKeys(devnet, ['restart']);
      const first = keeperWith(keys);
      let frozen: Set<bigint>;
      try {
        await crashPrices(devnet, market, 150_000n);
        const truth = await liquidatableNext();
        expect(truth.size).toBeGreaterThanOrEqual(3);
        await first.step();
        const freezeBlock = await devnet.producer.mine();
        frozen = new Set(eventsIn(await blockReceipts(devnet, freezeBlock.number), 'PositionFrozen').keys());
        expect(frozen).toEqual(truth);
      } finally {
        first.close();
      }
      // A new process knows nothing: no in-flight records, the mirror rebuilt from the subgraph.
      const second = keeperWith(keys);
      try {
        const { report } = await second.step();
        const completions = report.sent.filter((s) => s.kind === 'complete');
        expect(new Set(completions.map((s) => s.positionId))).toEqual(frozen);
        const steps = completions.map((s) => ({ positionId: s.positionId, kind: s.kind }));
        expect(completions[0]?.replacementUuid).toBe(
          replacementUuid(devnet.chainId, devnet.addresses.marginModule.toLowerCase() as Address, steps),
        );
        const completeBlock = await devnet.producer.mine();
        const receipts = await blockReceipts(devnet, completeBlock.number);
        expect(new Set(eventsIn(receipts, 'Liquidation').keys())).toEqual(frozen);
        expect(gasLostWei(receipts, new Set(keys.map((k) => k.address.toLowerCase())))).toBe(0n);
      } finally {
        second.close();
      }
    });
  }, 300_000);

  it('the owner rescues a frozen position before our completion lands: it never lands, no gas; completed once liquidatable again', async () => {
    await isolated(async () => {
      const keys = await fundedKeys(devnet, ['rescue']);
      const me = keys[0]?.address.toLowerCase() ?? '';
      const keeper = keeperWith(keys);
      const owner = market.borrower;
      const mmAddress = devnet.addresses.marginModule;
      for (const token of market.tokens) await fund(devnet, token.erc20, owner, 10n ** 30n, mmAddress);
      try {
        await crashPrices(devnet, market, 150_000n);
        const truth = await liquidatableNext();
        expect(truth.size).toBeGreaterThanOrEqual(3);
        await keeper.step();
        await devnet.producer.mine();
        const afterFreeze = await keeper.step();
        expect(
          new Set(afterFreeze.report.sent.filter((s) => s.kind === 'complete').map((s) => s.positionId)),
        ).toEqual(truth);

        // Before the completion's block, the owner adds enough of the asset it holds to be healthy again.
        const rescued = [...truth][0] as bigint;
        const position = keeper.core.mirror.positions.get(rescued);
        const asset = position?.assets[1] ?? '';
        const tokenIndex = market.tokens.findIndex((t) => t.address.toLowerCase() === asset.toLowerCase());
        expect(tokenIndex).toBeGreaterThanOrEqual(0);
        const mm = devnet.contracts.marginModule.connect(owner) as Contract;
        const [debt, value] = (await mm.getFunction('getPositionStatus')(rescued)) as [bigint, bigint];
        // At the crashed price (0.15 base), 2× the shortfall in value.
        const deposit = ((debt - value) * 2n * 1_000_000n) / 150_000n;
        await mm.getFunction('positionDeposit')(rescued, asset, tokenIndex + 1, deposit, {
          gasLimit: 1_000_000n,
          maxFeePerGas: 5000n * GWEI,
          maxPriorityFeePerGas: 5000n * GWEI,
        });
        const rescueBlock = await devnet.producer.mine();
        const rescueReceipts = await blockReceipts(devnet, rescueBlock.number);
        expect(rescueReceipts.filter((r) => r.from.toLowerCase() === me)).toEqual([]);
        expect(eventsIn(rescueReceipts, 'Liquidation').size).toBe(0);

        const afterRescue = await keeper.step();
        const skipped =
          afterRescue.outcome.kind === 'planned'
            ? afterRescue.outcome.plan.skipped.find((s) => s.positionId === rescued)
            : undefined;
        expect(skipped?.reason).toBe('rescued');
        const others = new Set([...truth].filter((id) => id !== rescued));
        expect(new Set(afterRescue.report.sent.map((s) => s.positionId))).toEqual(others);
        const othersBlock = await devnet.producer.mine();
        const othersReceipts = await blockReceipts(devnet, othersBlock.number);
        expect(new Set(eventsIn(othersReceipts, 'Liquidation').keys())).toEqual(others);
        await keeper.step();

        // Prices fall again: liquidatable once more, still inside our freeze's hour, so we complete it.
        await crashPrices(devnet, market, 100_000n);
        let completedIn: number | null = null;
        const receipts = [...rescueReceipts, ...othersReceipts];
        for (let i = 0; i < 3 && completedIn === null; i++) {
          await keeper.step();
          const block = await devnet.producer.mine();
          const blockReceiptsNow = await blockReceipts(devnet, block.number);
          receipts.push(...blockReceiptsNow);
          if (eventsIn(blockReceiptsNow, 'Liquidation').get(rescued) === me) completedIn = block.number;
        }
        expect(completedIn).not.toBeNull();
        await keeper.step();
        const lost = gasLostWei(receipts, new Set([me]));
        console.log(
          `execution-rescue: rescued=${rescued} others_completed=${others.size} completed_after_second_drop_in_block=${completedIn} gas_lost_wei=${lost}`,
        );
        expect(lost).toBe(0n);
        expect(keeper.executor.totals.gasLostWei).toBe(0n);
      } finally {
        keeper.close();
      }
    });
  }, 300_000);
});
