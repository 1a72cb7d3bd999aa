import { describe, expect, it } from 'vitest';
import { readTwapVectors, type TwapCase } from '../../../test/support/goldenVectors.js';
import { TWAP_FEE_TIERS, twapCasePools } from '../../../test/support/twapVectorPools.js';
import type { Address, OracleProfile, OrderState, PositionState } from '../model/types.js';
import { createOracleModel } from './createOracleModel.js';
import { getSqrtRatioAtTick } from './getSqrtRatioAtTick.js';
import { PoolIndex } from './PoolIndex.js';
import { REVERTED, type QuoteResult } from './QuoteResult.js';
import { quoteRevert, TwapModel } from './TwapModel.js';
import { ValuationBook } from './ValuationBook.js';
import { valuePosition } from './valuePosition.js';

const lower = (a: string) => a.toLowerCase() as Address;
const ORDER_ID = 1n;
const POSITION_ID = 7n;

function profileOf(commit: '6e5e5c3' | '2d3ffd2', c: TwapCase): OracleProfile {
  return {
    kind: `twap-${commit}`,
    address: lower(c.oracle.address),
    factory: '0x00000000000000000000000000000000000000fa',
    twapWindow: c.oracle.twapWindow,
    feeTiers: [...TWAP_FEE_TIERS],
  };
}

/** A gen-2 position whose only non-base asset is the case's sold amount, base = the case's bought token. */
function world(c: TwapCase, oracle: Address): { order: OrderState; position: PositionState } {
  const base = lower(c.buy);
  const order: OrderState = {
    orderId: ORDER_ID,
    owner: '0x0000000000000000000000000000000000000001',
    baseAsset: base,
    oracle,
    interestRate: 100n,
    whitelist: '0x0000000000000000000000000000000000000000',
    collateralAssets: [],
    alive: true,
    rewardAsset: base,
    rewardAmount: 0n,
    deadlineSec: BigInt(c.timestamp) * 2n,
    balance: 0n,
  };
  const position: PositionState = {
    positionId: POSITION_ID,
    orderId: ORDER_ID,
    owner: '0x0000000000000000000000000000000000000002',
    createdAtSec: BigInt(c.timestamp) - 100n,
    deadlineSec: BigInt(c.timestamp) * 2n,
    initialBalance: 10n ** 18n,
    interest: 100n,
    open: true,
    frozenAtSec: 0n,
    frozenBy: '0x0000000000000000000000000000000000000000',
    assets: [base, lower(c.sell)],
    balances: [5n, BigInt(c.amount)],
  };
  return { order, position };
}

for (const commit of ['6e5e5c3', '2d3ffd2'] as const) {
  const vectors = readTwapVectors(commit);

  describe(`TwapModel (${commit}) as the keeper's oracle plug-in, on every golden case`, () => {
    it.each(vectors.cases.map((c) => [c.id, c] as const))('case %i', (_id, c) => {
      const profile = profileOf(commit, c);
      const model = createOracleModel(profile);
      expect(model).toBeInstanceOf(TwapModel);
      const pools = PoolIndex.from(twapCasePools(c).values());
      const at = BigInt(c.timestamp);
      const [buy, sell, amount] = [lower(c.buy), lower(c.sell), BigInt(c.amount)];
      const expected: QuoteResult =
        c.result === 'revert'
          ? { ok: false, revert: quoteRevert(c.revertReason!) }
          : { ok: true, amount: BigInt(c.result) };

      expect(model!.quote(pools, buy, sell, amount, at)).toEqual(expected);
      const price = model!.price(pools, buy, sell, at);
      const out = model!.amountOut(price, amount);
      expect(expected.ok ? out : out === REVERTED).toEqual(expected.ok ? expected.amount : true);
      expect(model!.samePrice(price, model!.price(pools, buy, sell, at))).toBe(true);

      // Through both valuation paths: value = balances[0] + the quote, or the position reverts.
      const { order, position } = world(c, profile.address);
      const direct = valuePosition(position, order, model, pools, at, 'gen2');
      const book = new ValuationBook({ debtModel: 'gen2' });
      book.update(
        { oracles: [profile], pools: [...pools.values()], orders: [order], positions: [position] },
        at,
      );
      const fromBook = book.valuation(POSITION_ID, at);
      for (const v of [direct, fromBook]) {
        if (expected.ok) expect(v).toMatchObject({ kind: 'valued', value: 5n + expected.amount });
        else expect(v?.kind).toBe('reverts');
      }
    });

    it('read a non-empty vector file', () => {
      expect(vectors.cases.length).toBeGreaterThan(0);
    });
  });
}

