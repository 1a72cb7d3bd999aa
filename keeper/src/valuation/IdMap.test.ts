import { describe, expect, it } from 'vitest';
import { IdMap } from './IdMap.js';

describe('IdMap', () => {
  it('behaves like a Map for sequential, sparse, huge and negative-looking ids', () => {
    const map = new IdMap<string>();
    const model = new Map<bigint, string>();
    const ids = [0n, 1n, 2n, 5000n, 10n ** 30n, 2n ** 255n, 3n, 4100n, 4096n, 9000n, 6000n, 4097n];
    let state = 7;
    for (let step = 0; step < 3000; step++) {
      state = (state * 1103515245 + 12345) % 2147483648;
      const id = ids[state % ids.length]!;
      if (state % 3 === 0) {
        expect(map.delete(id)).toBe(model.delete(id));
      } else {
        map.set(id, `v${step}`);
        model.set(id, `v${step}`);
      }
      expect(map.get(id)).toBe(model.get(id));
      expect(map.size).toBe(model.size);
    }
    for (const id of ids) expect(map.get(id)).toBe(model.get(id));
    expect(new Map(map.entries())).toEqual(model);
  });

  it('moves an id from the sparse side to the array once the sequence reaches it', () => {
    const map = new IdMap<number>();
    map.set(5000n, 1);
    for (let i = 0n; i < 5000n; i++) map.set(i, 0);
    map.set(5001n, 0);
    expect(map.get(5000n)).toBe(1);
    expect(map.size).toBe(5002);
    map.set(5000n, 2);
    expect(map.get(5000n)).toBe(2);
    expect(map.size).toBe(5002);
    expect(map.delete(5000n)).toBe(true);
    expect(map.get(5000n)).toBeUndefined();
  });
});
