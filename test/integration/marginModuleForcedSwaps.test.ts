import { Contract, type JsonRpcSigner, type Log, type TransactionReceipt } from 'ethers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callAtTimestamp } from '../../devnet/chain/callAtTimestamp.js';
import type { ModuleGeneration } from '../../devnet/deploy/deployCore.js';
import type { DevnetOptions } from '../../devnet/Devnet.js';
import { movePrice, poolAt, poolTokens } from '../../devnet/scenario/pools.js';
import { createOrder, fundOrder } from '../../devnet/scenario/orders.js';
import {
  depositToPosition,
  marginSwap,
  openPosition,
  readPosition,
} from '../../devnet/scenario/positions.js';
import { decodeEvents } from '../../devnet/scenario/receiptEvents.js';
import {
  E18,
  LOAN,
  Q96,
  REWARD,
  openAllInCollateral,
  setUpMarginFixture,
  type MarginFixture,
} from '../support/marginFixture.js';

// The forced swaps of gen 2 and gen 3 (generations.md §2.3, §2.4): through the pool the order's oracle names, in
// nobody's name, at no less than 95 % of that oracle's quote for the whole balance, walking the assets backwards.
// The fixture's orders use the fixed-ratio oracle, so each test sets the quote to the wei.
const cases: { generation: ModuleGeneration; options: DevnetOptions }[] = [
  { generation: 2, options: { generation: 2 } },
  { generation: 3, options: { generation: 3, priceOracle: 'fixedRatioOracle' } },
];

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return x;
}

