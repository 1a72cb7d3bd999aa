import { ZeroAddress, type Contract, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { createOrder, fundOrder } from '../../devnet/scenario/orders.js';
import {
  addLiquidity,
  alignTick,
  CREATE_POOL_GAS_LIMIT,
  movePrice,
  poolAt,
  removeLiquidity,
  swapExactIn,
} from '../../devnet/scenario/pools.js';
import {
  depositToPosition,
  marginSwap,
  openPosition,
  readPosition,
} from '../../devnet/scenario/positions.js';
import { fund } from '../../devnet/scenario/tokens.js';
import {
  E18,
  LOAN,
  Q96,
  openAllInCollateral,
  setUpMarginFixture,
  setValue,
  type MarginFixture,
} from '../support/marginFixture.js';
import { chainSnapshot, comparable, graphqlReader, type HostReader } from './hostParity.js';
import { requireDevnetBuild } from './requireDevnetBuild.js';

// Runs scripted devnet scenarios and checks, block by block, that the subgraph run by the graph host says
// exactly what the contracts say at the same block: positions (arrays, freeze state, open), orders (balance,
// reward terms) and pools (price, tick, in-range liquidity).

let f: MarginFixture;
let host: GraphHost;
let reader: HostReader;
let keeperA: JsonRpcSigner;
let keeperB: JsonRpcSigner;
let receiver: JsonRpcSigner;
let trader: JsonRpcSigner;
let lp: JsonRpcSigner;
const pools: string[] = [];
const mappingProblems: string[] = [];

const as = (signer: JsonRpcSigner) => f.mm.connect(signer) as Contract;

async function expectParity(): Promise<void> {
  const head = await f.devnet.producer.latest();
  await host.indexer.waitFor({ hash: head.hash }, 30_000);
  const [fromHost, fromChain] = await Promise.all([
    reader.snapshot(head.hash),
    chainSnapshot(f.devnet, pools, head.hash),
  ]);
  expect(comparable(fromHost)).toEqual(comparable(fromChain));
  expect(host.store.indexingError()).toBeUndefined();
}

function liquidate(signer: JsonRpcSigner, positionId: bigint) {
  return f.devnet.send(`liquidate ${positionId}`, () =>
    as(signer).getFunction('liquidate')(positionId, receiver.address),
  );
}

async function blockTime(): Promise<number> {
  return (await f.devnet.producer.latest()).timestampSec;
}

beforeAll(async () => {
  f = await setUpMarginFixture();
  requireDevnetBuild(f.devnet);
  [keeperA, keeperB, receiver, trader, lp] = [
    await f.devnet.actor('keeper A'),
    await f.devnet.actor('keeper B'),
    await f.devnet.actor('receiver'),
    await f.devnet.actor('trader'),
    await f.devnet.actor('lp'),
  ];
  for (const token of [f.col, ...f.extra]) {
    pools.push(
      (await f.devnet.contracts.factory.getFunction('getPool')(
        token.address,
        f.base.address,
        3000,
      )) as string,
    );
  }
  host = await startGraphHost({
    rpcUrl: f.devnet.rpcUrl,
    chainId: f.devnet.chainId,
    pollIntervalMs: 20,
    onMappingLog: (entry) => {
      if (entry.level !== 'info' && entry.level !== 'debug')
        mappingProblems.push(`${entry.level}: ${entry.message}`);
    },
  });
  reader = graphqlReader(host.url);
}, 180_000);

afterAll(async () => {
  await host?.stop();
  await f?.devnet.stop();
});

describe('the graph host agrees with the chain', { timeout: 120_000 }, () => {
  it('after the fixture: orders funded, pools created by the factory and initialized', async () => {
    await expectParity();
    expect(host.indexer.dynamicDataSources().map((d) => d.address)).toEqual(
      pools.map((p) => p.toLowerCase()),
    );
  });

  it('loans, swaps inside positions (partial, whole-asset with swap-and-pop), deposits of new and held assets', async () => {
    const [x, y, z] = f.extra;
    const allInCol = await openAllInCollateral(f);
    expect(allInCol).toBe(0n);
    // 1 + 3 non-base assets: X as collateral, then Y and Z bought with base.
    const { positionId: multi } = await openPosition(f.devnet, f.borrower, {
      orderId: f.order.orderId,
      amount: LOAN,
      collateralIdx: 1,
      collateralToken: x.erc20,
      collateralAmount: 300n * E18,
    });
    for (const [token, wl] of [
      [y, 3],
      [z, 4],
    ] as const) {
      await marginSwap(f.devnet, f.borrower, {
        positionId: multi,
        assetIndex: 0,
        whitelistIdIn: 0,
        whitelistIdOut: wl,
        amount: LOAN / 4n,
        assetOut: token.address,
        fee: 3000,
      });
    }
    await expectParity();
    // Selling all of X (slot 1): the contract moves Z (the last slot) into slot 1.
    const before = await readPosition(f.devnet, multi);
    await marginSwap(f.devnet, f.borrower, {
      positionId: multi,
      assetIndex: 1,
      whitelistIdIn: 2,
      whitelistIdOut: 0,
      amount: before.balances[1] as bigint,
      assetOut: f.base.address,
      fee: 3000,
    });
    // And buy X back: a new asset pushed at the end.
    await marginSwap(f.devnet, f.borrower, {
      positionId: multi,
      assetIndex: 0,
      whitelistIdIn: 0,
      whitelistIdOut: 2,
      amount: LOAN / 8n,
      assetOut: x.address,
      fee: 3000,
    });
    const { positionId: deposits } = await openPosition(f.devnet, f.borrower, {
      orderId: f.ethOrder.orderId,
      amount: LOAN,
      collateralIdx: 0,
      collateralToken: f.col.erc20,
      collateralAmount: 300n * E18,
    });
    await depositToPosition(f.devnet, f.borrower, deposits, y.erc20, 3, 7n * E18);
    await depositToPosition(f.devnet, f.borrower, deposits, f.col.erc20, 1, 11n * E18);
    await expectParity();
    expect((await readPosition(f.devnet, multi)).assets).toHaveLength(4);
  });

  it('pool swaps, mints and burns in and out of range, price moves', async () => {
    const pool = poolAt(f.devnet, pools[0] as string);
    await swapExactIn(f.devnet, trader, f.base.address, f.col.address, 3000, 5n * E18);
    const [, tick] = (await pool.getFunction('slot0')()) as [bigint, bigint];
    const current = Number(tick);
    // Above the current tick (out of range), around it (in range), then burns of both.
    await addLiquidity(
      f.devnet,
      lp,
      pool,
      alignTick(current + 600, 60),
      alignTick(current + 1200, 60),
      10n ** 20n,
    );
    await addLiquidity(
      f.devnet,
      lp,
      pool,
      alignTick(current - 600, 60),
      alignTick(current + 600, 60),
      10n ** 21n,
    );
    await expectParity();
    await removeLiquidity(
      f.devnet,
      lp,
      pool,
      alignTick(current + 600, 60),
      alignTick(current + 1200, 60),
      10n ** 20n,
    );
    await removeLiquidity(
      f.devnet,
      lp,
      pool,
      alignTick(current - 600, 60),
      alignTick(current + 600, 60),
      4n * 10n ** 20n,
    );
    await movePrice(f.devnet, trader, poolAt(f.devnet, pools[2] as string), (Q96 * 101n) / 100n);
    await expectParity();
  });

  it('a new pool joins a pair: created, initialized and minted into in one block', async () => {
    const { factory, liquidityManager } = f.devnet.contracts;
    const managerAddress = await liquidityManager.getAddress();
    for (const token of [f.col, f.base]) await fund(f.devnet, token.erc20, lp, 10n ** 30n, managerAddress);
    const args = [f.col.address, f.base.address, f.col.twin, f.base.twin, 500] as const;
    const address = (await factory.getFunction('createPool').staticCall(...args)) as string;
    const pool = poolAt(f.devnet, address);
    const receipts = await f.devnet.sendInOneBlock([
      () =>
        (factory.connect(lp) as Contract).getFunction('createPool')(...args, {
          gasLimit: CREATE_POOL_GAS_LIMIT,
        }),
      () => (pool.connect(lp) as Contract).getFunction('initialize')(Q96),
      () => (liquidityManager.connect(lp) as Contract).getFunction('mint')(address, -100, 100, 10n ** 22n),
    ]);
    expect(receipts.map((r) => r.status)).toEqual([1, 1, 1]);
    pools.push(address);
    await expectParity();
    // graph-node runs a template created in block N on block N's logs: the mint is already counted.
    const mirrored = host.store.get('Pool', address.toLowerCase());
    expect(mirrored?.get('liquidity')).toEqual({ kind: 'bigint', value: 10n ** 22n });
  });

  it('freezes, a completion with one non-base asset, and one with three (every other asset skipped)', async () => {
    await setValue(f, 0n, LOAN - 1n);
    await liquidate(keeperA, 0n);
    await expectParity();
    await liquidate(keeperA, 0n);
    const multi = 1n;
    await setValue(f, multi, LOAN - 1n);
    await liquidate(keeperA, multi);
    await liquidate(keeperA, multi);
    const after = await readPosition(f.devnet, multi);
    expect(after.open).toBe(false);
    expect(after.assets.length).toBeGreaterThan(1);
    await expectParity();
    // The owner takes the skipped leftovers out of the closed position.
    for (const asset of after.assets.slice(1)) {
      await f.devnet.send('withdraw leftover', () =>
        as(f.borrower).getFunction('positionWithdraw')(multi, asset),
      );
    }
    await expectParity();
  });

  it('a re-freeze after 3600 s by another keeper, then its completion with two non-base assets', async () => {
    const id = await openAllInCollateral(f);
    await depositToPosition(f.devnet, f.borrower, id, f.extra[1].erc20, 3, 9n * E18);
    await setValue(f, id, LOAN - 1n);
    await liquidate(keeperA, id);
    f.devnet.producer.setNextTimestamp((await blockTime()) + 3601);
    await liquidate(keeperB, id);
    await expectParity();
    expect(host.store.get('Position', id.toString())?.get('freezeCount')).toEqual({ kind: 'int', value: 2 });
    await liquidate(keeperB, id);
    await expectParity();
  });

  it('a completion, a deposit to its order and a new loan from that order in one block', async () => {
    const id = await openAllInCollateral(f);
    await setValue(f, id, LOAN - 1n);
    await liquidate(keeperA, id);
    await fund(f.devnet, f.base.erc20, f.lender, 50n * E18, f.devnet.addresses.marginModule);
    await fund(f.devnet, f.col.erc20, f.borrower, 300n * E18, f.devnet.addresses.marginModule);
    await fund(f.devnet, f.base.erc20, f.borrower, 5n * E18, f.devnet.addresses.marginModule);
    const receipts = await f.devnet.sendInOneBlock([
      () => as(keeperA).getFunction('liquidate')(id, receiver.address),
      () => as(f.lender).getFunction('orderDepositToken')(f.order.orderId, 50n * E18),
      () => as(f.borrower).getFunction('takeLoan')(f.order.orderId, LOAN, 0, 300n * E18),
    ]);
    expect(receipts.map((r) => r.status)).toEqual([1, 1, 1]);
    await expectParity();
  });

  it('closes (with and without auto-withdraw), a later withdrawal, and order management', async () => {
    const closeable = async (): Promise<bigint> => {
      const { positionId } = await openPosition(f.devnet, f.borrower, {
        orderId: f.ethOrder.orderId,
        amount: LOAN,
        collateralIdx: 0,
        collateralToken: f.col.erc20,
        collateralAmount: 300n * E18,
      });
      // Sell all the collateral: only the base asset remains, so the close needs no oracle.
      await marginSwap(f.devnet, f.borrower, {
        positionId,
        assetIndex: 1,
        whitelistIdIn: 1,
        whitelistIdOut: 0,
        amount: 300n * E18,
        assetOut: f.base.address,
        fee: 3000,
      });
      return positionId;
    };
    const a = await closeable();
    const b = await closeable();
    await f.devnet.send('close a', () => as(f.borrower).getFunction('positionClose')(a, true));
    await f.devnet.send('close b', () => as(f.borrower).getFunction('positionClose')(b, false));
    await expectParity();
    await f.devnet.send('withdraw b', () =>
      as(f.borrower).getFunction('positionWithdraw')(b, f.base.address),
    );
    await f.devnet.send('order withdraw', () =>
      as(f.lender).getFunction('orderWithdraw')(f.order.orderId, 3n * E18),
    );
    const fresh = await createOrder(f.devnet, f.lender, {
      base: f.base,
      whitelist: [f.base.address, f.col.address],
      collateral: [f.col.address],
      rewardAsset: ZeroAddress,
      rewardAmount: 10n ** 15n,
    });
    await fundOrder(f.devnet, f.lender, fresh.orderId, f.base, 10n * E18);
    const head = await f.devnet.producer.latest();
    await f.devnet.send('modify order', () =>
      as(f.lender).getFunction('modifyOrder')(
        fresh.orderId,
        fresh.whitelistId,
        77n,
        86_400n,
        2n,
        3,
        4,
        f.devnet.addresses.oracle,
        12345n,
        f.base.address,
        head.timestampSec + 1000,
      ),
    );
    await f.devnet.send('order off', () => as(f.lender).getFunction('setOrderStatus')(fresh.orderId, false));
    await expectParity();
    expect(mappingProblems).toEqual([]);
  });
});
