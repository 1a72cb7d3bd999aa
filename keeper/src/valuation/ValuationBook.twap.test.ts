import { describe, expect, it } from 'vitest';
import type { OrderState, PoolState, PositionState } from '../model/types.js';
import { seededRandom } from '../../../test/support/seededRandom.js';
import { syntheticTwapMarket } from '../../../test/bench/syntheticTwapMarket.js';
import { createOracleModel } from './createOracleModel.js';
import { PoolIndex } from './PoolIndex.js';
import { ValuationBook } from './ValuationBook.js';
import { valuePosition } from './valuePosition.js';

/**
 * The book under a moving TWAP (2d3ffd2) against a from-scratch valuation of every position at every update second:
 * swaps that write ring observations (and can leave a pool unable to serve the window), seconds that cross windows
 * with no event at all, positions opened, changed and closed, and debts set around the liquidation line so that
 * positions cross it both ways. `VALUATION_SEED` replays one seed.
 */
describe('ValuationBook under a moving TWAP: random runs equal a from-scratch valuation at every second checked', () => {
  const seeds = process.env.VALUATION_SEED ? [Number(process.env.VALUATION_SEED)] : [11, 12, 13, 14, 15, 16];
  it.each(seeds)('seed %i', (seed) => {
    console.log(`ValuationBook TWAP differential: seed ${seed}`);
    const random = seededRandom(seed);
    const window = random.pick([300, 600, 1800]);
    const market = syntheticTwapMarket({ positions: 300, pools: 24, window, seed, mixedRings: true });
    const profile = market.oracles[0]!;
    const model = createOracleModel(profile)!;
    const orders = new Map<bigint, OrderState>(market.orders.map((o) => [o.orderId, o]));
    // Debts raised so that many positions sit near the line and cross it as prices drift; a few balances of 0
    // (the oracle's zero-amount revert) or of 2^100 (beyond the bounded amounts: quoted at each update instead).
    const nearLine = (p: PositionState): PositionState => {
      const balances = p.balances.map((b, i) =>
        i === 0 ? b : random.chance(0.03) ? 0n : random.chance(0.03) ? 1n << 100n : b,
      );
      return { ...p, balances, initialBalance: (p.initialBalance * BigInt(random.int(130, 190))) / 100n };
    };
    // Some positions take the assets of another on the same base as well: five or more assets, a wider record.
    const merged = market.positions.map((p, i) => {
      const other = market.positions.find((q, j) => j > i && q.assets[0] === p.assets[0]);
      if (!other || !random.chance(0.1)) return p;
      const assets = [...p.assets];
      const balances = [...p.balances];
      other.assets.forEach((a, k) => {
        if (k > 0 && !assets.includes(a)) {
          assets.push(a);
          balances.push(other.balances[k]!);
        }
      });
      return { ...p, assets, balances, initialBalance: p.initialBalance + other.initialBalance };
    });
    const positions = new Map<bigint, PositionState>(merged.map((p) => [p.positionId, nearLine(p)]));
    const pools = new Map<string, PoolState>(market.pools.map((p) => [p.address, p]));
    const book = new ValuationBook({ debtModel: 'gen2' });
    let ts = market.startSec;
    book.update(
      {
        oracles: market.oracles,
        orders: market.orders,
        pools: market.pools,
        positions: [...positions.values()],
      },
      ts,
    );
    let nextId = BigInt(market.positions.length);
    let liquidatableSeen = 0;
    let crossings = 0;
    let previous = new Set<bigint>();
    for (let step = 0; step < 50; step++) {
      // Now and then the clock goes back a little (a reorg to a shorter branch), possibly before a pool's newest write.
      ts += random.chance(0.1)
        ? -BigInt(random.int(1, 30))
        : BigInt(random.pick([1, 3, 12, 60, 240, window - 1, window + 7]));
      const moved = random.chance(0.6) ? market.movePools(random.int(1, 4), ts) : [];
      for (const p of moved) pools.set(p.address, p);
      const changed: PositionState[] = [];
      const removed: bigint[] = [];
      for (let k = random.int(0, 3); k > 0; k--) {
        const ids = [...positions.keys()];
        const id = random.pick(ids);
        const p = positions.get(id)!;
        const roll = random.int(0, 2);
        if (roll === 0) {
          positions.delete(id);
          removed.push(id);
          // The book applies removals before upserts: one opened and closed in the same step is not sent.
          const opened = changed.findIndex((c) => c.positionId === id);
          if (opened >= 0) changed.splice(opened, 1);
        } else if (roll === 1) {
          const next = { ...p, balances: p.balances.map((b) => (b * BigInt(random.int(80, 120))) / 100n) };
          positions.set(id, next);
          changed.push(next);
        } else {
          const next = { ...p, positionId: nextId++ };
          positions.set(next.positionId, next);
          changed.push(next);
        }
      }
      book.update({ pools: moved, positions: changed, removedPositionIds: removed }, ts);
      const index = PoolIndex.from(pools.values());
      const expected = new Set<bigint>();
      for (const [id, p] of positions) {
        const truth = valuePosition(p, orders.get(p.orderId)!, model, index, ts, 'gen2');
        expect(book.valuation(id, ts), `position ${id} at ${ts} (seed ${seed})`).toEqual(truth);
        if (truth.kind === 'valued' && truth.liquidatable) expected.add(id);
      }
      const got = book.candidates(ts);
      expect(new Set(got), `candidates at ${ts} (seed ${seed})`).toEqual(expected);
      expect(got.length).toBe(expected.size);
      // A look-ahead to a later second with no further event, as the keeper asks for the next blocks.
      const ahead = ts + BigInt(random.pick([1, 12, 36, 120, window]));
      const expectedAhead = new Set<bigint>();
      for (const p of positions.values()) {
        const truth = valuePosition(p, orders.get(p.orderId)!, model, index, ahead, 'gen2');
        if (truth.kind === 'valued' && truth.liquidatable) expectedAhead.add(p.positionId);
      }
      expect(new Set(book.candidates(ahead)), `look-ahead to ${ahead} (seed ${seed})`).toEqual(expectedAhead);
      liquidatableSeen += expected.size;
      for (const id of expected) if (!previous.has(id) && positions.has(id)) crossings += 1;
      for (const id of previous) if (!expected.has(id) && positions.has(id)) crossings += 1;
      previous = expected;
    }
    // The run must have exercised the line, not only positions far from it.
    expect(liquidatableSeen).toBeGreaterThan(0);
    expect(crossings).toBeGreaterThan(0);
  });
});

