import { Writable } from 'node:stream';
import { AbiCoder, keccak256, toBeHex } from 'ethers';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../devnet/Devnet.js';
import { startGen3Devnet } from '../support/startGen3Devnet.js';
import { deployArtifact } from '../../devnet/deploy/deployCore.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { planHeadAgainstContract } from '../support/planHeadAgainstContract.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { openPositionsBulk } from '../../devnet/scenario/openPositionsBulk.js';
import { createOrder, fundOrder } from '../../devnet/scenario/orders.js';
import { addLiquidity, createPool, movePrice } from '../../devnet/scenario/pools.js';
import { marginSwap } from '../../devnet/scenario/positions.js';
import { deployToken } from '../../devnet/scenario/tokens.js';
import { RpcClient } from '../../keeper/src/chain/RpcClient.js';
import type { Address } from '../../keeper/src/model/types.js';
import { keeperCoreOnDevnet } from '../support/keeperCoreOnDevnet.js';
import { KeeperCore, type BlockOutcome } from '../../keeper/src/run/KeeperCore.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';

// Gen 3 with the 2d3ffd2 TWAP oracle (1800 s window), ten-minute blocks. Each case feeds the keeper something its
// models do not expect and checks that it says so in one clear line, falls back to the contract's own answer, and
// still predicts exactly the set of positions the contract lets anyone liquidate at the next block.
const SECONDS_PER_BLOCK = 600;
const E18 = 10n ** 18n;
const Q96 = 2n ** 96n;

let devnet: Devnet;
let host: GraphHost;
let market: KeeperMarket;
let rpc: RpcClient;
let core: KeeperCore;
const logLines: { level: number; msg: string; [key: string]: unknown }[] = [];

beforeAll(async () => {
  devnet = await startGen3Devnet(SECONDS_PER_BLOCK);
  requireDevnetBuild(devnet);
  market = await setUpKeeperMarket(devnet, { positions: 30, seed: 41, tradedPerFive: 5 });
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 10 });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim() !== '') logLines.push(JSON.parse(line) as (typeof logLines)[number]);
      done();
    },
  });
  ({ rpc, core } = keeperCoreOnDevnet(devnet, host.url, pino({ level: 'info' }, sink)));
}, 300_000);

afterAll(async () => {
  rpc?.destroy();
  await host?.stop();
  await devnet?.stop();
});

/** The keeper's plan for the head, checked against the contract's liquidatable set at the next block. */
async function exactStep(): Promise<Extract<BlockOutcome, { kind: 'planned' }>> {
  const { outcome, truth } = await planHeadAgainstContract(devnet, host, core);
  expect(new Set(outcome.liquidatable)).toEqual(truth);
  return outcome;
}

/**
 * The storage slot of `positions[id].interest`: the mapping's slot and the field's offset are found by looking for
 * the position's known (initialBalance, interest) pair in consecutive words of its struct.
 */
async function findInterestSlot(id: bigint, initialBalance: bigint, interest: bigint): Promise<bigint> {
  const coder = AbiCoder.defaultAbiCoder();
  for (let mappingSlot = 0n; mappingSlot < 64n; mappingSlot++) {
    const base = BigInt(keccak256(coder.encode(['uint256', 'uint256'], [id, mappingSlot])));
    for (let offset = 0n; offset < 12n; offset++) {
      const word = (at: bigint) =>
        devnet.provider.getStorage(devnet.addresses.marginModule, base + at).then((v) => BigInt(v));
      if ((await word(offset)) === initialBalance && (await word(offset + 1n)) === interest)
        return base + offset + 1n;
    }
  }
  throw new Error(`positions[${id}] not found in the module's storage`);
}

function warnings(): string[] {
  return logLines.filter((l) => l.level >= 40).map((l) => l.msg);
}