describe.each(cases)('gen $generation forced swaps', ({ options }) => {
  let f: MarginFixture;
  let snapshot: string;
  let keeperA: JsonRpcSigner;
  let keeperB: JsonRpcSigner;
  let receiver: JsonRpcSigner;
  let whale: JsonRpcSigner;

  beforeAll(async () => {
    f = await setUpMarginFixture(options);
    [keeperA, keeperB, receiver, whale] = [
      await f.devnet.actor('A'),
      await f.devnet.actor('B'),
      await f.devnet.actor('R'),
      await f.devnet.actor('whale'),
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
  const liquidate = (signer: JsonRpcSigner, id: bigint) =>
    f.devnet.send(`liquidate ${id}`, () => as(signer).getFunction('liquidate')(id, receiver.address));
  const setRatio = (asset: string, numerator: bigint, denominator: bigint) =>
    f.devnet.send('setRatio', () =>
      f.fixedOracle.getFunction('setRatio')(f.base.address, asset, numerator, denominator),
    );
  async function completionOutcome(signer: JsonRpcSigner, id: bigint) {
    const head = await f.devnet.producer.latest();
    const data = f.mm.interface.encodeFunctionData('liquidate', [id, receiver.address]);
    return callAtTimestamp(
      f.devnet.provider,
      { from: signer.address, to: f.devnet.addresses.marginModule, data },
      head.timestampSec + 1,
    );
  }

  /** Each log as a label: the module's events by name and asset, a pool's Swap, a token's Transfer or Approval. */
  function logLabels(receipt: TransactionReceipt): string[] {
    return receipt.logs.map((log: Log) => {
      if (log.address.toLowerCase() === f.devnet.addresses.marginModule.toLowerCase()) {
        const e = f.mm.interface.parseLog(log)!;
        return e.name === 'Liquidation' || e.name === 'PositionClosed'
          ? e.name
          : `${e.name} ${String(e.args.getValue('asset') ?? e.args.getValue('assetIn'))}`;
      }
      const tokenEvent = f.base.erc20.interface.parseLog(log);
      if (tokenEvent) return tokenEvent.name;
      return poolAt(f.devnet, log.address).interface.parseLog(log)?.name ?? 'other';
    });
  }

  it('anyone completes; the assets are sold backwards with none skipped, each after its pool swap; reward, then Liquidation', async () => {
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
    expect((await readPosition(f.devnet, id)).assets).toEqual([
      f.base.address,
      x.address,
      y.address,
      z.address,
    ]);
    // Every asset at 70 % of its 1:1 pool price: about 910 < 1000 of debt, and each forced swap clears 95 % of it.
    for (const token of [x, y, z]) await setRatio(token.address, 7n, 10n);
    expect(await f.mm.getFunction('subjectToLiquidation')(id)).toBe(true);

    await liquidate(keeperA, id);
    const done = await liquidate(keeperB, id);
    const labels = logLabels(done);
    const perAsset = (asset: string) => [`AssetRemoved ${asset}`, `MarginSwap ${asset}`];
    const moduleEvents = labels.filter((l) => !['Approval', 'Transfer', 'Swap'].includes(l));
    expect(moduleEvents).toEqual([
      ...perAsset(z.address),
      ...perAsset(y.address),
      ...perAsset(x.address),
      'Liquidation',
    ]);
    // Each asset's AssetRemoved comes after its pool's Swap and Transfers; the reward's Transfer comes last but one.
    for (const asset of [z, y, x]) {
      const removed = labels.indexOf(`AssetRemoved ${asset.address}`);
      expect(labels.slice(removed - 3, removed)).toEqual(['Transfer', 'Transfer', 'Swap']);
    }
    expect(labels.slice(-2)).toEqual(['Transfer', 'Liquidation']);
    const liquidation = decodeEvents(f.mm, f.devnet.addresses.marginModule, done).at(-1)!;
    expect(liquidation.args.getValue('liquidator')).toBe(keeperB.address);
    const after = await readPosition(f.devnet, id);
    expect(after.open).toBe(false);
    expect(after.assets).toEqual([f.base.address]);
  });

  it('refuses a forced swap below 95 % of the quote to the wei, until the freezer sells by marginSwap', async () => {
    const id = await openAllInCollateral(f);
    const held = (await readPosition(f.devnet, id)).balances[1]!;
    // COL loses half its price in the pool: the whole balance now fetches about 0.5 base per COL.
    const pool = poolAt(
      f.devnet,
      (await f.devnet.contracts.factory.getFunction('getPool')(
        f.col.address,
        f.base.address,
        3000,
      )) as string,
    );
    const [token0] = await poolTokens(pool);
    const colIsToken0 = token0.erc20.toLowerCase() === f.col.address.toLowerCase();
    // price = token1 per token0; COL at 0.5 base means 0.5 (COL = token0) or 2 (COL = token1).
    const target = colIsToken0 ? isqrt((Q96 * Q96) / 2n) : isqrt(Q96 * Q96 * 2n);
    await movePrice(f.devnet, whale, pool, target);

    // Quote the oracle at the debt minus one wei: liquidatable; the 95 % floor is far above what the pool pays.
    await setRatio(f.col.address, LOAN - 1n, held);
    await liquidate(keeperA, id);
    const blocked = await completionOutcome(keeperA, id);
    expect(blocked.ok).toBe(false);

    // Find what the pool pays for the whole balance, then put the floor exactly there and one wei above.
    const probe = await f.devnet.snapshot();
    await setRatio(f.col.address, 0n, 1n);
    const free = await liquidate(keeperA, id);
    const out = decodeEvents(f.mm, f.devnet.addresses.marginModule, free)
      .find((e) => e.name === 'MarginSwap')!
      .args.getValue('amountOut') as bigint;
    await f.devnet.revert(probe);
    // floor(q * 9500 / 10000) == target exactly for q = ceil(target * 20 / 19).
    const quoteFor = (floor: bigint) => (floor * 20n + 18n) / 19n;
    expect((quoteFor(out + 1n) * 9500n) / 10000n).toBe(out + 1n);
    await setRatio(f.col.address, quoteFor(out + 1n), held);
    expect((await completionOutcome(keeperB, id)).ok).toBe(false);
    await setRatio(f.col.address, quoteFor(out), held);
    expect((await completionOutcome(keeperB, id)).ok).toBe(true);

    // Back at the blocking quote, the freezer's own marginSwap (its own minimum) leaves only base, and then anyone
    // completes with no swap at all.
    await setRatio(f.col.address, LOAN - 1n, held);
    expect((await completionOutcome(keeperB, id)).ok).toBe(false);
    await marginSwap(f.devnet, keeperA, {
      positionId: id,
      assetIndex: 1,
      whitelistIdIn: 1,
      whitelistIdOut: 0,
      amount: held,
      assetOut: f.base.address,
      fee: 3000,
    });
    expect(await f.mm.getFunction('subjectToLiquidation')(id)).toBe(true);
    const done = await liquidate(keeperB, id);
    expect(logLabels(done)).toEqual(['Transfer', 'Liquidation']);
  });

  it('a dust balance whose forced swap pays 0 blocks completion until it is topped up', async () => {
    const [x] = f.extra;
    const id = await openAllInCollateral(f);
    await depositToPosition(f.devnet, f.borrower, id, x.erc20, 2, 1n);
    expect((await readPosition(f.devnet, id)).assets).toEqual([f.base.address, f.col.address, x.address]);
    // COL carries the value (just under the debt); X is quoted 0, so its floor is 0 and only `out > 0` can refuse.
    await setRatio(f.col.address, 7n, 10n);
    await setRatio(x.address, 0n, 1n);
    expect(await f.mm.getFunction('subjectToLiquidation')(id)).toBe(true);
    await liquidate(keeperA, id);
    expect((await completionOutcome(keeperB, id)).ok).toBe(false);
    await depositToPosition(f.devnet, f.borrower, id, x.erc20, 2, E18);
    const done = await liquidate(keeperB, id);
    const events = decodeEvents(f.mm, f.devnet.addresses.marginModule, done);
    expect(
      events.map((e) => `${e.name} ${String(e.args.getValue('asset') ?? e.args.getValue('assetIn') ?? '')}`),
    ).toEqual([
      `AssetRemoved ${x.address}`,
      `MarginSwap ${x.address}`,
      `AssetRemoved ${f.col.address}`,
      `MarginSwap ${f.col.address}`,
      'Liquidation ',
    ]);
  });

  it('positionClose sells backwards only until the base covers the debt', async () => {
    const [x, y, z] = f.extra;
    const { positionId: id } = await openPosition(f.devnet, f.borrower, {
      orderId: f.order.orderId,
      amount: LOAN,
      collateralIdx: 1,
      collateralToken: x.erc20,
      collateralAmount: 300n * E18,
    });
    await marginSwap(f.devnet, f.borrower, {
      positionId: id,
      assetIndex: 0,
      whitelistIdIn: 0,
      whitelistIdOut: 3,
      amount: LOAN,
      assetOut: y.address,
      fee: 3000,
    });
    await depositToPosition(f.devnet, f.borrower, id, z.erc20, 4, 1500n * E18);
    const before = await readPosition(f.devnet, id);
    expect(before.assets).toEqual([f.base.address, x.address, y.address, z.address]);
    expect(before.balances[0]).toBe(0n);
    const rewardBefore = (await f.base.erc20.getFunction('balanceOf')(f.borrower.address)) as bigint;

    const closed = await f.devnet.send('positionClose', () =>
      as(f.borrower).getFunction('positionClose')(id, false),
    );
    const events = decodeEvents(f.mm, f.devnet.addresses.marginModule, closed);
    expect(events.map((e) => e.name)).toEqual(['AssetRemoved', 'MarginSwap', 'PositionClosed']);
    expect(events[1]!.args.getValue('assetIn')).toBe(z.address);
    const out = events[1]!.args.getValue('amountOut') as bigint;
    const after = await readPosition(f.devnet, id);
    expect(after.open).toBe(false);
    // Z alone covered the 1000 of debt: X and Y are untouched, the surplus stays as base for the owner.
    expect(after.assets).toEqual([f.base.address, x.address, y.address]);
    expect(after.balances).toEqual([out - LOAN, before.balances[1], before.balances[2]]);
    expect((await f.base.erc20.getFunction('balanceOf')(f.borrower.address)) - rewardBefore).toBe(REWARD);
  });

  it('sells an asset held under a pool token’s ERC-223 address by ERC-223 deposit into the pool, not the router, above the floor', async () => {
    // Held under COL's twin (the order's collateral, and in its list so the forced swap can look it up), the asset is
    // a token of the COL/base pool by its ERC-223 address: the forced swap transfers it to the pool with swap data,
    // and the call trace shows that path.
    const order = await createOrder(f.devnet, f.lender, {
      base: f.base,
      whitelist: [f.base.address, f.col.twin],
      collateral: [f.col.twin],
      interestRate: 10_000n,
      oracle: f.devnet.addresses.fixedRatioOracle,
      rewardAsset: f.base.address,
      rewardAmount: REWARD,
    });
    await fundOrder(f.devnet, f.lender, order.orderId, f.base, 10n * LOAN);
    const { positionId: id, receipt } = await openPosition(f.devnet, f.borrower, {
      orderId: order.orderId,
      amount: LOAN,
      collateralIdx: 0,
      collateralToken: f.col.erc223,
      collateralAmount: 300n * E18,
    });
    const createdAt = (await f.devnet.provider.getBlock(receipt.blockNumber))!.timestamp;
    // 100 % per 30 days: after 12 days the debt (1400) exceeds 1000 base + 300 twin at 1:1.
    f.devnet.producer.setNextTimestamp(createdAt + 12 * 86_400);
    await liquidate(keeperA, id);
    // The module checks this path's floor itself: a quote of 399 for the 300 held (floor 379) blocks it.
    await setRatio(f.col.twin, 399n, 300n);
    expect(await f.mm.getFunction('subjectToLiquidation')(id)).toBe(true);
    expect((await completionOutcome(keeperB, id)).ok).toBe(false);
    await setRatio(f.col.twin, 1n, 1n);
    const attempt = await liquidate(keeperB, id);
    const events = decodeEvents(f.mm, f.devnet.addresses.marginModule, attempt);
    expect(events.map((e) => e.name)).toEqual(['AssetRemoved', 'MarginSwap', 'Liquidation']);
    expect([events[1]!.args.getValue('assetIn'), events[1]!.args.getValue('amountIn')]).toEqual([
      f.col.twin,
      300n * E18,
    ]);
    // Unset ratios quote 1:1, so the floor is 95 % of the amount sold.
    expect(events[1]!.args.getValue('amountOut')).toBeGreaterThanOrEqual((300n * E18 * 9500n) / 10000n);

    interface Frame {
      to: string;
      input: string;
      calls?: Frame[];
    }
    const trace = (await f.devnet.provider.send('debug_traceTransaction', [
      attempt.hash,
      { tracer: 'callTracer' },
    ])) as Frame;
    const frames: Frame[] = [];
    const walk = (frame: Frame) => {
      frames.push(frame);
      frame.calls?.forEach(walk);
    };
    walk(trace);
    const transferWithData = f.col.erc223.interface.getFunction('transfer(address,uint256,bytes)')!.selector;
    const pool = (await f.devnet.contracts.factory.getFunction('getPool')(
      f.col.address,
      f.base.address,
      3000,
    )) as string;
    const deposit = frames.find(
      (c) => c.to.toLowerCase() === f.col.twin.toLowerCase() && c.input.startsWith(transferWithData),
    );
    expect(deposit).toBeDefined();
    const [to, amount] = f.col.erc223.interface.decodeFunctionData(
      'transfer(address,uint256,bytes)',
      deposit!.input,
    );
    expect([String(to).toLowerCase(), amount]).toEqual([pool.toLowerCase(), 300n * E18]);
    expect(frames.some((c) => c.to.toLowerCase() === f.devnet.addresses.router.toLowerCase())).toBe(false);
  });
});
