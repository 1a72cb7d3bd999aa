import type { GasTable } from './types.js';

/**
 * Gas floors for the gen-2 and gen-3 modules priced by a TWAP oracle, from the spec's measurement on the real
 * 2090499 module and 2d3ffd2 oracle over 128-slot rings (generations.md §2.5: freeze 234,847–289,782, completion
 * 501,925–1,122,960, re-freeze 164,163–310,470 for one to four assets), spread linearly between those ends by
 * non-base asset count; only the ends were published. These are floors and profit estimates: the limit a call is
 * sent with comes from `eth_estimateGas` at the executing block's timestamp, never from this table alone (the
 * oracle's `observe` work depends on each ring, so no table can be an upper bound).
 */
export const twapGasTable: GasTable = {
  freeze: [234_847n, 253_159n, 271_471n, 289_782n],
  complete: [501_925n, 708_937n, 915_949n, 1_122_960n],
  refreeze: [164_163n, 212_932n, 261_701n, 310_470n],
};
