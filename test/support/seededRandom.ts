/** A small seeded generator (mulberry32), so a failing random run can be replayed from its printed seed. */
export interface SeededRandom {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Bigint in [min, max], both included; spread over the range's decimal magnitude, not only its top. */
  bigint(min: bigint, max: bigint): bigint;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    seed: seed >>> 0,
    next,
    int,
    bigint(min, max) {
      if (max <= min) return min;
      // A random number of digits first, so small and large amounts are equally likely.
      const digits = int(min.toString().length, max.toString().length);
      let value = 0n;
      for (let i = 0; i < digits; i++) value = value * 10n + BigInt(int(0, 9));
      const span = max - min + 1n;
      return min + (value % span);
    },
    pick(items) {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as (typeof items)[number];
    },
    chance: (p) => next() < p,
  };
}
