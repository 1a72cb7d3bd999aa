import { ZeroAddress, type Contract, type JsonRpcSigner } from 'ethers';
import { Devnet, type DevnetOptions } from '../../devnet/Devnet.js';
import { createOrder, fundOrder, type CreatedOrder } from '../../devnet/scenario/orders.js';
import { addLiquidity, createPool } from '../../devnet/scenario/pools.js';
import { marginSwap, openPosition, readPosition } from '../../devnet/scenario/positions.js';
import { deployToken, type TestToken } from '../../devnet/scenario/tokens.js';

export const E18 = 10n ** 18n;
export const Q96 = 2n ** 96n;
export const LOAN = 1000n * E18;
export const REWARD = 5n * E18;
export const ETH_REWARD = 10n ** 16n;

/**
 * A devnet with a base token, a collateral token and three more tradable tokens, each in a deep 1:1 pool
 * against the base; orders priced by the fixed-ratio oracle so tests can set a position's value exactly.
 */
export interface MarginFixture {
  devnet: Devnet;
  base: TestToken;
  col: TestToken;
  extra: [TestToken, TestToken, TestToken];
  lender: JsonRpcSigner;
  borrower: JsonRpcSigner;
  /** ERC-20 reward (the base token), 0 % interest, fixed-ratio oracle. */
  order: CreatedOrder;
  /** Same but the reward is ETH. */
  ethOrder: CreatedOrder;
  mm: Contract;
  fixedOracle: Contract;
}

export async function setUpMarginFixture(options: DevnetOptions = {}): Promise<MarginFixture> {
  const devnet = await Devnet.start({ genesisTimestampSec: 1_800_000_000, ...options });
  const [lender, borrower, lp] = [
    await devnet.actor('lender'),
    await devnet.actor('borrower'),
    await devnet.actor('lp'),
  ];
  const base = await deployToken(devnet, 'BASE');
  const col = await deployToken(devnet, 'COL');
  const extra = [
    await deployToken(devnet, 'X'),
    await deployToken(devnet, 'Y'),
    await deployToken(devnet, 'Z'),
  ] as [TestToken, TestToken, TestToken];
  for (const token of [col, ...extra]) {
    const pool = await createPool(devnet, token, base, 3000, Q96);
    await addLiquidity(devnet, lp, pool, -60_000, 60_000, 10n ** 24n);
  }
  const whitelist = [base.address, col.address, ...extra.map((t) => t.address)];
  const common = {
    base,
    whitelist,
    collateral: [col.address, extra[0].address],
    interestRate: 0n,
    oracle: devnet.addresses.fixedRatioOracle,
    leverage: 10,
    currencyLimit: 5,
  };
  const order = await createOrder(devnet, lender, {
    ...common,
    rewardAsset: base.address,
    rewardAmount: REWARD,
  });
  const ethOrder = await createOrder(devnet, lender, {
    ...common,
    rewardAsset: ZeroAddress,
    rewardAmount: ETH_REWARD,
  });
  for (const o of [order, ethOrder]) await fundOrder(devnet, lender, o.orderId, base, 100n * LOAN);
  return {
    devnet,
    base,
    col,
    extra,
    lender,
    borrower,
    order,
    ethOrder,
    mm: devnet.contracts.marginModule,
    fixedOracle: devnet.contracts.fixedRatioOracle,
  };
}

/**
 * Opens a position (loan LOAN, collateral 300 COL) and trades all of its base into COL, so that its whole
 * value is COL priced by the fixed-ratio oracle: `setValue` then sets the value to the exact wei.
 */
export async function openAllInCollateral(f: MarginFixture, order = f.order): Promise<bigint> {
  const { positionId } = await openPosition(f.devnet, f.borrower, {
    orderId: order.orderId,
    amount: LOAN,
    collateralIdx: 0,
    collateralToken: f.col.erc20,
    collateralAmount: 300n * E18,
  });
  await marginSwap(f.devnet, f.borrower, {
    positionId,
    assetIndex: 0,
    whitelistIdIn: 0,
    whitelistIdOut: 1,
    amount: LOAN,
    assetOut: f.col.address,
    fee: 3000,
  });
  return positionId;
}

/** Prices every non-base asset of the position so that its value is exactly `valueWei`. */
export async function setValue(f: MarginFixture, positionId: bigint, valueWei: bigint): Promise<void> {
  const p = await readPosition(f.devnet, positionId);
  const held = p.assets.slice(1).map((asset, i) => ({ asset, balance: p.balances[i + 1] ?? 0n }));
  const rest = valueWei - (p.balances[0] ?? 0n);
  if (rest < 0n) throw new Error('the base balance alone exceeds the wanted value');
  // The first asset carries the value; the others are priced at zero.
  for (const [i, { asset, balance }] of held.entries()) {
    const [num, den] = i === 0 ? [rest, balance] : [0n, 1n];
    await f.devnet.send('setRatio', () =>
      f.fixedOracle.getFunction('setRatio')(p.assets[0], asset, num, den),
    );
  }
}
