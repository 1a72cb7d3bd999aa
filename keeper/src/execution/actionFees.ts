const BPS = 10_000n;

/** The operator's fee rules, in wei per gas. */
export interface FeePolicy {
  /** Share of the call's expected profit bid as priority fee (basis points). */
  profitShareBps: bigint;
  minPriorityFeePerGasWei: bigint;
  maxGasPriceWei: bigint;
  /** Max fee = multiplier × next base fee + priority: still valid if the base fee rises before it lands. */
  baseFeeMultiplier: bigint;
}

export type ActionFees =
  { ok: true; maxFeePerGasWei: bigint; maxPriorityFeePerGasWei: bigint } | { ok: false; reason: string };

/**
 * EIP-1559 fees for one liquidation call. The priority fee is the builder's share of what the call is worth
 * (profit per gas × share), never below the floor, and squeezed under the max gas price together with the
 * base fee. A block whose base fee leaves no room for the floor gets no call: paying more than the operator's
 * ceiling is never the keeper's decision.
 */
export function actionFees(
  call: { nextBaseFeePerGasWei: bigint; expectedProfitWei: bigint; gasUnits: bigint },
  policy: FeePolicy,
): ActionFees {
  const { nextBaseFeePerGasWei: baseFee, expectedProfitWei, gasUnits } = call;
  const { minPriorityFeePerGasWei: floor, maxGasPriceWei: ceiling } = policy;
  if (gasUnits <= 0n) throw new RangeError(`gas units must be positive, got ${gasUnits}`);
  if (baseFee + floor > ceiling) {
    return {
      ok: false,
      reason: `next base fee ${baseFee} + minimum priority fee ${floor} wei exceeds the max gas price ${ceiling} wei`,
    };
  }
  const bid = expectedProfitWei > 0n ? (expectedProfitWei * policy.profitShareBps) / BPS / gasUnits : 0n;
  const priority = min(bid > floor ? bid : floor, ceiling - baseFee);
  const maxFee = min(baseFee * policy.baseFeeMultiplier + priority, ceiling);
  return { ok: true, maxFeePerGasWei: maxFee, maxPriorityFeePerGasWei: priority };
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
