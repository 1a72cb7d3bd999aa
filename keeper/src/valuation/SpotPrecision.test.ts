import { describe, expect, it } from 'vitest';
import { REVERTED } from './QuoteResult.js';
import { spotAmountOut } from './spotAmountOut.js';
import { droppedDigits, spotPrecision } from './SpotPrecision.js';

const N = 1n << 256n;
const wrap = (x: bigint) => ((x % N) + N) % N;

/** Oracle.sol's getAmountOut steps 2–4, statement by statement (the loop included), as the reference. */
function literal(priceX192: bigint, inverse: boolean, amount: bigint, decimals: bigint): bigint {
  let limit = 1n;
  for (let i = 0n; i < decimals; i++) limit = wrap(limit * 10n);
  let quote: bigint;
  if (amount <= limit) {
    quote = wrap(priceX192 * amount) / 2n ** 192n;
  } else {
    let leading = amount;
    let dropped = 0n;
    while (leading > limit) {
      leading /= 10n;
      dropped++;
    }
    let scale = 1n;
    for (let i = 0n; i < dropped; i++) scale = wrap(scale * 10n);
    quote = wrap((wrap(priceX192 * leading) / 2n ** 192n) * scale);
  }
  if (!inverse) return quote;
  if (quote === 0n) return REVERTED;
  return wrap(amount * amount) / quote;
}

function lcg(seed: bigint) {
  let state = seed;
  return (bits: number) => {
    let out = 0n;
    for (let i = 0; i < Math.ceil(bits / 64); i++) {
      state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      out = (out << 64n) | (state >> 4n);
    }
    return out & ((1n << BigInt(bits)) - 1n);
  };
}

describe('droppedDigits counts the contract loop’s divisions', () => {
  const decimalsList = [0n, 1n, 5n, 6n, 18n, 76n, 77n, 78n, 255n, 256n, 300n];
  const amounts = [
    0n,
    1n,
    2n,
    9n,
    10n,
    11n,
    99_999n,
    100_000n,
    100_001n,
    999_999n,
    1_000_000n,
    10n ** 18n,
    10n ** 30n - 1n,
    10n ** 77n,
    N - 1n,
  ];
  const cases = decimalsList.flatMap((d) => amounts.map((a) => [d, a] as const));
  it.each(cases)('decimals %s, amount %s', (decimals, amount) => {
    let limit = 1n;
    for (let i = 0n; i < decimals; i++) limit = wrap(limit * 10n);
    let leading = amount;
    let dropped = 0;
    while (leading > limit) {
      leading /= 10n;
      dropped++;
    }
    expect(droppedDigits(spotPrecision(decimals), amount)).toBe(dropped);
  });
});

describe('spotAmountOut equals the statement-by-statement reference', () => {
  const random = lcg(2023n);
  const sizes = [1, 8, 17, 40, 64, 96, 128, 160, 192, 230, 256];
  const cases = Array.from({ length: 500 }, (_, i) => {
    // sqrtPriceX96 is a uint160: squares from tiny to wrapping past 2^256.
    const sqrt = random(Math.min(160, sizes[i % sizes.length]!));
    const price = wrap(sqrt * sqrt);
    const amount = random(sizes[(i * 7 + 3) % sizes.length]!);
    const decimals = [0n, 3n, 5n, 5n, 5n, 9n, 18n, 80n][i % 8]!;
    return [i, price, i % 2 === 0, amount, decimals] as const;
  });
  it.each(cases)('case %i', (_i, price, inverse, amount, decimals) => {
    expect(spotAmountOut(price, inverse, amount, spotPrecision(decimals))).toBe(
      literal(price, inverse, amount, decimals),
    );
  });
});
