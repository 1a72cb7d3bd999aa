import type { Address, PoolState, TwapOracleKind } from '../model/types.js';
import { failure, success, type EvmOutcome } from './EvmOutcome.js';
import type { PoolIndex } from './PoolIndex.js';
import { harmonicMeanLiquidity, observedPool, poolCanServeWindow, RING_NOT_MIRRORED } from './twapViews.js';

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/** `findPoolWithHighestLiquidity`'s answer: the pool, its rank (the returned "liquidity") and its fee. */
export interface TwapPoolChoice {
  readonly pool: PoolState;
  readonly rank: bigint;
  readonly fee: number;
}

export interface TwapOracleParams {
  readonly kind: TwapOracleKind;
  readonly twapWindow: number;
  readonly feeTiers: readonly number[];
}

/**
 * The TWAP oracles' `findPoolWithHighestLiquidity(a, b)` at pool time `time`: the three requires in the
 * contract's order, then over the fee tiers every existing pool that can serve the window, ranked by current
 * `liquidity()` (6e5e5c3) or by harmonic-mean liquidity over the window (2d3ffd2). `>=` against a best that
 * starts at 0: ties go to the later tier and a rank-0 pool can win.
 */
export function findTwapPool(
  oracle: TwapOracleParams,
  pools: PoolIndex,
  tokenA: Address,
  tokenB: Address,
  time: number,
): EvmOutcome<TwapPoolChoice> {
  const a = tokenA.toLowerCase();
  const b = tokenB.toLowerCase();
  if (a === b) return failure('Oracle: identical tokens');
  if (a === ZERO_ADDRESS) return failure('Oracle: zero address tokenA');
  if (b === ZERO_ADDRESS) return failure('Oracle: zero address tokenB');
  let best: TwapPoolChoice | undefined;
  for (const fee of oracle.feeTiers) {
    const pool = pools.get(a as Address, b as Address, fee);
    if (!pool) continue;
    const observed = observedPool(pool);
    if (!observed) return failure(RING_NOT_MIRRORED);
    if (!poolCanServeWindow(observed, oracle.twapWindow, time)) continue;
    let rank = pool.liquidity;
    if (oracle.kind === 'twap-2d3ffd2') {
      const mean = harmonicMeanLiquidity(observed, oracle.twapWindow, time);
      if (!mean.ok) return mean;
      rank = mean.value;
    }
    if (best === undefined || rank >= best.rank) best = { pool, rank, fee };
  }
  return best ? success(best) : failure('Oracle: no pool found');
}
