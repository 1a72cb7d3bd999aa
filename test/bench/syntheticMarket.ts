import type {
  Address,
  OracleProfile,
  OrderState,
  PoolState,
  PositionState,
} from '../../keeper/src/model/types.js';
import { createOracleModel } from '../../keeper/src/valuation/createOracleModel.js';
import { PoolIndex } from '../../keeper/src/valuation/PoolIndex.js';
import { fixedRatioKey } from '../../keeper/src/valuation/quoteFixedRatio.js';
import { valuePosition } from '../../keeper/src/valuation/valuePosition.js';

export interface SyntheticMarket {
  oracles: OracleProfile[];
  orders: OrderState[];
  pools: PoolState[];
  positions: PositionState[];
  startSec: bigint;
  /** Moves `count` random pools (price ±0.5 %, sometimes liquidity), as one block's pool changes. */
  movePools(count: number): PoolState[];
}

export interface SyntheticOptions {
  positions: number;
  pools: number;
  seed?: number;
}

const Q96 = 1n << 96n;
const E18 = 10n ** 18n;
const FEES = [500, 3000, 10000];

/** A deterministic market shaped like a busy deployment: a few base assets, many pools, positions of 2–4 assets. */
export function syntheticMarket(options: SyntheticOptions): SyntheticMarket {
  let state = (options.seed ?? 223) >>> 0;
  const random = (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const address = () =>
    `0x${Array.from({ length: 5 }, () =>
      random(2 ** 32)
        .toString(16)
        .padStart(8, '0'),
    ).join('')}` as Address;

  const bases = Array.from({ length: 5 }, address);
  const others = Array.from({ length: 40 }, address);
  const twin = new Map([...bases, ...others].map((t) => [t, address()]));

  const pools: PoolState[] = [];
  const pairsOfBase = new Map<Address, Address[]>(bases.map((b) => [b, []]));
  const taken = new Set<string>();
  // One market price per pair; its fee tiers sit within 0.2 % of it, as arbitrage keeps them.
  const pairPrice = new Map<string, bigint>();
  while (pools.length < options.pools) {
    const base = bases[random(bases.length)]!;
    const other = others[random(others.length)]!;
    const fee = FEES[random(FEES.length)]!;
    if (taken.has(`${base}${other}${fee}`)) continue;
    taken.add(`${base}${other}${fee}`);
    if (!pairsOfBase.get(base)!.includes(other)) pairsOfBase.get(base)!.push(other);
    const [token0, token1] = base < other ? [base, other] : [other, base];
    pools.push({
      address: address(),
      fee,
      token0,
      token1,
      token0Erc223: twin.get(token0)!,
      token1Erc223: twin.get(token1)!,
      initialized: true,
      sqrtPriceX96: (pairSqrtPrice(base, other) * BigInt(9990 + random(21))) / 10_000n,
      tick: 0,
      liquidity: BigInt(1 + random(1000)) * E18,
    });
  }

  function pairSqrtPrice(base: Address, other: Address): bigint {
    const key = `${base}${other}`;
    let sqrt = pairPrice.get(key);
    // Prices between 1/16 and 16 keep quotes of every orientation well away from zero.
    if (sqrt === undefined) pairPrice.set(key, (sqrt = (Q96 * BigInt(25 + random(375))) / 100n));
    return sqrt;
  }

  const gen1: OracleProfile = {
    kind: 'gen1-spot',
    address: address(),
    factory: address(),
    feeTiers: [500, 3000, 10000],
    pricePrecisionDecimals: 5n,
  };
  const gen1Other: OracleProfile = { ...gen1, address: address(), feeTiers: [3000, 10000, 500] };
  const fixed: OracleProfile = {
    kind: 'fixed-ratio',
    address: address(),
    factory: gen1.factory,
    ratios: new Map(
      bases.flatMap((b) =>
        others.map((o) => [fixedRatioKey(b, o), { numerator: BigInt(1 + random(9)), denominator: 4n }]),
      ),
    ),
  };
  const oracleFor = (i: number) => (i % 10 === 9 ? fixed : i % 3 === 0 ? gen1Other : gen1).address;

  const startSec = 1_800_000_000n;
  const orders: OrderState[] = Array.from({ length: 1000 }, (_, i) => {
    const base = bases[i % bases.length]!;
    return {
      orderId: BigInt(i),
      owner: address(),
      baseAsset: base,
      oracle: oracleFor(i),
      interestRate: BigInt(500 + random(4500)),
      whitelist: address(),
      collateralAssets: pairsOfBase.get(base)!.slice(0, 3),
      alive: true,
      rewardAsset: base,
      rewardAmount: E18,
      deadlineSec: startSec + 10n ** 8n,
      balance: 10n ** 30n,
    };
  });

  const oracles = [gen1, gen1Other, fixed];
  const models = new Map(oracles.map((o) => [o.address, createOracleModel(o)]));
  const poolIndex = PoolIndex.from(pools);
  const positions: PositionState[] = Array.from({ length: options.positions }, (_, i) => {
    const order = orders[random(orders.length)]!;
    const tradable = pairsOfBase.get(order.baseAsset)!;
    const held: Address[] = [order.baseAsset];
    const extra = 1 + random(3);
    for (let k = 0; k < extra && held.length <= tradable.length; k++) {
      const pick = tradable[random(tradable.length)]!;
      // One position in ten holds an asset under its ERC-223 address, as the contract allows.
      const asset = random(10) === 0 ? twin.get(pick)! : pick;
      if (!held.includes(asset) && !held.includes(pick)) held.push(asset);
    }
    const balances = held.map((_, k) =>
      k === 0 ? BigInt(random(100)) * E18 : BigInt(1 + random(10_000)) * 10n ** 17n,
    );
    const position: PositionState = {
      positionId: BigInt(i),
      orderId: order.orderId,
      owner: address(),
      createdAtSec: startSec - BigInt(random(30 * 86_400)),
      deadlineSec: startSec + 30n * 86_400n,
      initialBalance: 0n,
      interest: order.interestRate,
      open: true,
      frozenAtSec: 0n,
      frozenBy: '0x0000000000000000000000000000000000000000',
      assets: held,
      balances,
    };
    // Debt today (interest accrued since opening included) of 50–90 % of today's value, with one position in
    // a hundred already underwater.
    const valued = valuePosition(position, order, models.get(order.oracle)!, poolIndex, startSec);
    const value = valued.kind === 'valued' ? valued.value : E18;
    const share = random(100) === 0 ? BigInt(100 + random(20)) : BigInt(50 + random(40));
    const period = 2_592_000n * 10_000n;
    const growth = period + position.interest * (startSec - position.createdAtSec);
    return { ...position, initialBalance: (value * share * period) / (100n * growth) };
  });

  return {
    oracles,
    orders,
    pools,
    positions,
    startSec,
    movePools(count: number): PoolState[] {
      const moved: PoolState[] = [];
      for (let k = 0; k < count; k++) {
        const at = random(pools.length);
        const pool = pools[at]!;
        const next: PoolState = {
          ...pool,
          sqrtPriceX96: (pool.sqrtPriceX96 * BigInt(995 + random(11))) / 1000n,
          liquidity: random(4) === 0 ? BigInt(1 + random(1000)) * E18 : pool.liquidity,
        };
        pools[at] = next;
        moved.push(next);
      }
      return moved;
    },
  };
}
