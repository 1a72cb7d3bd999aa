import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedDir } from './specEvents.js';

export interface OracleCase {
  id: number;
  category: string;
  note: string;
  sell: string;
  buy: string;
  orientation: string;
  pool: string | null;
  fee: number | null;
  sqrtPriceX96: string | null;
  liquidity: string | null;
  amount: string;
  result: string;
  revertKind?: string;
}

export interface TiePool {
  label: string;
  tokens: [string, string];
  pools: Record<string, { address: string; liquidity: string }>;
}

export interface OracleVectors {
  meta: { tiePools: TiePool[]; count: number };
  cases: OracleCase[];
}

export interface DebtCase {
  id: number;
  positionId: number;
  initialBalance: string;
  interest: string;
  createdAt: number;
  timestamp: number;
  elapsed: number;
  expected: string;
}

export interface DebtVectors {
  meta: { count: number };
  cases: DebtCase[];
}

function readVectors<T>(file: string): T {
  return JSON.parse(readFileSync(join(sharedDir, 'vectors', file), 'utf8')) as T;
}

/** Golden cases computed by the real deployed contracts, read from ../shared at test time (never copied). */
export const readOracleVectors = () => readVectors<OracleVectors>('oracle-getAmountOut-public.json');
export const readDebtVectors = () => readVectors<DebtVectors>('debt-public.json');

/** A call's revert as the TWAP and gen-2 vectors record it. */
export interface VectorRevert {
  revert: string;
  rpcMessage?: string;
}

export interface TwapVectorObservation {
  index: number;
  blockTimestamp: number;
  tickCumulative: string;
  secondsPerLiquidityCumulativeX128: string;
  initialized: boolean;
}

export type TwapVectorPool =
  | { exists: false }
  | {
      exists: true;
      address: string;
      token0: { erc20: string; erc223: string };
      token1: { erc20: string; erc223: string };
      slot0: {
        sqrtPriceX96: string;
        tick: number;
        observationIndex: number;
        observationCardinality: number;
        observationCardinalityNext: number;
      };
      liquidity: string;
      observations: TwapVectorObservation[];
    };

export interface TwapTierViews {
  poolCanServeWindow: boolean;
  /** 2d3ffd2 only. */
  harmonicMeanLiquidity?: string | VectorRevert;
  twapTick: number | VectorRevert;
  twapSqrtPriceX96: string | VectorRevert;
}

export interface TwapCase {
  id: number;
  label: string;
  oracle: { commit: string; address: string; twapWindow: number };
  blockNumber: number;
  timestamp: number;
  buy: string;
  sell: string;
  amount: string;
  sellSide: string;
  sellAddressKind: string;
  buyAddressKind: string;
  /** Keyed by fee tier: what `getPool(min(buy, sell), max(buy, sell), fee)` returned and that pool's state. */
  pools: Record<string, TwapVectorPool>;
  /** A uint256 as a decimal string, or "revert" with `revertReason`. */
  result: string;
  revertReason?: string;
  oracleViews: {
    findPoolWithHighestLiquidity: { pool: string; liquidity: string; fee: number } | VectorRevert;
    perTier: Record<string, TwapTierViews>;
  };
}

export interface TwapVectors {
  meta: {
    count: number;
    factory: string;
    oracles: { address: string; twapWindow: number }[];
    upstream: { commit: string };
  };
  cases: TwapCase[];
}

/** A pool that existed at the case's block, with the state the oracle reads. */
export type TwapPoolState = Extract<TwapVectorPool, { exists: true }>;

export interface DebtGen2Case {
  id: number;
  positionId: number;
  initialBalance: string;
  interest: string;
  createdAt: number;
  timestamp: number;
  elapsed: number;
  expected: string;
  value: string;
  subjectToLiquidation: boolean;
  subjectToLiquidationExtended:
    | {
        liquidatable: boolean;
        liquidator: string;
        frozenTimestamp: string;
        liquidated: boolean;
        insolvencyExpectedTime: string;
      }
    | VectorRevert;
}

export interface DebtGen2Vectors {
  meta: { count: number; upstream: { commit: string } };
  cases: DebtGen2Case[];
}

export const readTwapVectors = (commit: '6e5e5c3' | '2d3ffd2') =>
  readVectors<TwapVectors>(`oracle-twap-${commit}-public.json`);
export const readTwap2d3ffd2Vectors = () => readTwapVectors('2d3ffd2');
export const readTwap6e5e5c3Vectors = () => readTwapVectors('6e5e5c3');
export const readDebtGen2Vectors = () => readVectors<DebtGen2Vectors>('debt-gen2-public.json');
