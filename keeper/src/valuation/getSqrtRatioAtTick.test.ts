import { describe, expect, it } from 'vitest';
import {
  getSqrtRatioAtTick,
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
  sqrtRatioAtValidTick,
} from './getSqrtRatioAtTick.js';

/** floor(sqrt(n)) by Newton's method on bigints. */
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return x;
}

/** sqrt(1.0001^tick)·2^96 exactly rounded down, from the rational 10001^t / 10000^t (small |tick| only). */
function exactSqrtX96(tick: number): bigint {
  const n = 10001n ** BigInt(Math.abs(tick));
  const d = 10000n ** BigInt(Math.abs(tick));
  const [num, den] = tick >= 0 ? [n, d] : [d, n];
  return isqrt(((num << 192n) * 10n ** 40n) / den) / 10n ** 20n;
}

describe('TickMath.getSqrtRatioAtTick', () => {
  it('has the documented bounds and reverts "T" just outside them', () => {
    expect(getSqrtRatioAtTick(MIN_TICK)).toEqual({ ok: true, value: MIN_SQRT_RATIO });
    expect(getSqrtRatioAtTick(MAX_TICK)).toEqual({ ok: true, value: MAX_SQRT_RATIO });
    expect(getSqrtRatioAtTick(MIN_TICK - 1)).toEqual({ ok: false, reason: 'T' });
    expect(getSqrtRatioAtTick(MAX_TICK + 1)).toEqual({ ok: false, reason: 'T' });
    expect(getSqrtRatioAtTick(0)).toEqual({ ok: true, value: 1n << 96n });
  });

  it('stays within 1e-12 of the exact square root and rounds up from it', () => {
    let checked = 0;
    for (let tick = -1200; tick <= 1200; tick += 7) {
      const model = sqrtRatioAtValidTick(tick);
      const exact = exactSqrtX96(tick);
      expect(model >= exact, `tick ${tick}`).toBe(true);
      expect((model - exact) * 10n ** 12n <= exact, `tick ${tick}`).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('is strictly increasing and multiplies by about sqrt(1.0001) per tick across the whole range', () => {
    let previous = 0n;
    for (let tick = MIN_TICK; tick <= MAX_TICK; tick += 4099) {
      const s = sqrtRatioAtValidTick(tick);
      expect(s > previous).toBe(true);
      previous = s;
      // 1.0001^(1/2) = 1.0000499987…: the step ratio to 1e-6, where the rounding up (one unit) is negligible.
      if (tick < MAX_TICK && s > 1n << 40n) {
        const step = (sqrtRatioAtValidTick(tick + 1) * 10_000_000n) / s;
        expect(step >= 10_000_490n && step <= 10_000_510n, `tick ${tick}`).toBe(true);
      }
    }
  });
});
