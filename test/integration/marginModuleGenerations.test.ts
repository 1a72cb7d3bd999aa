import { Contract, ZeroAddress, type JsonRpcSigner, type TransactionReceipt } from 'ethers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callAtTimestamp, type CallOutcome } from '../../devnet/chain/callAtTimestamp.js';
import { deployArtifact, type ModuleGeneration } from '../../devnet/deploy/deployCore.js';
import type { DevnetOptions } from '../../devnet/Devnet.js';
import { createOrder, fundOrder, type CreatedOrder } from '../../devnet/scenario/orders.js';
import { depositToPosition, openPosition, readPosition } from '../../devnet/scenario/positions.js';
import { decodeEvents } from '../../devnet/scenario/receiptEvents.js';
import { fund } from '../../devnet/scenario/tokens.js';
import {
  E18,
  ETH_REWARD,
  LOAN,
  REWARD,
  openAllInCollateral,
  setUpMarginFixture,
  setValue,
  type MarginFixture,
} from '../support/marginFixture.js';

// Rules that need no forced swap (base-only positions, checks, events, guards), run on every generation so that
// each later-generation difference is shown next to gen 1's behaviour. Gen 3 prices its orders with its global
// oracle, here the fixed-ratio oracle the fixture's orders use.
const cases: { generation: ModuleGeneration; options: DevnetOptions }[] = [
  { generation: 1, options: { generation: 1 } },
  { generation: 2, options: { generation: 2 } },
  { generation: 3, options: { generation: 3, priceOracle: 'fixedRatioOracle' } },
];

// Storage slots of the shared layout: positionIndex is the tenth variable; gen 2's guard flag follows it.
const POSITION_INDEX_SLOT = 9;
const REENTRANCY_FLAG_SLOT = 10;
// 100 % per 30 days: a base-only position with 10 % collateral crosses in about three days.
const RATE_100_PCT = 10_000n;
const BASE_COLLATERAL = 100n * E18;
const AFTER_CROSSING_SEC = 400_000;

