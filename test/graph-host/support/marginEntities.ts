import type { EntityData, StoreValue } from '../../../devnet/graph-host/store/types.js';
import { entity, v } from './storeFixtures.js';

/** Complete entities of the project's subgraph schema, with overridable fields. */
type Overrides = Record<string, StoreValue>;

export const addr = (n: number): string => `0x${n.toString(16).padStart(40, '0')}`;

export function oracle(id: string, firstOrder: string, overrides: Overrides = {}): EntityData {
  return entity({
    address: v.bytes(id),
    firstOrder: v.str(firstOrder),
    firstSeenBlock: v.big(1),
    firstSeenTimestamp: v.big(1000),
    ...overrides,
  });
}

export function order(id: string, oracleId: string, overrides: Overrides = {}): EntityData {
  return entity({
    orderId: v.big(BigInt(id)),
    owner: v.bytes(addr(0xa)),
    baseAsset: v.bytes(addr(0xba5e)),
    whitelist: v.bytes(`0x${'11'.repeat(32)}`),
    interestRate: v.big(100),
    duration: v.big(86_400),
    minLoan: v.big(1),
    leverage: v.int(5),
    currencyLimit: v.int(4),
    oracle: v.str(oracleId),
    balance: v.big(1000),
    alive: v.bool(true),
    collateralAssets: v.list(v.bytes(addr(0xc1))),
    liquidationRewardAmount: v.big(7),
    liquidationRewardAsset: v.bytes(addr(0)),
    deadline: v.big(2_000_000_000),
    positionCount: v.int(0),
    openPositionCount: v.int(0),
    liquidationCount: v.int(0),
    closeCount: v.int(0),
    createdAtBlock: v.big(1),
    createdAtTimestamp: v.big(1000),
    stale: v.bool(false),
    ...overrides,
  });
}

export function position(id: string, orderId: string, overrides: Overrides = {}): EntityData {
  return entity({
    positionId: v.big(BigInt(id)),
    order: v.str(orderId),
    owner: v.bytes(addr(0xc)),
    baseAsset: v.bytes(addr(0xba5e)),
    initialCollateralAsset: v.bytes(addr(0xc1)),
    initialCollateralAmount: v.big(10),
    createdAt: v.big(1000),
    deadline: v.big(90_000),
    initialBalance: v.big(50),
    interest: v.big(100),
    open: v.bool(true),
    frozenAt: v.big(0),
    frozenBy: v.bytes(addr(0)),
    freezeCount: v.int(0),
    assets: v.list(v.bytes(addr(0xba5e)), v.bytes(addr(0xc1))),
    balances: v.list(v.big(0), v.big(60)),
    assetCount: v.int(2),
    closed: v.bool(false),
    liquidated: v.bool(false),
    openedAtBlock: v.big(2),
    openedTx: v.bytes(`0x${'ab'.repeat(32)}`),
    stale: v.bool(false),
    ...overrides,
  });
}

export function positionAsset(positionId: string, index: number, asset: string, balance: bigint): EntityData {
  return entity({
    position: v.str(positionId),
    index: v.int(index),
    asset: v.bytes(asset),
    balance: v.big(balance),
  });
}

export function freeze(positionId: string, liquidator: string, overrides: Overrides = {}): EntityData {
  return entity({
    position: v.str(positionId),
    liquidator: v.bytes(liquidator),
    frozenAt: v.big(5000),
    refreeze: v.bool(false),
    blockNumber: v.big(5),
    timestamp: v.big(5000),
    txHash: v.bytes(`0x${'cd'.repeat(32)}`),
    ...overrides,
  });
}

export function token(erc20: string, erc223?: string): EntityData {
  return entity({ erc20: v.bytes(erc20), ...(erc223 ? { erc223: v.bytes(erc223) } : {}) });
}

export function tokenAddress(address: string, tokenId: string, standard: 'ERC20' | 'ERC223'): EntityData {
  return entity({ address: v.bytes(address), token: v.str(tokenId), standard: v.str(standard) });
}

export function pool(address: string, token0: string, token1: string, overrides: Overrides = {}): EntityData {
  return entity({
    address: v.bytes(address),
    token0: v.str(token0),
    token1: v.str(token1),
    token0Erc20: v.bytes(token0),
    token0Erc223: v.bytes(addr(0x223)),
    token1Erc20: v.bytes(token1),
    token1Erc223: v.bytes(addr(0x224)),
    fee: v.int(3000),
    tickSpacing: v.int(60),
    initialized: v.bool(true),
    sqrtPriceX96: v.big(2n ** 96n),
    tick: v.int(0),
    liquidity: v.big(10n ** 18n),
    observationIndex: v.int(0),
    observationCardinality: v.int(1),
    observationCardinalityNext: v.int(1),
    createdAtBlock: v.big(1),
    createdAtTimestamp: v.big(1000),
    ...overrides,
  });
}