describe('ValuationBook under a moving TWAP: a book larger than one page of bounded records', () => {
  it('equals a from-scratch valuation for 2,500 positions over seconds with and without swaps', () => {
    const market = syntheticTwapMarket({ positions: 2500, pools: 24, window: 600, seed: 5 });
    const model = createOracleModel(market.oracles[0]!)!;
    const orders = new Map<bigint, OrderState>(market.orders.map((o) => [o.orderId, o]));
    const positions = market.positions.map((p, i) => ({
      ...p,
      initialBalance: (p.initialBalance * BigInt(140 + (i % 40))) / 100n,
    }));
    const pools = new Map<string, PoolState>(market.pools.map((p) => [p.address, p]));
    const book = new ValuationBook({ debtModel: 'gen2' });
    let ts = market.startSec;
    book.update({ oracles: market.oracles, orders: market.orders, pools: market.pools, positions }, ts);
    for (const step of [0, 12, 300, 7, 600]) {
      ts += BigInt(step);
      const moved = step === 12 || step === 7 ? market.movePools(3, ts) : [];
      for (const p of moved) pools.set(p.address, p);
      book.update({ pools: moved }, ts);
      const index = PoolIndex.from(pools.values());
      const expected = new Set<bigint>();
      for (const p of positions) {
        const truth = valuePosition(p, orders.get(p.orderId)!, model, index, ts, 'gen2');
        if (truth.kind === 'valued' && truth.liquidatable) expected.add(p.positionId);
        if (p.positionId % 97n === 0n) expect(book.valuation(p.positionId, ts)).toEqual(truth);
      }
      expect(expected.size).toBeGreaterThan(0);
      expect(new Set(book.candidates(ts))).toEqual(expected);
    }
  });
});
