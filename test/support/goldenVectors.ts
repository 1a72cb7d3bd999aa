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
