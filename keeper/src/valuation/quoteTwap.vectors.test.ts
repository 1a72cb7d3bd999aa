import { describe, expect, it } from 'vitest';
import { readTwapVectors, type VectorRevert } from '../../../test/support/goldenVectors.js';
import {
  TWAP_FEE_TIERS as FEE_TIERS,
  twapCasePools as casePools,
} from '../../../test/support/twapVectorPools.js';
import type { Address, TwapOracleKind } from '../model/types.js';
import type { EvmOutcome } from './EvmOutcome.js';
import { findTwapPool, type TwapOracleParams } from './findTwapPool.js';
import { poolTime } from './observeSingle.js';
import { PoolIndex } from './PoolIndex.js';
import { quoteTwap } from './quoteTwap.js';
import {
  getTwapSqrtPriceX96,
  getTwapTick,
  harmonicMeanLiquidity,
  observedPool,
  poolCanServeWindow,
} from './twapViews.js';

const lower = (a: string) => a.toLowerCase() as Address;

const isRevert = (x: unknown): x is VectorRevert => typeof x === 'object' && x !== null && 'revert' in x;

/** An outcome in the vectors' terms: the value as a string, or the revert reason. */
function asVector<T>(outcome: EvmOutcome<T>): string | { revert: string } {
  return outcome.ok ? String(outcome.value) : { revert: outcome.reason };
}
const expected = (x: string | number | VectorRevert) => (isRevert(x) ? { revert: x.revert } : String(x));

for (const commit of ['6e5e5c3', '2d3ffd2'] as const) {
  const vectors = readTwapVectors(commit);
  const kind: TwapOracleKind = `twap-${commit}`;
  const counts = { cases: 0, tierViews: 0, reverts: 0 };

  describe(`TWAP oracle ${commit} against the real contract's golden cases`, () => {
    it('reads a non-empty vector file whose count matches its cases', () => {
      expect(vectors.cases.length).toBeGreaterThan(0);
      expect(vectors.cases.length).toBe(vectors.meta.count);
    });

    it.each(vectors.cases.map((c) => [c.id, c.label, c] as const))('case %i (%s)', (_id, _label, c) => {
      const oracle: TwapOracleParams = { kind, twapWindow: c.oracle.twapWindow, feeTiers: FEE_TIERS };
      const time = poolTime(BigInt(c.timestamp));
      const byFee = casePools(c);
      const pools = PoolIndex.from(byFee.values());

      for (const [tier, views] of Object.entries(c.oracleViews.perTier)) {
        const pool = byFee.get(Number(tier));
        expect(pool, `tier ${tier} has views, so it exists`).toBeDefined();
        const observed = observedPool(pool!)!;
        const window = c.oracle.twapWindow;
        expect(poolCanServeWindow(observed, window, time), `poolCanServeWindow ${tier}`).toBe(
          views.poolCanServeWindow,
        );
        expect(asVector(getTwapTick(observed, window, time)), `getTwapTick ${tier}`).toEqual(
          expected(views.twapTick),
        );
        expect(asVector(getTwapSqrtPriceX96(observed, window, time)), `getTwapSqrtPriceX96 ${tier}`).toEqual(
          expected(views.twapSqrtPriceX96),
        );
        if (commit === '2d3ffd2') {
          expect(views.harmonicMeanLiquidity, 'the 2d3ffd2 vectors carry the harmonic mean').toBeDefined();
          expect(
            asVector(harmonicMeanLiquidity(observed, window, time)),
            `harmonicMeanLiquidity ${tier}`,
          ).toEqual(expected(views.harmonicMeanLiquidity!));
        }
        counts.tierViews++;
      }

      const found = findTwapPool(oracle, pools, lower(c.buy), lower(c.sell), time);
      const foundView = c.oracleViews.findPoolWithHighestLiquidity;
      if (isRevert(foundView)) {
        expect(asVector(found)).toEqual({ revert: foundView.revert });
      } else {
        expect(
          found.ok
            ? { pool: found.value.pool.address, liquidity: String(found.value.rank), fee: found.value.fee }
            : found,
        ).toEqual({
          pool: lower(foundView.pool),
          liquidity: foundView.liquidity,
          fee: foundView.fee,
        });
      }

      const quote = quoteTwap(oracle, pools, lower(c.buy), lower(c.sell), BigInt(c.amount), time);
      if (c.result === 'revert') {
        counts.reverts++;
        expect(asVector(quote)).toEqual({ revert: c.revertReason });
      } else {
        expect(asVector(quote)).toEqual(c.result);
      }
      counts.cases++;
    });

    it('checked every case and every tier view', () => {
      console.log(
        `oracle-twap-${commit}: ${counts.cases}/${vectors.cases.length} cases, ${counts.tierViews} per-tier view sets, ${counts.reverts} reverting quotes`,
      );
      expect(counts.cases).toBe(vectors.cases.length);
      expect(counts.tierViews).toBeGreaterThan(0);
    });
  });
}
