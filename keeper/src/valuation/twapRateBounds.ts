import { getSqrtRatioAtTick } from './getSqrtRatioAtTick.js';

const MAX_UINT128 = (1n << 128n) - 1n;
const TWO_128 = 2 ** 128;
const TWO_192 = 2 ** 192;
/** Far above the few 2^-53 roundings of the conversions and the one division below. */
const MARGIN = 2 ** -40;

/** Floats bracketing 2d3ffd2's quote per unit sold at one TWAP tick: lo·a − 1 ≤ getAmountOut(a) ≤ hi·a. */
export interface RateBounds {
  readonly lo: number;
  readonly hi: number;
}

/**
 * 2d3ffd2 quotes floor(c·a) for a rate c fixed by the tick and direction: c = s²/2^192 or 2^192/s² for s < 2^128,
 * c = ⌊s²/2^64⌋/2^128 or 2^128/⌊s²/2^64⌋ above (mulDiv never overflows for a < 2^96, as s² ≥ 2^64). So
 * c·a − 1 < quote ≤ c·a, and c is monotone in the tick (non-decreasing selling token0, non-increasing otherwise;
 * at s = 2^128 both forms agree), which is what lets the valuation book bound a position over a stretch of time
 * from the extreme ticks of its pairs. Null for a tick TickMath rejects.
 */
export function twapRateBounds(tick: number, sellIsToken0: boolean): RateBounds | null {
  const sqrt = getSqrtRatioAtTick(tick);
  if (!sqrt.ok) return null;
  const s = sqrt.value;
  let rate: number;
  if (s <= MAX_UINT128) {
    const r = Number(s * s);
    rate = sellIsToken0 ? r / TWO_192 : TWO_192 / r;
  } else {
    const r = Number((s * s) >> 64n);
    rate = sellIsToken0 ? r / TWO_128 : TWO_128 / r;
  }
  return { lo: rate * (1 - MARGIN), hi: rate * (1 + MARGIN) };
}
