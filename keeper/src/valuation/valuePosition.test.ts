import { describe, expect, it } from 'vitest';
import type { Address, OrderState, PoolState, PositionState, PositionValuation } from '../model/types.js';
import type { DebtModel } from './DebtLine.js';
import { FixedRatioModel } from './FixedRatioModel.js';
import { Gen1SpotModel } from './Gen1SpotModel.js';
import type { OracleModel } from './OracleModel.js';
import { PoolIndex } from './PoolIndex.js';
import { fixedRatioKey } from './quoteFixedRatio.js';
import { valuePosition } from './valuePosition.js';

const N = 1n << 256n;
const Q96 = 1n << 96n;
const addr = (hex: string) => `0x${hex.padStart(40, '0')}` as Address;
const X = addr('1000');
const BASE = addr('2000');
const Y = addr('3000');
const Z = addr('4000');
const X223 = addr('f000');
const ORACLE = addr('0a');
const T = 1_800_000_000n;

const pool = (token0: Address, token1: Address, token0Erc223: Address, id: string): PoolState => ({
  address: addr(id),
  fee: 3000,
  token0,
  token1,
  token0Erc223,
  token1Erc223: addr(`e${id}`),
  initialized: true,
  sqrtPriceX96: 2n * Q96,
  tick: 0,
  liquidity: 10n ** 18n,
});
// P = 4 in both pools: 1 X = 4 BASE (X is token0), 1 BASE = 4 Y (BASE is token0).
const W = addr('5000');
// 1 BASE = 1/4 W (sqrt price 1/2): a small amount of W rounds X down to 0 on the inverse path.
const pools = PoolIndex.from([
  pool(X, BASE, X223, 'a1'),
  pool(BASE, Y, addr('b223'), 'a2'),
  { ...pool(BASE, W, addr('c223'), 'a3'), sqrtPriceX96: Q96 / 2n },
]);
const gen1 = new Gen1SpotModel({
  kind: 'gen1-spot',
  address: ORACLE,
  factory: addr('fa'),
  feeTiers: [500, 3000, 10000],
  pricePrecisionDecimals: 5n,
}) as OracleModel;
const fixed = new FixedRatioModel({
  kind: 'fixed-ratio',
  address: ORACLE,
  factory: addr('fa'),
  ratios: new Map([[fixedRatioKey(BASE, X), { numerator: 7n, denominator: 1n }]]),
}) as OracleModel;

const order: OrderState = {
  orderId: 1n,
  owner: addr('01'),
  baseAsset: BASE,
  oracle: ORACLE,
  interestRate: 3000n,
  whitelist: addr('00'),
  collateralAssets: [X],
  alive: true,
  rewardAsset: BASE,
  rewardAmount: 5n,
  deadlineSec: T * 2n,
  balance: 0n,
};

const position = (
  assets: Address[],
  balances: bigint[],
  over: Partial<PositionState> = {},
): PositionState => ({
  positionId: 7n,
  orderId: 1n,
  owner: addr('02'),
  createdAtSec: T,
  deadlineSec: T + 2_592_000n,
  initialBalance: 1000n,
  interest: 3000n,
  open: true,
  frozenAtSec: 0n,
  frozenBy: addr('00'),
  assets,
  balances,
  ...over,
});

