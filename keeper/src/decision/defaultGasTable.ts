import type { GasTable } from './types.js';

const freeze = [90_105n, 145_438n, 176_827n, 207_758n, 238_899n] as const;

/** The measured re-freeze figure; which asset count it was measured at is not recorded. */
const measuredRefreeze = 111_516n;

/**
 * Gas measured on the real gen-1 contracts (optimizer runs 200), by number of non-base assets. Only one
 * re-freeze figure was measured: it is taken as the base-only cost and grows like the freeze (a re-freeze
 * values the position the same way), which over-estimates if it was measured with more assets — the safe side.
 */
export const defaultGasTable: GasTable = {
  freeze,
  complete: [89_873n, 348_086n, 383_596n, 588_656n, 618_048n],
  refreeze: [measuredRefreeze, ...freeze.slice(1).map((gas) => measuredRefreeze + gas - freeze[0])],
};
