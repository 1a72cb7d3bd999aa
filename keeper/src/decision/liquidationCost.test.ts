import { describe, expect, it } from 'vitest';
import { defaultGasTable } from './defaultGasTable.js';
import { liquidationCost } from './liquidationCost.js';
import { flatFees, gwei } from './testFixtures.js';
import type { ActionKind, FeeForecasts } from './types.js';

describe('liquidationCost', () => {
  const perGas = 12n * gwei;
  const cases: Array<[kind: ActionKind, nonBase: number, gas: bigint, followUp: bigint]> = [
    ['freeze', 0, 90_105n, 89_873n],
    ['freeze', 1, 145_438n, 348_086n],
    ['freeze', 4, 238_899n, 618_048n],
    ['complete', 0, 89_873n, 0n],
    ['complete', 1, 348_086n, 0n],
    ['complete', 3, 588_656n, 0n],
    ['refreeze', 0, 111_516n, 89_873n],
    ['refreeze', 2, 198_238n, 383_596n],
  ];

  it.each(cases)('%s with %i non-base assets', (kind, nonBase, gas, followUp) => {
    expect(liquidationCost(kind, nonBase, defaultGasTable, flatFees)).toEqual({
      gasUnits: gas,
      followUpGasUnits: followUp,
      costWei: (gas + followUp) * perGas,
    });
  });

  it('prices the follow-up completion at the later block fees', () => {
    const fees: FeeForecasts = {
      nextBlock: { baseFeePerGasWei: 10n, priorityFeePerGasWei: 1n },
      laterBlock: { baseFeePerGasWei: 100n, priorityFeePerGasWei: 3n },
    };
    expect(liquidationCost('freeze', 1, defaultGasTable, fees).costWei).toBe(
      145_438n * 11n + 348_086n * 103n,
    );
    expect(liquidationCost('complete', 1, defaultGasTable, fees).costWei).toBe(348_086n * 11n);
  });

  const laterBaseFees: Array<[next: bigint, later: bigint]> = [
    [0n, 0n],
    [1n, 2n],
    [8n, 9n],
    [9n, 11n],
    [16n * gwei, 18n * gwei],
  ];
  it.each(laterBaseFees)('without a later forecast, base fee %s rises to at most %s', (next, later) => {
    const fees: FeeForecasts = { nextBlock: { baseFeePerGasWei: next, priorityFeePerGasWei: 5n } };
    expect(liquidationCost('freeze', 0, defaultGasTable, fees).costWei).toBe(
      90_105n * (next + 5n) + 89_873n * (later + 5n),
    );
  });

  it('uses an overriding gas table', () => {
    const table = { freeze: [1n, 2n], complete: [10n, 20n], refreeze: [100n] } as const;
    expect(liquidationCost('refreeze', 3, table, flatFees)).toEqual({
      gasUnits: 100n,
      followUpGasUnits: 40n,
      costWei: 140n * perGas,
    });
  });
});