describe('TwapModel refuses to guess', () => {
  const c = readTwapVectors('2d3ffd2').cases.find((x) => x.result !== 'revert')!;
  const model = new TwapModel(profileOf('2d3ffd2', c) as Extract<OracleProfile, { kind: 'twap-2d3ffd2' }>);
  const pools = PoolIndex.from(twapCasePools(c).values());

  it('needs the evaluation second', () => {
    expect(() => model.price(pools, lower(c.buy), lower(c.sell))).toThrow(/without a timestamp/);
  });

  it('throws rather than reverting when a pool it must read has no mirrored ring', () => {
    const ringless = PoolIndex.from([...twapCasePools(c).values()].map(({ ring: _ring, ...rest }) => rest));
    expect(() => model.price(ringless, lower(c.buy), lower(c.sell), BigInt(c.timestamp))).toThrow(
      /no mirrored ring/,
    );
  });

  it('moves with time alone: a window after the last write, the TWAP is the current tick', () => {
    // A case whose chosen pool's TWAP tick is not its current tick, so that the price must move.
    const moving = readTwapVectors('2d3ffd2').cases.find((x) => {
      const chosen = x.oracleViews.findPoolWithHighestLiquidity;
      if (x.result === 'revert' || 'revert' in chosen) return false;
      const p = x.pools[String(chosen.fee)];
      return p?.exists === true && x.oracleViews.perTier[String(chosen.fee)]?.twapTick !== p.slot0.tick;
    })!;
    expect(moving).toBeDefined();
    const m = new TwapModel(profileOf('2d3ffd2', moving) as Extract<OracleProfile, { kind: 'twap-2d3ffd2' }>);
    const byFee = twapCasePools(moving);
    const movingPools = PoolIndex.from(byFee.values());
    const at = BigInt(moving.timestamp);
    const [buy, sell] = [lower(moving.buy), lower(moving.sell)];
    const now = m.price(movingPools, buy, sell, at);
    const later = m.price(movingPools, buy, sell, at + BigInt(moving.oracle.twapWindow) + 1n);
    expect(m.pricesMoveWithTime).toBe(true);
    expect(m.samePrice(now, later)).toBe(false);
    const laterPool = byFee.get([...byFee.values()].find((p) => p.address === later.pool)!.fee)!;
    expect(later.pair.sqrtPriceX96).toEqual(getSqrtRatioAtTick(laterPool.tick));
  });

  it('the valuation book values a TWAP position at any later second with no pool event, and no work per update', () => {
    const moving = readTwapVectors('2d3ffd2').cases.find((x) => {
      const chosen = x.oracleViews.findPoolWithHighestLiquidity;
      if (x.result === 'revert' || 'revert' in chosen) return false;
      const p = x.pools[String(chosen.fee)];
      return p?.exists === true && x.oracleViews.perTier[String(chosen.fee)]?.twapTick !== p.slot0.tick;
    })!;
    const profile = profileOf('2d3ffd2', moving);
    const model = createOracleModel(profile)!;
    const pools = PoolIndex.from(twapCasePools(moving).values());
    const { order, position } = world(moving, profile.address);
    const at = BigInt(moving.timestamp);
    const later = at + BigInt(moving.oracle.twapWindow) + 1n;
    const book = new ValuationBook({ debtModel: 'gen2' });
    book.update(
      { oracles: [profile], pools: [...pools.values()], orders: [order], positions: [position] },
      at,
    );
    const first = book.valuation(POSITION_ID, at);
    expect(first).toEqual(valuePosition(position, order, model, pools, at, 'gen2'));
    // Bounded by its pairs' extreme rates over the whole stretch, the position needs nothing at a time-only update.
    const summary = book.update({}, later);
    expect(summary).toEqual({ revalued: 0, repriced: 0 });
    const second = book.valuation(POSITION_ID, later);
    expect(second).toEqual(valuePosition(position, order, model, pools, later, 'gen2'));
    expect(second).not.toEqual(first);
  });
});