describe.each(cases)('MarginModule generation $generation', ({ generation, options }) => {
  const later = generation >= 2;
  let f: MarginFixture;
  let snapshot: string;
  let keeperA: JsonRpcSigner;
  let keeperB: JsonRpcSigner;
  let receiver: JsonRpcSigner;
  let baseOnlyOrder: CreatedOrder;
  let baseOnlyEthOrder: CreatedOrder;

  beforeAll(async () => {
    f = await setUpMarginFixture(options);
    [keeperA, keeperB, receiver] = [
      await f.devnet.actor('A'),
      await f.devnet.actor('B'),
      await f.devnet.actor('R'),
    ];
    const baseOnly = {
      base: f.base,
      whitelist: [f.base.address],
      collateral: [f.base.address],
      interestRate: RATE_100_PCT,
      leverage: 20,
      oracle: f.devnet.addresses.fixedRatioOracle,
    };
    baseOnlyOrder = await createOrder(f.devnet, f.lender, {
      ...baseOnly,
      rewardAsset: f.base.address,
      rewardAmount: REWARD,
    });
    baseOnlyEthOrder = await createOrder(f.devnet, f.lender, {
      ...baseOnly,
      rewardAsset: ZeroAddress,
      rewardAmount: ETH_REWARD,
    });
    for (const o of [baseOnlyOrder, baseOnlyEthOrder]) {
      await fundOrder(f.devnet, f.lender, o.orderId, f.base, 10n * LOAN);
    }
  });
  afterAll(async () => {
    await f?.devnet.stop();
  });
  beforeEach(async () => {
    snapshot = await f.devnet.snapshot();
  });
  afterEach(async () => {
    await f.devnet.revert(snapshot);
  });

  it('is the module the devnet was asked for', () => {
    expect(f.devnet.generation).toBe(generation);
    expect(f.mm.interface.getFunction('priceOracle') !== null).toBe(generation === 3);
  });

  it(`has a ${generation === 3 ? 'nonpayable' : 'payable'} multicall`, async () => {
    expect(f.mm.interface.getFunction('multicall')!.payable).toBe(generation !== 3);
    const head = await f.devnet.producer.latest();
    const data = f.mm.interface.encodeFunctionData('multicall', [[]]);
    const tx = { from: keeperA.address, to: f.devnet.addresses.marginModule, data, value: '0x1' };
    expect((await callAtTimestamp(f.devnet.provider, tx, head.timestampSec + 1)).ok).toBe(generation !== 3);
  });

  const as = (signer: JsonRpcSigner) => f.mm.connect(signer) as Contract;
  const mmEvents = (receipt: TransactionReceipt) =>
    decodeEvents(f.mm, f.devnet.addresses.marginModule, receipt);
  const liquidate = (signer: JsonRpcSigner, id: bigint, to = receiver.address) =>
    f.devnet.send(`liquidate ${id}`, () => as(signer).getFunction('liquidate')(id, to));
  const blockTime = async (receipt: TransactionReceipt) =>
    (await f.devnet.provider.getBlock(receipt.blockNumber))!.timestamp;

  /** What `from` calling `fn(args)` would do in the next block: its return data or its revert data. */
  async function simulate(from: JsonRpcSigner, fn: string, args: unknown[]): Promise<CallOutcome> {
    const head = await f.devnet.producer.latest();
    const data = f.mm.interface.encodeFunctionData(fn, args);
    return callAtTimestamp(
      f.devnet.provider,
      { from: from.address, to: f.devnet.addresses.marginModule, data },
      head.timestampSec + 1,
    );
  }

  /** A position holding only the base asset, liquidatable once AFTER_CROSSING_SEC have passed. */
  async function openBaseOnly(order = baseOnlyOrder): Promise<{ id: bigint; createdAt: number }> {
    const { positionId, receipt } = await openPosition(f.devnet, f.borrower, {
      orderId: order.orderId,
      amount: LOAN,
      collateralIdx: 0,
      collateralToken: f.base.erc20,
      collateralAmount: BASE_COLLATERAL,
    });
    return { id: positionId, createdAt: await blockTime(receipt) };
  }

  async function freezeAfterCrossing(id: bigint, createdAt: number): Promise<number> {
    f.devnet.producer.setNextTimestamp(createdAt + AFTER_CROSSING_SEC);
    const frozen = await liquidate(keeperA, id);
    expect(mmEvents(frozen).map((e) => e.name)).toEqual(['PositionFrozen']);
    return blockTime(frozen);
  }

  it(`a failed liquidate carries ${later ? 'no revert data (strings stripped)' : 'its reason'}`, async () => {
    const id = await openAllInCollateral(f);
    const healthy = await simulate(keeperA, 'liquidate', [id, receiver.address]);
    expect(healthy.ok).toBe(false);
    if (healthy.ok) return;
    expect(healthy.kind).toBe('revert');
    if (later) expect(healthy.data).toBe('0x');
    else expect(f.mm.interface.parseError(healthy.data)?.args[0]).toBe('Liquidation criteria are not met');
  });

  it('the freezer and a second caller: same-block completion refused, then anyone completes in the window', async () => {
    const { id, createdAt } = await openBaseOnly();
    const call = () => as(keeperA).getFunction('liquidate')(id, receiver.address, { gasLimit: 1_000_000 });
    f.devnet.producer.setNextTimestamp(createdAt + AFTER_CROSSING_SEC);
    const [first, second] = await f.devnet.sendInOneBlock([call, call]);
    expect([first!.status, second!.status]).toEqual([1, 0]);
    const frozenAt = await blockTime(first!);

    const orderBefore = (await f.mm.getFunction('orders')(baseOnlyOrder.orderId)) as unknown as {
      balance: bigint;
    };
    f.devnet.producer.setNextTimestamp(frozenAt + 3600);
    const done = await liquidate(keeperB, id);
    // The base-only completion: the reward's Transfer, then Liquidation as the very last log.
    const last = done.logs.at(-1)!;
    const liquidation = f.mm.interface.parseLog(last)!;
    expect(liquidation.name).toBe('Liquidation');
    expect(liquidation.args.getValue('liquidator')).toBe(keeperB.address);
    expect(liquidation.args.getValue('feeReceiver')).toBe(receiver.address);
    const reward = f.base.erc20.interface.parseLog(done.logs.at(-2)!)!;
    expect([reward.name, reward.args.getValue('to'), reward.args.getValue('value')]).toEqual([
      'Transfer',
      receiver.address,
      REWARD,
    ]);
    const p = await readPosition(f.devnet, id);
    expect(p.open).toBe(false);
    // The lender is paid back silently: the debt at the completion second, out of the base balance.
    const debtAt = (dt: bigint) =>
      later
        ? LOAN + (((LOAN * RATE_100_PCT) / 10_000n) * dt) / 2_592_000n
        : LOAN + (LOAN * RATE_100_PCT * dt) / 2_592_000n / 10_000n;
    const debt = debtAt(BigInt(frozenAt + 3600 - createdAt));
    const orderAfter = (await f.mm.getFunction('orders')(baseOnlyOrder.orderId)) as unknown as {
      balance: bigint;
    };
    expect(orderAfter.balance - orderBefore.balance).toBe(
      LOAN + BASE_COLLATERAL < debt ? LOAN + BASE_COLLATERAL : debt,
    );
  });

  it('re-freezes after 3600 s in the new caller’s name', async () => {
    const { id, createdAt } = await openBaseOnly();
    const frozenAt = await freezeAfterCrossing(id, createdAt);
    f.devnet.producer.setNextTimestamp(frozenAt + 3601);
    const refreeze = await liquidate(keeperB, id);
    expect(mmEvents(refreeze).map((e) => e.name)).toEqual(['PositionFrozen']);
    const p = await readPosition(f.devnet, id);
    expect([p.frozenTime, p.liquidator]).toEqual([BigInt(frozenAt + 3601), keeperB.address]);
  });

  it(`pays the reward ${later ? 'after' : 'before'} closing the position`, async () => {
    const probe = (await deployArtifact(f.devnet, 'ModuleCallbackProbe', [f.devnet.addresses.marginModule]))
      .contract;
    const { id, createdAt } = await openBaseOnly(baseOnlyEthOrder);
    await f.devnet.send('arm', () => probe.getFunction('arm')(id, '0x'));
    const frozenAt = await freezeAfterCrossing(id, createdAt);
    f.devnet.producer.setNextTimestamp(frozenAt + 1);
    await liquidate(keeperB, id, await probe.getAddress());
    expect(await probe.getFunction('paid')()).toBe(true);
    expect(await probe.getFunction('openWhenPaid')()).toBe(!later);
  });

  it(`${later ? 'refuses' : 'allows'} a call back into the module from the reward payment`, async () => {
    const probe = (await deployArtifact(f.devnet, 'ModuleCallbackProbe', [f.devnet.addresses.marginModule]))
      .contract;
    const probeAddress = await probe.getAddress();
    // The probe owns an order of its own, so that orderWithdraw(order, 0) is a call it may make.
    const listId = (await f.mm.getFunction('addTokenlist').staticCall([f.base.address], false)) as string;
    await f.devnet.send('addTokenlist', () => f.mm.getFunction('addTokenlist')([f.base.address], false));
    const head = await f.devnet.producer.latest();
    const params = {
      whitelistId: listId,
      interestRate: 0n,
      duration: 86_400n,
      minLoan: 1n,
      liquidationRewardAmount: 0n,
      liquidationRewardAsset: ZeroAddress,
      asset: f.base.address,
      deadline: head.timestampSec + 86_400,
      currencyLimit: 2,
      leverage: 2,
      oracle: f.devnet.addresses.fixedRatioOracle,
      collateral: [f.base.address],
    };
    const probeOrderId = (await f.mm.getFunction('orderIndex')()) as bigint;
    await f.devnet.send('probe createOrder', () =>
      probe.getFunction('exec')(
        f.devnet.addresses.marginModule,
        f.mm.interface.encodeFunctionData('createOrder', [params]),
      ),
    );
    const withdrawZero = f.mm.interface.encodeFunctionData('orderWithdraw', [probeOrderId, 0n]);
    // Outside a guarded call the same call goes through.
    await f.devnet.send('probe orderWithdraw', () =>
      probe.getFunction('exec')(f.devnet.addresses.marginModule, withdrawZero),
    );

    const { id, createdAt } = await openBaseOnly(baseOnlyEthOrder);
    await f.devnet.send('arm', () => probe.getFunction('arm')(id, withdrawZero));
    const frozenAt = await freezeAfterCrossing(id, createdAt);
    f.devnet.producer.setNextTimestamp(frozenAt + 1);
    await liquidate(keeperB, id, probeAddress);
    expect(await probe.getFunction('paid')()).toBe(true);
    expect(await probe.getFunction('reentrySucceeded')()).toBe(!later);
    if (later) expect(await probe.getFunction('reentryRevertData')()).toBe('0x');
  });

  it(`keeps ${later ? 'its reentrancy flag in the slot after positionIndex' : 'nothing after positionIndex'}`, async () => {
    await openBaseOnly();
    const slot = (n: number) => f.devnet.provider.getStorage(f.devnet.addresses.marginModule, n);
    expect(BigInt(await slot(POSITION_INDEX_SLOT))).toBe(await f.mm.getFunction('positionIndex')());
    expect(BigInt(await slot(REENTRANCY_FLAG_SLOT))).toBe(0n);
    const setFlag = (value: bigint) =>
      f.devnet.provider.send('anvil_setStorageAt', [
        f.devnet.addresses.marginModule,
        `0x${REENTRANCY_FLAG_SLOT.toString(16)}`,
        `0x${value.toString(16).padStart(64, '0')}`,
      ]);
    await setFlag(1n);
    const entered = await simulate(f.lender, 'orderWithdraw', [f.order.orderId, 0n]);
    expect(entered.ok).toBe(!later);
    await setFlag(0n);
    expect((await simulate(f.lender, 'orderWithdraw', [f.order.orderId, 0n])).ok).toBe(true);
  });

  it(`checks the leverage ${later ? 'exactly' : 'as a rounded-down ratio'}`, async () => {
    const order = await createOrder(f.devnet, f.lender, {
      base: f.base,
      whitelist: [f.base.address, f.col.address],
      collateral: [f.col.address],
      interestRate: 0n,
      leverage: 2,
      oracle: f.devnet.addresses.fixedRatioOracle,
      rewardAsset: f.base.address,
      rewardAmount: REWARD,
    });
    await fundOrder(f.devnet, f.lender, order.orderId, f.base, 10n * LOAN);
    const collateral = 300n * E18;
    await fund(f.devnet, f.col.erc20, f.borrower, 10n * collateral, f.devnet.addresses.marginModule);
    await fund(f.devnet, f.base.erc20, f.borrower, 10n * REWARD, f.devnet.addresses.marginModule);
    // (300 + 300 + 1 wei) / 300 rounds down to 2, but exceeds 2 × 300.
    const atLimit = await simulate(f.borrower, 'takeLoan', [order.orderId, collateral, 0, collateral]);
    expect(atLimit.ok).toBe(true);
    const over = await simulate(f.borrower, 'takeLoan', [order.orderId, collateral + 1n, 0, collateral]);
    expect(over.ok).toBe(!later);
    // A collateral the oracle values at 0: gen 1 divides by it, later generations refuse it first.
    await f.devnet.send('setRatio', () =>
      f.fixedOracle.getFunction('setRatio')(f.base.address, f.col.address, 0n, 1n),
    );
    const worthless = await simulate(f.borrower, 'takeLoan', [order.orderId, 1n, 0, collateral]);
    expect(worthless).toMatchObject({ ok: false, kind: later ? 'revert' : 'invalid-opcode', data: '0x' });
  });

  it(`closes with autoWithdraw ${later ? 'paying out every asset' : 'skipping every other asset'}`, async () => {
    const [x, y] = f.extra;
    const { positionId: id } = await openPosition(f.devnet, f.borrower, {
      orderId: f.order.orderId,
      amount: LOAN,
      collateralIdx: 0,
      collateralToken: f.col.erc20,
      collateralAmount: 300n * E18,
    });
    await depositToPosition(f.devnet, f.borrower, id, x.erc20, 2, 7n * E18);
    await depositToPosition(f.devnet, f.borrower, id, y.erc20, 3, 9n * E18);
    expect((await readPosition(f.devnet, id)).assets).toEqual([
      f.base.address,
      f.col.address,
      x.address,
      y.address,
    ]);
    const yBefore = (await y.erc20.getFunction('balanceOf')(f.borrower.address)) as bigint;
    const closed = await f.devnet.send('positionClose', () =>
      as(f.borrower).getFunction('positionClose')(id, true),
    );
    const events = mmEvents(closed).map(
      (e) => `${e.name}${e.args.length > 1 ? ` ${String(e.args[1])}` : ''}`,
    );
    const after = await readPosition(f.devnet, id);
    expect(after.open).toBe(false);
    if (later) {
      // The base was all repaid (0 left): only assets with a balance are paid out, none skipped.
      expect(events).toEqual([
        `PositionClosed ${f.borrower.address}`,
        `AssetRemoved ${f.col.address}`,
        `PositionWithdrawal ${f.col.address}`,
        `AssetRemoved ${x.address}`,
        `PositionWithdrawal ${x.address}`,
        `AssetRemoved ${y.address}`,
        `PositionWithdrawal ${y.address}`,
      ]);
      expect(after.assets).toEqual([f.base.address]);
      expect((await y.erc20.getFunction('balanceOf')(f.borrower.address)) - yBefore).toBe(9n * E18);
    } else {
      expect(after.assets).toEqual([f.base.address, y.address]);
    }
  });

  it('does not complete a rescued position, and the owner cannot close a frozen one', async () => {
    const id = await openAllInCollateral(f);
    await setValue(f, id, LOAN - 1n);
    await liquidate(keeperA, id);
    await setValue(f, id, LOAN);
    expect((await simulate(keeperB, 'liquidate', [id, receiver.address])).ok).toBe(false);
    expect((await simulate(f.borrower, 'positionClose', [id, false])).ok).toBe(false);
  });
});

