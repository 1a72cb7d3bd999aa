import { failure, success, type EvmOutcome } from './EvmOutcome.js';

export const MIN_TICK = -887272;
export const MAX_TICK = 887272;
export const MIN_SQRT_RATIO = 4295128739n;
export const MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342n;

/** TickMath's multipliers: C_k ≈ 2^128 / sqrt(1.0001)^(2^k), for bits k = 1 … 19 of |tick|. */
const BIT_FACTORS: readonly bigint[] = [
  0xfff97272373d413259a46990580e213an,
  0xfff2e50f5f656932ef12357cf3c7fdccn,
  0xffe5caca7e10e4e61c3624eaa0941cd0n,
  0xffcb9843d60f6159c9db58835c926644n,
  0xff973b41fa98c081472e6896dfb254c0n,
  0xff2ea16466c96a3843ec78b326b52861n,
  0xfe5dee046a99a2a811c461f1969c3053n,
  0xfcbe86c7900a88aedcffc83b479aa3a4n,
  0xf987a7253ac413176f2b074cf7815e54n,
  0xf3392b0822b70005940c7a398e4b70f3n,
  0xe7159475a2c29b7443b29c7fa6e889d9n,
  0xd097f3bdfd2022b8845ad8f792aa5825n,
  0xa9f746462d870fdf8a65dc1f90e061e5n,
  0x70d869a156d2a1b890bb3df62baf32f7n,
  0x31be135f97d08fd981231505542fcfa6n,
  0x9aa508b5b7a84e1c677de54f3e99bc9n,
  0x5d6af8dedb81196699c329225ee604n,
  0x2216e584f5fa1ea926041bedfe98n,
  0x48a170391f7dc42444e8fa2n,
];
const BIT0_FACTOR = 0xfffcb933bd6fad37aa2d162d1a594001n;
const Q128 = 1n << 128n;
const MAX_UINT256 = (1n << 256n) - 1n;
const cache = new Map<number, bigint>();

/**
 * sqrt(1.0001^tick)·2^96 as TickMath computes it (Q128.128 product over the bits of |tick|, inverted for positive
 * ticks, rounded up to Q64.96), or the "T" revert beyond ±887272. No product wraps: every factor is below 2^128.
 */
export function getSqrtRatioAtTick(tick: number): EvmOutcome<bigint> {
  if (!Number.isInteger(tick) || tick < MIN_TICK || tick > MAX_TICK) return failure('T');
  return success(sqrtRatioAtValidTick(tick));
}

/** The same for a tick known to be in range; memoised, since TWAP ticks repeat across positions and blocks. */
export function sqrtRatioAtValidTick(tick: number): bigint {
  const cached = cache.get(tick);
  if (cached !== undefined) return cached;
  const absTick = Math.abs(tick);
  let ratio = (absTick & 1) !== 0 ? BIT0_FACTOR : Q128;
  for (let k = 1; k < 20; k++) {
    if ((absTick & (1 << k)) !== 0) ratio = (ratio * BIT_FACTORS[k - 1]!) >> 128n;
  }
  if (tick > 0) ratio = MAX_UINT256 / ratio;
  const sqrt = (ratio >> 32n) + ((ratio & 0xffffffffn) === 0n ? 0n : 1n);
  if (cache.size < 1 << 16) cache.set(tick, sqrt);
  return sqrt;
}
