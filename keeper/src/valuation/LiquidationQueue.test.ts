import { describe, expect, it } from 'vitest';
import { IndexedMinHeap } from './IndexedMinHeap.js';
import { LiquidationQueue } from './LiquidationQueue.js';

function lcg(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

/** The queue's contract, naively: a map scanned in full. */
function naiveDue(model: Map<bigint, bigint>, ts: bigint): bigint[] {
  return [...model].filter(([, at]) => at <= ts).map(([id]) => id);
}

describe('LiquidationQueue', () => {
  it('orders by time, ties in any order, and pops everything', () => {
    const q = new LiquidationQueue();
    const times: [bigint, bigint][] = [
      [1n, 50n],
      [2n, 10n],
      [3n, 30n],
      [4n, 10n],
      [5n, 99n],
    ];
    for (const [id, at] of times) q.set(id, at);
    const popped: bigint[] = [];
    for (let e = q.pop(); e; e = q.pop()) popped.push(e.atSec);
    expect(popped).toEqual([10n, 10n, 30n, 50n, 99n]);
    expect(q.size).toBe(0);
    expect(q.peek()).toBeUndefined();
  });

  const table: [string, (q: LiquidationQueue) => void, bigint | undefined, number][] = [
    ['decrease-key moves to the front', (q) => q.set(3n, 1n), 3n, 3],
    ['increase-key moves back', (q) => q.set(1n, 100n), 2n, 3],
    ['same key is a no-op', (q) => q.set(1n, 10n), 1n, 3],
    ['delete the minimum', (q) => q.delete(1n), 2n, 2],
    ['delete a leaf', (q) => q.delete(3n), 1n, 2],
    ['delete an unknown id', (q) => q.delete(9n), 1n, 3],
  ];
  it.each(table)('%s', (_label, op, front, size) => {
    const q = new LiquidationQueue();
    q.set(1n, 10n);
    q.set(2n, 20n);
    q.set(3n, 30n);
    op(q);
    expect(q.peek()?.positionId).toBe(front);
    expect(q.size).toBe(size);
  });

  it.each([1, 2, 3, 4, 5])('random operations agree with a naive model (seed %i)', (seed) => {
    const random = lcg(seed);
    const q = new LiquidationQueue();
    const model = new Map<bigint, bigint>();
    for (let step = 0; step < 3000; step++) {
      const id = BigInt(random(300));
      const op = random(10);
      if (op < 6) {
        const at = BigInt(random(1000));
        q.set(id, at);
        model.set(id, at);
      } else if (op < 8) {
        expect(q.delete(id)).toBe(model.delete(id));
      } else if (op < 9) {
        const top = q.pop();
        const min = [...model.values()].reduce<bigint | undefined>(
          (m, v) => (m === undefined || v < m ? v : m),
          undefined,
        );
        expect(top?.atSec).toBe(min);
        if (top) {
          expect(model.get(top.positionId)).toBe(top.atSec);
          model.delete(top.positionId);
        }
      } else {
        const ts = BigInt(random(1000));
        expect(q.dueBy(ts).sort()).toEqual(naiveDue(model, ts).sort());
      }
      expect(q.size).toBe(model.size);
      expect(q.get(id)).toBe(model.get(id));
      expect(q.has(id)).toBe(model.has(id));
    }
  });
});

describe('IndexedMinHeap', () => {
  it.each([11, 12, 13])(
    'random operations keep every key reachable and the minimum on top (seed %i)',
    (seed) => {
      const random = lcg(seed);
      const heap = new IndexedMinHeap();
      const model = new Map<number, bigint>();
      for (let step = 0; step < 4000; step++) {
        const id = random(500);
        if (random(3) > 0) {
          const key = BigInt(random(100)) - 50n;
          heap.set(id, key);
          model.set(id, key);
        } else {
          expect(heap.delete(id)).toBe(model.delete(id));
        }
        const min = [...model.values()].reduce<bigint | undefined>(
          (m, v) => (m === undefined || v < m ? v : m),
          undefined,
        );
        expect(heap.peekKey()).toBe(min);
        expect(heap.keyOf(id)).toBe(model.get(id));
        expect(heap.size).toBe(model.size);
      }
      expect(heap.atMost(0n).sort((a, b) => a - b)).toEqual(
        [...model]
          .filter(([, k]) => k <= 0n)
          .map(([id]) => id)
          .sort((a, b) => a - b),
      );
    },
  );
});