describe('gen-3 order oracle rule', () => {
  let f: MarginFixture;

  beforeAll(async () => {
    f = await setUpMarginFixture({ generation: 3, priceOracle: 'fixedRatioOracle' });
  });
  afterAll(async () => {
    await f?.devnet.stop();
  });

  const orderSpec = (oracle: string) => ({
    base: f.base,
    whitelist: [f.base.address],
    collateral: [f.base.address],
    oracle,
  });

  it('exposes priceOracle() and refuses orders naming any other oracle', async () => {
    expect(await f.mm.getFunction('priceOracle')()).toBe(f.devnet.addresses.fixedRatioOracle);
    expect(await f.mm.getFunction('restrictsOrderOracle')()).toBe(true);
    await expect(createOrder(f.devnet, f.lender, orderSpec(f.devnet.addresses.oracle))).rejects.toThrow();
    const order = await createOrder(f.devnet, f.lender, orderSpec(f.devnet.addresses.fixedRatioOracle));
    const modify = (oracle: string) =>
      f.devnet.send('modifyOrder', () =>
        (f.mm.connect(f.lender) as Contract).getFunction('modifyOrder')(
          order.orderId,
          order.whitelistId,
          0n,
          86_400n,
          1n,
          2,
          2,
          oracle,
          0n,
          ZeroAddress,
          4_000_000_000,
        ),
      );
    await expect(modify(f.devnet.addresses.oracle)).rejects.toThrow();
    expect((await modify(f.devnet.addresses.fixedRatioOracle)).status).toBe(1);
  });

  it('with the restriction off, accepts any oracle per order', async () => {
    const { factory, router } = f.devnet.addresses;
    const open = await deployArtifact(f.devnet, 'MarginModuleGen3', [
      factory,
      router,
      f.devnet.addresses.fixedRatioOracle,
      false,
    ]);
    expect(await open.contract.getFunction('restrictsOrderOracle')()).toBe(false);
    const listId = (await open.contract
      .getFunction('addTokenlist')
      .staticCall([f.base.address], false)) as string;
    await f.devnet.send('addTokenlist', () =>
      open.contract.getFunction('addTokenlist')([f.base.address], false),
    );
    const head = await f.devnet.producer.latest();
    const receipt = await f.devnet.send('createOrder', () =>
      open.contract.getFunction('createOrder')({
        whitelistId: listId,
        interestRate: 0n,
        duration: 86_400n,
        minLoan: 1n,
        liquidationRewardAmount: 0n,
        liquidationRewardAsset: ZeroAddress,
        asset: f.base.address,
        deadline: head.timestampSec + 86_400,
        currencyLimit: 2,
        leverage: 2,
        oracle: f.devnet.addresses.oracle,
        collateral: [f.base.address],
      }),
    );
    expect(receipt.status).toBe(1);
  });
});
