import type { Contract, JsonRpcSigner } from 'ethers';
import type { Devnet } from '../Devnet.js';
import { deployArtifact } from '../deploy/deployCore.js';
import { createOrder, fundOrder, type CreatedOrder } from './orders.js';
import { openPositionsBulk, type BulkLoan } from './openPositionsBulk.js';
import { addLiquidity, createPool, movePrice, prepareTwapWindow } from './pools.js';
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
  /** The oracle every order names: the gen-1 spot oracle on gen 1, a TWAP oracle (2d3ffd2) on gen 2 and 3. */
  oracle: string;
  /** The TWAP window when the oracle is a TWAP oracle. */
  twapWindowSec?: number;
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

export interface KeeperMarketOptions {
  positions: number;
  seed: number;
  /**
   * How many of every five positions trade part of their loan into a market token (1–5, default 1): the positions
   * a price crash can put under water. The others hold their loan in the base asset and stay solvent.
   */
  tradedPerFive?: number;
}

/**
 * A market for keeper tests and demos: a base token and three others in deep pools (one pair in two fee tiers),
 * four orders from 0 % to 200 % a month, and `positions` positions at 2x–9x leverage, `tradedPerFive` in five of them
 * trading part of their loan into another token. Orders are priced by the generation's oracle: the gen-1 spot
 * oracle on gen 1; on gen 2 and 3 the TWAP oracle deployed today (2d3ffd2, the gen-3 module's `priceOracle` when it
 * has one), with every pool's observation ring grown and the window passed before positions open.
 */
export async function setUpKeeperMarket(devnet: Devnet, options: KeeperMarketOptions): Promise<KeeperMarket> {
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
  const { oracle, twapWindowSec } = await marketOracle(devnet);
  if (twapWindowSec !== undefined) {
    // At most one ring write per block: the ring must span the window at the chain's block spacing.
    for (const pool of pools)
      await prepareTwapWindow(devnet, pool, twapWindowSec, devnet.producer.secondsPerBlock);
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
      oracle,
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
  const tradedPerFive = options.tradedPerFive ?? 1;
  for (const [i, positionId] of positionIds.entries()) {
    if (i % 5 >= tradedPerFive) continue;
    const target = 1 + ((Math.floor(i / 5) + (i % 5)) % 3);
    await marginSwap(devnet, borrower, {
      positionId,
      assetIndex: 0,
      whitelistIdIn: 0,
      whitelistIdOut: target,
      // A fifth of the traded positions keep the old 40 %; the rest go most of the way in, as a leveraged long.
      amount: (loans[i]!.amount * (i % 5 === 0 ? 2n : 4n)) / 5n,
      assetOut: tokens[target - 1]!.address,
      fee: target === 1 ? 3000 : target === 2 ? 3000 : 10000,
    });
  }
  return { oracle, twapWindowSec, base, tokens, pools, orders, positionIds, borrower, trader };
}

const TWAP_WINDOW_SEC = 1800;

/** The oracle a market's orders name on this devnet's generation (see setUpKeeperMarket). */
async function marketOracle(devnet: Devnet): Promise<{ oracle: string; twapWindowSec?: number }> {
  if (devnet.generation === 1) return { oracle: devnet.addresses.oracle };
  const existing = devnet.addresses.twapOracle;
  const twap =
    existing !== undefined
      ? devnet.contractAt('TwapOracle2d3ffd2', existing)
      : (
          await deployArtifact(
            {
              provider: devnet.provider,
              producer: devnet.producer,
              deployer: devnet.deployer,
              artifacts: devnet.artifacts,
            },
            'TwapOracle2d3ffd2',
            [devnet.addresses.factory, TWAP_WINDOW_SEC],
          )
        ).contract;
  const windowSec = Number(await twap.getFunction('twapWindow')());
  return { oracle: await twap.getAddress(), twapWindowSec: windowSec };
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
