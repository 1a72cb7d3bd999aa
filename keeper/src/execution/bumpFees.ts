const BPS = 10_000n;

export interface Eip1559Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * Fees for a replacement of a pending transaction (same nonce): both raised by `bumpBps`, rounded up and by at
 * least 1 wei, because nodes refuse a replacement that does not raise both (geth: by 10 %). The max fee stops
 * at the ceiling; when that leaves less than the required raise, there is no valid replacement: null.
 */
export function bumpFees(previous: Eip1559Fees, bumpBps: bigint, maxGasPriceWei: bigint): Eip1559Fees | null {
  const raise = (fee: bigint): bigint => {
    const raised = (fee * (BPS + bumpBps) + BPS - 1n) / BPS;
    return raised > fee ? raised : fee + 1n;
  };
  const maxFeePerGas = raise(previous.maxFeePerGas);
  const maxPriorityFeePerGas = raise(previous.maxPriorityFeePerGas);
  if (maxFeePerGas > maxGasPriceWei || maxPriorityFeePerGas > maxFeePerGas) return null;
  return { maxFeePerGas, maxPriorityFeePerGas };
}
