import type { Devnet } from '../Devnet.js';
import { createOrder, fundOrder } from './orders.js';
import { addLiquidity, createPool, movePrice, poolAt } from './pools.js';
import { marginSwap, openPosition } from './positions.js';
import { deployToken, type TestToken } from './tokens.js';

const E18 = 10n ** 18n;
const Q96 = 2n ** 96n;

export interface SmallMarket {
  base: TestToken;
  tokens: TestToken[];
  pools: string[];
  orderId: bigint;
  positionIds: bigint[];
}

/**
 * A minimal but complete market: a base token and two others in deep 1:1 pools (3000) plus a shallow 500
 * pool, a funded order priced by the generation-1 oracle, three positions (one of them trading inside the
 * position), and a trader moving one price.
 */
export async function runSmallMarket(devnet: Devnet): Promise<SmallMarket> {
  const [lender, borrower, lp, trader] = [
    await devnet.actor('lender'),
    await devnet.actor('borrower'),
    await devnet.actor('lp'),
    await devnet.actor('trader'),
  ];
  const base = await deployToken(devnet, 'USDX');
  const tokens = [await deployToken(devnet, 'WETHX'), await deployToken(devnet, 'WBTCX')];
  const pools: string[] = [];
  for (const token of tokens) {
    const pool = await createPool(devnet, token, base, 3000, Q96);
    await addLiquidity(devnet, lp, pool, -60_000, 60_000, 10n ** 24n);
    pools.push(await pool.getAddress());
  }
  const shallow = await createPool(devnet, tokens[0]!, base, 500, Q96);
  await addLiquidity(devnet, lp, shallow, -1000, 1000, 10n ** 18n);
  pools.push(await shallow.getAddress());

  const order = await createOrder(devnet, lender, {
    base,
    whitelist: [base.address, ...tokens.map((t) => t.address)],
    collateral: tokens.map((t) => t.address),
    interestRate: 500n,
    rewardAsset: base.address,
    rewardAmount: 2n * E18,
  });
  await fundOrder(devnet, lender, order.orderId, base, 100_000n * E18);
  const positionIds: bigint[] = [];
  for (const [i, token] of tokens.entries()) {
    const { positionId } = await openPosition(devnet, borrower, {
      orderId: order.orderId,
      amount: 1000n * E18,
      collateralIdx: i,
      collateralToken: token.erc20,
      collateralAmount: 200n * E18,
    });
    positionIds.push(positionId);
  }
  await marginSwap(devnet, borrower, {
    positionId: positionIds[0]!,
    assetIndex: 0,
    whitelistIdIn: 0,
    whitelistIdOut: 2,
    amount: 400n * E18,
    assetOut: tokens[1]!.address,
    fee: 3000,
  });
  await movePrice(devnet, trader, poolAt(devnet, pools[0]!), (Q96 * 95n) / 100n);
  return { base, tokens, pools, orderId: order.orderId, positionIds };
}
