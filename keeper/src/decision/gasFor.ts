/**
 * Gas of one call for a position with `nonBaseAssets` non-base assets, from a table indexed by that count.
 * Past the table, the average slope from the first to the last entry, rounded up: gen-1 completion gas grows
 * in steps (only every other asset is sold), so the last pair's slope alone would under-estimate. A table
 * that does not rise is extended flat rather than towards zero.
 */
export function gasFor(table: readonly [bigint, ...bigint[]], nonBaseAssets: number): bigint {
  const count = Math.max(0, Math.trunc(nonBaseAssets));
  const known = table[count];
  if (known !== undefined) return known;
  const lastIndex = table.length - 1;
  const first = table[0];
  const last = table[lastIndex] ?? first;
  const rise = last - first;
  if (rise <= 0n) return last;
  const run = BigInt(lastIndex);
  const slope = (rise + run - 1n) / run;
  return last + slope * BigInt(count - lastIndex);
}
