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

/** The gen-2 module's views on a case: the five outputs, or the revert an invalid opcode gives. */
export type ExtendedStatus =
  | {
      liquidatable: boolean;
      liquidator: string;
      frozenTimestamp: string;
      liquidated: boolean;
      insolvencyExpectedTime: string;
    }
  | { revert: string; rpcMessage: string };

export interface DebtGen2Case extends DebtCase {
  /** getPositionStatus's value (= balances[0], loan + collateral). */
  value: string;
  subjectToLiquidation: boolean;
  subjectToLiquidationExtended: ExtendedStatus;
}

export interface DebtGen2Vectors {
  meta: { count: number; upstream: { commit: string } };
  cases: DebtGen2Case[];
}

export const readDebtGen2Vectors = () => readVectors<DebtGen2Vectors>('debt-gen2-public.json');

export interface TwapObservation {
  index: number;
  blockTimestamp: number;
  tickCumulative: string;
  secondsPerLiquidityCumulativeX128: string;
  initialized: boolean;
}

export interface TwapTokenTuple {
  erc20: string;
  erc223: string;
}

/** One fee tier's pool as factory.getPool returned it at the case's block, with all the state the oracle reads. */
export interface TwapPoolState {
  exists: true;
  address: string;
  token0: TwapTokenTuple;
  token1: TwapTokenTuple;
  slot0: {
    sqrtPriceX96: string;
    tick: number;
    observationIndex: number;
    observationCardinality: number;
    observationCardinalityNext: number;
  };
  liquidity: string;
  /** observations(i) for every i < observationCardinality. */
  observations: TwapObservation[];
}

/** A view's value, or the reason it reverted with. */
export type TwapViewOutcome<T> = T | { revert: string };

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
  /** Keyed by fee tier ("500", "3000", "10000"). */
  pools: Record<string, TwapPoolState | { exists: false }>;
  /** Decimal uint256, or "revert" with `revertReason`. */
  result: string;
  revertReason?: string;
  oracleViews: {
    findPoolWithHighestLiquidity: TwapViewOutcome<{ pool: string; liquidity: string; fee: number }>;
    /** Per existing tier: poolCanServeWindow, twapTick, twapSqrtPriceX96 and (2d3ffd2) harmonicMeanLiquidity. */
    perTier: Record<string, Record<string, TwapViewOutcome<boolean | number | string>>>;
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

export const readTwap2d3ffd2Vectors = () => readVectors<TwapVectors>('oracle-twap-2d3ffd2-public.json');
export const readTwap6e5e5c3Vectors = () => readVectors<TwapVectors>('oracle-twap-6e5e5c3-public.json');