type Row = [string, PositionState, OracleModel | null, bigint, DebtModel, PositionValuation];
const table: Row[] = [
  [
    'base only, healthy: debt grows 0.3/day',
    position([BASE], [1000n]),
    gen1,
    T + 100n,
    'gen1',
    { kind: 'valued', debt: 1000n, value: 1000n, liquidatable: false, liquidatableAtSec: T + 8640n },
  ],
  [
    'equal is safe, one second later is not (strict rule)',
    position([BASE], [1001n]),
    gen1,
    T + 17_279n,
    'gen1',
    { kind: 'valued', debt: 1001n, value: 1001n, liquidatable: false, liquidatableAtSec: T + 17_280n },
  ],
  [
    'underwater now',
    position([BASE], [999n]),
    gen1,
    T,
    'gen1',
    { kind: 'valued', debt: 1000n, value: 999n, liquidatable: true, liquidatableAtSec: T },
  ],
  [
    'X at 4 BASE (direct), Y at 1/4 BASE (inverse)',
    position([BASE, X, Y], [10n, 100n, 400n]),
    gen1,
    T,
    'gen1',
    { kind: 'valued', debt: 1000n, value: 10n + 400n + 100n, liquidatable: true, liquidatableAtSec: T },
  ],
  [
    'the value sum wraps modulo 2^256',
    position([BASE, X], [N - 1n, 1n]),
    gen1,
    T,
    'gen1',
    { kind: 'valued', debt: 1000n, value: 3n, liquidatable: true, liquidatableAtSec: T },
  ],
  [
    'an asset without a pool makes the whole valuation revert',
    position([BASE, X, Z], [10n ** 6n, 1n, 1n]),
    gen1,
    T,
    'gen1',
    { kind: 'reverts', reason: `getAmountOut(${BASE}, ${Z}): no-pool` },
  ],
  [
    'a 1-wei asset above the base priced below 1 divides by zero',
    position([BASE, W], [10n ** 6n, 1n]),
    gen1,
    T,
    'gen1',
    { kind: 'reverts', reason: `getAmountOut(${BASE}, ${W}): division-by-zero` },
  ],
  [
    '4 wei of the same asset is worth 4²/1 = 16 BASE',
    position([BASE, W], [1000n, 4n]),
    gen1,
    T,
    'gen1',
    { kind: 'valued', debt: 1000n, value: 1016n, liquidatable: false, liquidatableAtSec: T + 8640n * 17n },
  ],
  [
    'trap: X held as its ERC-223 twin (above BASE) is inverted: 100²/400 = 25',
    position([BASE, X223], [1000n, 100n]),
    gen1,
    T,
    'gen1',
    { kind: 'valued', debt: 1000n, value: 1025n, liquidatable: false, liquidatableAtSec: T + 8640n * 26n },
  ],
  [
    'generation 2 debt',
    position([BASE], [1000n], { initialBalance: 999n, interest: 1n }),
    gen1,
    T + 25_920_000_000n,
    'gen2',
    { kind: 'valued', debt: 999n, value: 1000n, liquidatable: false, liquidatableAtSec: null },
  ],
  [
    'generation 1 debt on the same terms',
    position([BASE], [1000n], { initialBalance: 999n, interest: 1n }),
    gen1,
    T + 25_920_000_000n,
    'gen1',
    { kind: 'valued', debt: 1998n, value: 1000n, liquidatable: true, liquidatableAtSec: T + 25_920_000_000n },
  ],
  [
    'fixed-ratio oracle: 7 BASE per X, unset Y is 1:1',
    position([BASE, X, Y], [0n, 100n, 5n]),
    fixed,
    T,
    'gen1',
    { kind: 'valued', debt: 1000n, value: 705n, liquidatable: true, liquidatableAtSec: T },
  ],
  [
    'oracle valued on chain',
    position([BASE], [1000n]),
    null,
    T,
    'gen1',
    { kind: 'unvalued', reason: `oracle ${ORACLE} is valued on chain` },
  ],
];

describe('valuePosition', () => {
  it.each(table)('%s', (_label, p, model, t, debtModel, expected) => {
    expect(valuePosition(p, order, model, pools, t, debtModel)).toEqual(expected);
  });

  it('refuses a model for another oracle', () => {
    const other = new Gen1SpotModel({
      ...(gen1 as Gen1SpotModel).profile,
      address: addr('0b'),
    }) as OracleModel;
    expect(valuePosition(position([BASE], [1n]), order, other, pools, T).kind).toBe('unvalued');
  });
});
