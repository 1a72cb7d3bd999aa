/**
 * The least x ≥ 0 with lo ≤ (a·x mod m) ≤ hi, or null when no x has it. Requires m > 0, a ≥ 0 and
 * 0 ≤ lo ≤ hi < m.
 *
 * Why it works: a·x mod m = a·x − m·k for some k ≥ 0, and the least x grows with the least k that admits one,
 * so it suffices to find the least k for which [lo + m·k, hi + m·k] holds a multiple of a. When k = 0 fails,
 * [lo, hi] holds no multiple of a, so the condition on k is itself "(m mod a)·k mod a lies in
 * [a − hi mod a, a − lo mod a]" — the same problem on (m mod a, a), Euclid's step. Depth is logarithmic in m
 * (about 370 levels at most for m = 2^256), which is what lets the keeper find the first liquidatable second
 * even when the contract's products wrap around 2^256 many times.
 */
export function firstResidueInRange(a: bigint, m: bigint, lo: bigint, hi: bigint): bigint | null {
  const step = a % m;
  if (lo === 0n) return 0n;
  if (step === 0n) return null;
  const x = (lo + step - 1n) / step;
  if (step * x <= hi) return x;
  const k = firstResidueInRange(m % step, step, step - (hi % step), step - (lo % step));
  if (k === null) return null;
  return (lo + m * k + step - 1n) / step;
}
