import type { Contract, JsonRpcSigner, TransactionReceipt } from 'ethers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callAtTimestamp } from '../../devnet/chain/callAtTimestamp.js';
import { createOrder, fundOrder } from '../../devnet/scenario/orders.js';
import { marginSwap, openPosition, readPosition } from '../../devnet/scenario/positions.js';
import { decodeEvents } from '../../devnet/scenario/receiptEvents.js';
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

let f: MarginFixture;
let snapshot: string;
let keeperA: JsonRpcSigner;
let keeperB: JsonRpcSigner;
let receiver: JsonRpcSigner;

beforeAll(async () => {
  f = await setUpMarginFixture();
  [keeperA, keeperB, receiver] = [
    await f.devnet.actor('A'),
    await f.devnet.actor('B'),
    await f.devnet.actor('R'),
  ];
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

const as = (signer: JsonRpcSigner) => f.mm.connect(signer) as Contract;
const eventNames = (receipt: TransactionReceipt) =>
  decodeEvents(f.mm, f.devnet.addresses.marginModule, receipt).map((e) => e.name);

function liquidate(signer: JsonRpcSigner, positionId: bigint): Promise<TransactionReceipt> {
  return f.devnet.send(`liquidate ${positionId}`, () =>
    as(signer).getFunction('liquidate')(positionId, receiver.address),
  );
}

async function blockTime(receipt: TransactionReceipt): Promise<number> {
  return (await f.devnet.provider.getBlock(receipt.blockNumber))!.timestamp;
}

describe('takeLoan', () => {
  it('emits NewAsset twice per asset around PositionOpened, in the real order', async () => {
    const { receipt, positionId } = await openPosition(f.devnet, f.borrower, {
      orderId: f.order.orderId,
      amount: LOAN,
      collateralIdx: 0,
      collateralToken: f.col.erc20,
      collateralAmount: 300n * E18,
    });
    const events = decodeEvents(f.mm, f.devnet.addresses.marginModule, receipt);
    expect(events.map((e) => e.name)).toEqual([
      'NewAsset',
      'NewAsset',
      'PositionOpened',
      'InitialLeverage',
      'NewAsset',
      'NewAsset',
    ]);
    const assetsOf = (i: number) => events[i]!.args.getValue('asset') as string;
    expect([assetsOf(0), assetsOf(1), assetsOf(4), assetsOf(5)]).toEqual([
      f.base.address,
      f.col.address,
      f.base.address,
      f.col.address,
    ]);
    expect(events[3]!.args.getValue('leverage')).toBe(4n); // (300 + 1000) / 300
    const p = await readPosition(f.devnet, positionId);
    expect(p.assets).toEqual([f.base.address, f.col.address]);
    expect(p.balances).toEqual([LOAN, 300n * E18]);
  });

  it('with collateral = base: one NewAsset before and one after, a single merged balance', async () => {
    const order = await createOrder(f.devnet, f.lender, {
      base: f.base,
      whitelist: [f.base.address],
      collateral: [f.base.address],
      interestRate: 0n,
      rewardAsset: f.base.address,
      rewardAmount: REWARD,
    });
    await fundOrder(f.devnet, f.lender, order.orderId, f.base, 10n * LOAN);
    const { receipt, positionId } = await openPosition(f.devnet, f.borrower, {
      orderId: order.orderId,
      amount: LOAN,
      collateralIdx: 0,
      collateralToken: f.base.erc20,
      collateralAmount: 200n * E18,
    });
    expect(eventNames(receipt)).toEqual(['NewAsset', 'PositionOpened', 'InitialLeverage', 'NewAsset']);
    const p = await readPosition(f.devnet, positionId);
    expect(p.balances).toEqual([LOAN + 200n * E18]);
  });
});

describe('the liquidation rule', () => {
  it('value == debt is not liquidatable; one wei less is', async () => {
    const id = await openAllInCollateral(f);
    await setValue(f, id, LOAN);
    const [debt, value] = (await f.mm.getFunction('getPositionStatus')(id)) as [bigint, bigint];
    expect([debt, value]).toEqual([LOAN, LOAN]);
    expect(await f.mm.getFunction('subjectToLiquidation')(id)).toBe(false);
    await expect(liquidate(keeperA, id)).rejects.toThrow(/Liquidation criteria are not met/);
    await setValue(f, id, LOAN - 1n);
    expect(await f.mm.getFunction('subjectToLiquidation')(id)).toBe(true);
  });

  it('freezes in one block and pays nothing; a second call in the same block reverts', async () => {
    const id = await openAllInCollateral(f);
    await setValue(f, id, LOAN - 1n);
    const rewardBefore = (await f.base.erc20.getFunction('balanceOf')(receiver.address)) as bigint;
    const call = () => as(keeperA).getFunction('liquidate')(id, receiver.address, { gasLimit: 1_000_000 });
    const [first, second] = await f.devnet.sendInOneBlock([call, call]);
    expect(first!.status).toBe(1);
    expect(second!.status).toBe(0);
    expect(first!.blockNumber).toBe(second!.blockNumber);
    expect(eventNames(first!)).toEqual(['PositionFrozen']);
    const p = await readPosition(f.devnet, id);
    expect(p.frozenTime).toBe(BigInt(await blockTime(first!)));
    expect(p.liquidator).toBe(keeperA.address);
    expect(p.open).toBe(true);
    expect(await f.base.erc20.getFunction('balanceOf')(receiver.address)).toBe(rewardBefore);
    // The same call in the next block is the completion, and it goes through.
    const done = await liquidate(keeperA, id);
    expect(eventNames(done)).toContain('Liquidation');
  });

  it('a non-freezer cannot complete while a non-base asset remains; the freezer can', async () => {
    const id = await openAllInCollateral(f);
    await setValue(f, id, LOAN - 1n);
    await liquidate(keeperA, id);
    await expect(liquidate(keeperB, id)).rejects.toThrow(/Only owner or liquidator/);
    await liquidate(keeperA, id);
    expect((await readPosition(f.devnet, id)).open).toBe(false);
  });

  it('completion at exactly 3600 s pays the ERC-20 reward to the receiver and pays the lender back silently', async () => {
    const id = await openAllInCollateral(f);
    await setValue(f, id, LOAN - 1n);
    const frozen = await liquidate(keeperA, id);
    const frozenAt = await blockTime(frozen);
    const orderBefore = (await f.mm.getFunction('orders')(f.order.orderId)) as unknown as { balance: bigint };
    const rewardBefore = (await f.base.erc20.getFunction('balanceOf')(receiver.address)) as bigint;
    f.devnet.producer.setNextTimestamp(frozenAt + 3600);
    const done = await liquidate(keeperA, id);
    const events = decodeEvents(f.mm, f.devnet.addresses.marginModule, done);
    // The real contract emits AssetRemoved (inside reduceAsset) before MarginSwap.
    expect(events.map((e) => e.name)).toEqual(['AssetRemoved', 'MarginSwap', 'Liquidation']);
    const liquidation = events[2]!;
    expect(liquidation.args.getValue('positionId')).toBe(id);
    expect(liquidation.args.getValue('orderId')).toBe(f.order.orderId);
    expect(liquidation.args.getValue('liquidator')).toBe(keeperA.address);
    expect(liquidation.args.getValue('feeReceiver')).toBe(receiver.address);
    expect((await f.base.erc20.getFunction('balanceOf')(receiver.address)) - rewardBefore).toBe(REWARD);
    const p = await readPosition(f.devnet, id);
    expect(p.open).toBe(false);
    const swapped = events[1]!.args.getValue('amountOut') as bigint;
    const paid = swapped < LOAN ? swapped : LOAN;
    expect(p.balances[0]).toBe(swapped - paid);
    const orderAfter = (await f.mm.getFunction('orders')(f.order.orderId)) as unknown as { balance: bigint };
    expect(orderAfter.balance - orderBefore.balance).toBe(paid);
  });

  it('pays an ETH reward to the receiver', async () => {
    const id = await openAllInCollateral(f, f.ethOrder);
    await setValue(f, id, LOAN - 1n);
    await liquidate(keeperA, id);
    const before = await f.devnet.provider.getBalance(receiver.address);
    await liquidate(keeperA, id);
    expect((await f.devnet.provider.getBalance(receiver.address)) - before).toBe(ETH_REWARD);
  });

  it('re-freezes after 3600 s with the new caller as liquidator (status 1, no Liquidation)', async () => {
    const id = await openAllInCollateral(f);
    await setValue(f, id, LOAN - 1n);
    const frozenAt = await blockTime(await liquidate(keeperA, id));
    f.devnet.producer.setNextTimestamp(frozenAt + 3601);
    const refreeze = await liquidate(keeperB, id);
    expect(refreeze.status).toBe(1);
    expect(eventNames(refreeze)).toEqual(['PositionFrozen']);
    const p = await readPosition(f.devnet, id);
    expect(p.frozenTime).toBe(BigInt(frozenAt + 3601));
    expect(p.liquidator).toBe(keeperB.address);
    await expect(liquidate(keeperA, id)).rejects.toThrow(/Only owner or liquidator/);
    expect(eventNames(await liquidate(keeperB, id))).toContain('Liquidation');
  });

  it('a rescued position cannot be completed until it is liquidatable again', async () => {
    const id = await openAllInCollateral(f);
    await setValue(f, id, LOAN - 1n);
    await liquidate(keeperA, id);
    await setValue(f, id, LOAN);
    await expect(liquidate(keeperA, id)).rejects.toThrow(/Liquidation criteria are not met/);
    await expect(
      f.devnet.send('close', () => as(f.borrower).getFunction('positionClose')(id, false)),
    ).rejects.toThrow(/Position frozen/);
    await setValue(f, id, LOAN - 1n);
    expect(eventNames(await liquidate(keeperA, id))).toContain('Liquidation');
  });

  it('completion skips every other non-base asset, leaving a closed position with leftovers', async () => {
    const [x, y, z] = f.extra;
    const { positionId: id } = await openPosition(f.devnet, f.borrower, {
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
        positionId: id,
        assetIndex: 0,
        whitelistIdIn: 0,
        whitelistIdOut: wl,
        amount: LOAN / 2n,
        assetOut: token.address,
        fee: 3000,
      });
    }
    const before = await readPosition(f.devnet, id);
    expect(before.assets).toEqual([f.base.address, x.address, y.address, z.address]);
    await setValue(f, id, LOAN - 1n);
    await liquidate(keeperA, id);
    const done = await liquidate(keeperA, id);
    expect(eventNames(done)).toEqual([
      'AssetRemoved',
      'MarginSwap',
      'AssetRemoved',
      'MarginSwap',
      'Liquidation',
    ]);
    const after = await readPosition(f.devnet, id);
    expect(after.open).toBe(false);
    expect(after.assets).toEqual([f.base.address, z.address]);
    expect(after.balances[1]).toBe(before.balances[3]);
  });

  it('a base-only position crosses by interest alone at the exact second, and anyone can complete it', async () => {
    const order = await createOrder(f.devnet, f.lender, {
      base: f.base,
      whitelist: [f.base.address],
      collateral: [f.base.address],
      interestRate: 10_000n,
      leverage: 20,
      rewardAsset: f.base.address,
      rewardAmount: REWARD,
    });
    await fundOrder(f.devnet, f.lender, order.orderId, f.base, 10n * LOAN);
    const collateral = 100n * E18;
    const { positionId: id, receipt } = await openPosition(f.devnet, f.borrower, {
      orderId: order.orderId,
      amount: LOAN,
      collateralIdx: 0,
      collateralToken: f.base.erc20,
      collateralAmount: collateral,
    });
    const createdAt = await blockTime(receipt);
    // First dt with ib + floor(floor(ib * r * dt / 2592000) / 10000) > ib + collateral, searched exactly.
    const debtAt = (dt: bigint) => LOAN + (LOAN * 10_000n * dt) / 2_592_000n / 10_000n;
    let lo = 0n;
    let hi = 10n ** 9n;
    while (lo < hi) {
      const mid = (lo + hi) / 2n;
      if (debtAt(mid) > LOAN + collateral) hi = mid;
      else lo = mid + 1n;
    }
    const crossAt = createdAt + Number(lo);
    const data = f.mm.interface.encodeFunctionData('subjectToLiquidation', [id]);
    const at = (t: number) =>
      callAtTimestamp(f.devnet.provider, { to: f.devnet.addresses.marginModule, data }, t);
    const [before, after] = [await at(crossAt - 1), await at(crossAt)];
    expect(before.ok && BigInt(before.data)).toBe(0n);
    expect(after.ok && BigInt(after.data)).toBe(1n);
    f.devnet.producer.setNextTimestamp(crossAt);
    const frozen = await liquidate(keeperA, id);
    expect(await blockTime(frozen)).toBe(crossAt);
    const done = await liquidate(keeperB, id);
    expect(eventNames(done)).toEqual(['Liquidation']);
  });

  it('multicall freezes two positions in one transaction, and reverts as a whole if one call fails', async () => {
    const a = await openAllInCollateral(f);
    const b = await openAllInCollateral(f);
    // Still all in base: once COL is priced at zero it is worth exactly its debt, so it is not liquidatable.
    const { positionId: healthy } = await openPosition(f.devnet, f.borrower, {
      orderId: f.order.orderId,
      amount: LOAN,
      collateralIdx: 0,
      collateralToken: f.col.erc20,
      collateralAmount: 300n * E18,
    });
    // a and b hold only COL (the ratio is shared): pricing COL at zero makes both worth their base, 0.
    await setValue(f, a, 0n);
    const calls = [a, b].map((id) => f.mm.interface.encodeFunctionData('liquidate', [id, receiver.address]));
    const receipt = await f.devnet.send('multicall', () => as(keeperA).getFunction('multicall')(calls));
    expect(eventNames(receipt)).toEqual(['PositionFrozen', 'PositionFrozen']);
    expect(await f.mm.getFunction('subjectToLiquidation')(healthy)).toBe(false);
    const mixed = [a, healthy].map((id) =>
      f.mm.interface.encodeFunctionData('liquidate', [id, receiver.address]),
    );
    await expect(
      f.devnet.send('multicall', () => as(keeperA).getFunction('multicall')(mixed)),
    ).rejects.toThrow(/Liquidation criteria are not met/);
    expect((await readPosition(f.devnet, a)).open).toBe(true);
  });

  it('subjectToLiquidationExtended reports the freeze state', async () => {
    const id = await openAllInCollateral(f);
    await setValue(f, id, LOAN - 1n);
    const frozenAt = await blockTime(await liquidate(keeperA, id));
    const ext = (await f.mm.getFunction('subjectToLiquidationExtended')(id)) as unknown as [
      boolean,
      string,
      bigint,
      boolean,
    ];
    expect([ext[0], ext[1], ext[2], ext[3]]).toEqual([true, keeperA.address, BigInt(frozenAt), false]);
  });
});