describe('bad input on the gen-3 devnet: clear lines, the contract as fallback, no wrong action', () => {
  it('a pool whose ring is too short for the window: the position cannot be valued by anyone, and is never acted on', async () => {
    await exactStep();
    // A new token whose only pool was never grown: one observation, so the oracle cannot serve 1800 s from it.
    const ddd = await deployToken(devnet, 'DDD');
    const pool = await createPool(devnet, ddd, market.base, 3000, Q96);
    const lp = await devnet.actor('lp');
    await addLiquidity(devnet, lp, pool, -60_000, 60_000, 10n ** 24n);
    const lender = await devnet.actor('lender');
    const order = await createOrder(devnet, lender, {
      base: market.base,
      whitelist: [market.base.address, ddd.address],
      collateral: [market.base.address],
      interestRate: 20_000n,
      durationSec: 365n * 86400n,
      rewardAsset: market.base.address,
      rewardAmount: E18,
      leverage: 10,
      currencyLimit: 4,
      oracle: market.oracle,
    });
    await fundOrder(devnet, lender, order.orderId, market.base, 10n ** 27n);
    const [positionId] = await openPositionsBulk(devnet, market.borrower, [
      {
        orderId: order.orderId,
        amount: 500n * E18,
        collateralIdx: 0,
        collateralToken: market.base.erc20,
        collateralAmount: 100n * E18,
      },
    ]);
    await marginSwap(devnet, market.borrower, {
      positionId: positionId!,
      assetIndex: 0,
      whitelistIdIn: 0,
      whitelistIdOut: 1,
      amount: 400n * E18,
      assetOut: ddd.address,
      fee: 3000,
    });
    const outcome = await exactStep();
    const valuation = core.book.valuation(positionId!, outcome.nextTimestampSec);
    expect(valuation?.kind).toBe('reverts');
    expect(valuation?.kind === 'reverts' && valuation.reason).toContain(ddd.address.toLowerCase());
    expect(outcome.stats.reverting).toBeGreaterThanOrEqual(1);
    // The contract agrees: its own valuation reverts, so `liquidate` would revert for anyone.
    await expect(
      devnet.contracts.marginModule.getFunction('getPositionStatus')(positionId),
    ).rejects.toThrow();
    expect(outcome.plan.actions.find((a) => a.positionId === positionId)).toBeUndefined();
    console.log(`bad-input short ring: position ${positionId} ${JSON.stringify(valuation)}`);
  }, 300_000);

  it('an oracle that stops answering as its model does: a warning, that oracle valued on chain, still exact', async () => {
    const oracle = market.oracle.toLowerCase() as Address;
    expect(core.profiles.get(oracle)?.kind).toBe('twap-2d3ffd2');
    // The same oracle code built for a 900 s window, put in place of the 1800 s one the keeper profiled: the
    // contract now averages over half the window, which only shows once prices move.
    const halfWindow = await deployArtifact(
      {
        provider: devnet.provider,
        producer: devnet.producer,
        deployer: devnet.deployer,
        artifacts: devnet.artifacts,
      },
      'TwapOracle2d3ffd2',
      [devnet.addresses.factory, 900],
    );
    const code = await devnet.provider.getCode(await halfWindow.contract.getAddress());
    await devnet.provider.send('anvil_setCode', [market.oracle, code]);
    for (const pool of market.pools) {
      const [sqrtPriceX96] = (await pool.getFunction('slot0')()) as [bigint];
      await movePrice(devnet, market.trader, pool, (sqrtPriceX96 * 8n) / 10n);
    }
    await devnet.producer.mine();
    core.requestFullResync(); // the resync re-checks a sample of every oracle's positions against the contract
    const before = warnings().length;
    await exactStep();
    const said = warnings().slice(before);
    expect(said).toContain('oracle model disagrees with getPositionStatus: valuing this oracle on chain');
    expect(core.profiles.get(oracle)?.kind).toBe('onchain');
    // Blocks later, with the prices still drifting under the shorter window, the on-chain answers stay exact.
    for (let i = 0; i < 3; i++) {
      await devnet.producer.mine();
      const outcome = await exactStep();
      expect(outcome.stats.unvalued).toBeGreaterThan(0);
    }
    console.log(`bad-input oracle drift: ${said.join(' | ')}`);
  }, 300_000);

  it('a module whose debts fit no rule it knows (state changed without an event): a warning, every position valued on chain, still exact', async () => {
    // A position's interest rate changed in storage behind the subgraph's back: the contract's debt for it now fits
    // neither the gen-1 nor the gen-2 rule applied to what the subgraph says the position is.
    const id = market.positionIds[1]!;
    const mm = devnet.contracts.marginModule;
    const position = (await mm.getFunction('positions')(id)) as unknown as {
      initialBalance: bigint;
      interest: bigint;
    };
    const slot = await findInterestSlot(id, position.initialBalance, position.interest);
    await devnet.provider.send('anvil_setStorageAt', [
      devnet.addresses.marginModule,
      toBeHex(slot, 32),
      toBeHex(position.interest * 7n + 1n, 32),
    ]);
    await devnet.producer.mine();
    const before = warnings().length;
    await exactStep();
    const said = warnings().slice(before);
    expect(said, said.join(' | ')).toContain(
      'margin module debt rule unknown: valuing every position on chain',
    );
    for (let i = 0; i < 3; i++) {
      await devnet.producer.mine();
      const outcome = await exactStep();
      expect(outcome.stats.unvalued).toBe(outcome.stats.tracked);
    }
    console.log(`bad-input module rule: ${said.join(' | ')}`);
  }, 300_000);
});
