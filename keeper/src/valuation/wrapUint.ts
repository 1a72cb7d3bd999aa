/** 2^256: Solidity 0.7.6 arithmetic is unchecked, so every product and sum the contracts compute lives modulo this. */
export const UINT256_MODULUS = 1n << 256n;

/** 2^bits, with the contracts' word size precomputed: hot paths ask for it on every call. */
export function wordModulus(bits: number): bigint {
  return bits === 256 ? UINT256_MODULUS : 1n << BigInt(bits);
}

/**
 * x modulo 2^bits (non-negative), as an unchecked Solidity operation leaves it. `bits` is 256 for the contracts;
 * the exact-search algorithms also run on tiny word sizes so that tests can compare them with brute force.
 */
export function wrapUint(x: bigint, bits = 256): bigint {
  return BigInt.asUintN(bits, x);
}
