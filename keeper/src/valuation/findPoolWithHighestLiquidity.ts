import type { Address, PoolState } from '../model/types.js';
import type { PoolIndex } from './PoolIndex.js';
import type { QuoteRevert } from './QuoteResult.js';

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';

/**
 * The gen-1 oracle's pool choice: every fee tier in the oracle's order, the existing pool with the largest
 * current liquidity, a later tier winning a tie (`>=`, so a zero-liquidity pool wins when it is the only one or
 * ties at zero). Both requires check `tokenA`, which the oracle passes as the asset bought.
 */
export function findPoolWithHighestLiquidity(
  feeTiers: readonly number[],
  pools: PoolIndex,
  tokenA: Address,
  tokenB: Address,
): PoolState | QuoteRevert {
  const a = tokenA.toLowerCase() as Address;
  const b = tokenB.toLowerCase() as Address;
  if (a === b) return 'same-token';
  if (a === ZERO_ADDRESS) return 'zero-token';
  let best: PoolState | undefined;
  let bestLiquidity = 0n;
  for (const fee of feeTiers) {
    const candidate = pools.get(a, b, fee);
    if (!candidate) continue;
    if (candidate.liquidity >= bestLiquidity) {
      best = candidate;
      bestLiquidity = candidate.liquidity;
    }
  }
  return best ?? 'no-pool';
}
