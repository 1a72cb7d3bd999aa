import { describe, expect, it } from 'vitest';
import { defaultGasTable } from './defaultGasTable.js';
import { gasFor } from './gasFor.js';

describe('defaultGasTable', () => {
  it('holds the gas measured on the real gen-1 contracts', () => {
    expect(defaultGasTable.freeze).toEqual([90_105n, 145_438n, 176_827n, 207_758n, 238_899n]);
    expect(defaultGasTable.complete).toEqual([89_873n, 348_086n, 383_596n, 588_656n, 618_048n]);
  });

  it('starts the re-freeze at the measured 111,516 and grows it like the freeze', () => {
    expect(defaultGasTable.refreeze).toEqual([111_516n, 166_849n, 198_238n, 229_169n, 260_310n]);
  });
});

describe('gasFor', () => {
  const cases: Array<[name: string, table: readonly [bigint, ...bigint[]], count: number, gas: bigint]> = [
    ['freeze, base only', defaultGasTable.freeze, 0, 90_105n],
    ['freeze, 1', defaultGasTable.freeze, 1, 145_438n],
    ['freeze, 2', defaultGasTable.freeze, 2, 176_827n],
    ['freeze, 3', defaultGasTable.freeze, 3, 207_758n],
    ['freeze, 4', defaultGasTable.freeze, 4, 238_899n],
    // (238,899 − 90,105) / 4 = 37,198.5 → 37,199 per asset
    ['freeze, 5 extrapolated', defaultGasTable.freeze, 5, 276_098n],
    ['freeze, 8 extrapolated', defaultGasTable.freeze, 8, 387_695n],
    ['complete, base only', defaultGasTable.complete, 0, 89_873n],
    ['complete, 1', defaultGasTable.complete, 1, 348_086n],
    ['complete, 2', defaultGasTable.complete, 2, 383_596n],
    ['complete, 3', defaultGasTable.complete, 3, 588_656n],
    ['complete, 4', defaultGasTable.complete, 4, 618_048n],
    // (618,048 − 89,873) / 4 = 132,043.75 → 132,044: not the last pair's 29,392
    ['complete, 5 extrapolated', defaultGasTable.complete, 5, 750_092n],
    ['complete, 6 extrapolated', defaultGasTable.complete, 6, 882_136n],
    ['refreeze, base only', defaultGasTable.refreeze, 0, 111_516n],
    ['refreeze, 5 extrapolated', defaultGasTable.refreeze, 5, 297_509n],
    ['exact slope needs no rounding', [10n, 20n, 30n], 5, 60n],
    ['one entry is flat', [50_000n], 9, 50_000n],
    ['a falling table is extended flat', [300n, 200n], 4, 200n],
    ['a flat table stays flat', [300n, 300n], 4, 300n],
    ['negative count reads as base only', defaultGasTable.freeze, -1, 90_105n],
    ['fractional count is truncated', defaultGasTable.freeze, 1.9, 145_438n],
  ];

  it.each(cases)('%s', (_name, table, count, gas) => {
    expect(gasFor(table, count)).toBe(gas);
  });
});
