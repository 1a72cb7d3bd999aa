import type { Contract, JsonRpcSigner } from 'ethers';
import type { Devnet } from '../Devnet.js';
import { createOrder, fundOrder, type CreatedOrder } from './orders.js';
import { openPositionsBulk, type BulkLoan } from './openPositionsBulk.js';
import { addLiquidity, createPool, movePrice } from './pools.js';
import { marginSwap } from './positions.js';
import { deployToken, type TestToken } from './tokens.js';

const E18 = 10n ** 18n;
const Q96 = 2n ** 96n;

/** A small deterministic PRNG (mulberry32): scenarios replay the same way every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface KeeperMarket {
  base: TestToken;
  tokens: TestToken[];
  pools: Contract[];
  orders: CreatedOrder[];
  positionIds: bigint[];
  borrower: JsonRpcSigner;
  trader: JsonRpcSigner;
}

/** Interest rates of the market's orders (10000 = 100 % per 30 days): from none to steep. */
const ORDER_RATES = [0n, 300n, 3000n, 20_000n];

/**
 * A market for keeper tests and demos, priced by the generation-1 spot oracle: a base token and three others
 * in deep pools (one pair in two fee tiers), four orders from 0 % to 200 % a month, and `positions` positions
 * at 2x–9x leverage, a fifth of them trading part of their loan into another token.
 */
export async function setUpKeeperMarket(
  devnet: Devnet,
  options: { positions: number; seed: number },
): Promise<KeeperMarket> {
  const random = seededRandom(options.seed);
  const [lender, borrower, lp, trader] = [
    await devnet.actor('lender'),
    await devnet.actor('borrower'),
    await devnet.actor('lp'),
    await devnet.actor('trader'),
  ];
  const base = await deployToken(devnet, 'USDK');
  const tokens = [
    await deployToken(devnet, 'AAA'),
    await deployToken(devnet, 'BBB'),
    await deployToken(devnet, 'CCC'),
  ];
  const pools: Contract[] = [];
  for (const [token, fee] of [
    [tokens[0]!, 3000],
    [tokens[0]!, 500],
    [tokens[1]!, 3000],
    [tokens[2]!, 10000],
  ] as const) {
    const pool = await createPool(devnet, token, base, fee, Q96);
    const spacing = fee === 500 ? 10 : fee === 3000 ? 60 : 200;
    const width = Math.floor(60_000 / spacing) * spacing;
    await addLiquidity(devnet, lp, pool, -width, width, fee === 500 ? 10n ** 23n : 10n ** 24n);
    pools.push(pool);
  }
  const whitelist = [base.address, ...tokens.map((t) => t.address)];
  const orders: CreatedOrder[] = [];
  for (const rate of ORDER_RATES) {
    const order = await createOrder(devnet, lender, {
      base,
      whitelist,
      collateral: [...tokens.map((t) => t.address), base.address],
      interestRate: rate,
      durationSec: 365n * 86400n,
      rewardAsset: base.address,
      rewardAmount: E18,
      leverage: 10,
      currencyLimit: 4,
    });
    await fundOrder(devnet, lender, order.orderId, base, 10n ** 27n);
    orders.push(order);
  }
  const loans: BulkLoan[] = [];
  for (let i = 0; i < options.positions; i++) {
    const amount = BigInt(100 + Math.floor(random() * 900)) * E18;
    const collateralIdx = i % 4;
    const leverage = 2n + BigInt(Math.floor(random() * 8));
    loans.push({
      orderId: orders[i % orders.length]!.orderId,
      amount,
      collateralIdx,
      collateralToken: collateralIdx === 3 ? base.erc20 : tokens[collateralIdx]!.erc20,
      collateralAmount: amount / (leverage - 1n),
    });
  }
  const positionIds = await openPositionsBulk(devnet, borrower, loans);
  for (const [i, positionId] of positionIds.entries()) {
    if (i % 5 !== 0) continue;
    const target = 1 + ((i / 5) % 3);
    await marginSwap(devnet, borrower, {
      positionId,
      assetIndex: 0,
      whitelistIdIn: 0,
      whitelistIdOut: target,
      amount: (loans[i]!.amount * 2n) / 5n,
      assetOut: tokens[target - 1]!.address,
      fee: target === 1 ? 3000 : target === 2 ? 3000 : 10000,
    });
  }
  return { base, tokens, pools, orders, positionIds, borrower, trader };
}

/** Moves one pool's price by a random factor in [1 − down, 1 + up] through a real swap. */
export async function randomPriceMove(
  devnet: Devnet,
  market: KeeperMarket,
  random: () => number,
  range: { down: number; up: number } = { down: 0.12, up: 0.08 },
): Promise<void> {
  const pool = market.pools[Math.floor(random() * market.pools.length)]!;
  const [sqrtPriceX96] = (await pool.getFunction('slot0')()) as [bigint];
  const factor = 1 - range.down + random() * (range.down + range.up);
  // sqrt of the price factor, in parts per million
  const sqrtFactorPpm = BigInt(Math.round(Math.sqrt(factor) * 1e6));
  await movePrice(devnet, market.trader, pool, (sqrtPriceX96 * sqrtFactorPpm) / 1_000_000n);
}
