import { describe, expect, it } from 'vitest';
import type { Address, PositionState } from '../model/types.js';
import { debtGen1 } from '../valuation/debtGen1.js';
import { debtGen2 } from '../valuation/debtGen2.js';
import { debtRulesFitting, refineByDebt, type ModuleProfile } from './probeModule.js';

const position = (initialBalance: bigint, interest: bigint): PositionState => ({
  positionId: 7n,
  orderId: 0n,
  owner: '0x00000000000000000000000000000000000000b0' as Address,
  createdAtSec: 1_000n,
  deadlineSec: 10n ** 12n,
  initialBalance,
  interest,
  open: true,
  frozenAtSec: 0n,
  frozenBy: '0x0000000000000000000000000000000000000000' as Address,
  assets: ['0x0000000000000000000000000000000000000001' as Address],
  balances: [1n],
});

const gen1: ModuleProfile = { generation: 1, priceOracle: null, debtModel: 'gen1', debtConfirmed: false };
const gen3: ModuleProfile = {
  generation: 3,
  priceOracle: '0x00000000000000000000000000000000000000cc' as Address,
  debtModel: 'gen2',
  debtConfirmed: false,
};
// ib = 3, r = 3333: gen 2 floors ib·r/10000 to 0 first, so its debt stays 3; gen 1's grows after two periods.
const telling = position(3n, 3333n);
const later = 1_000n + 3n * 2_592_000n;

describe('module generation from sampled debts', () => {
  it('knows which rules give a debt, and that equal debts tell nothing', () => {
    expect(debtGen1(3n, 3333n, 1_000n, later)).toBe(5n);
    expect(debtGen2(3n, 3333n, 1_000n, later)).toBe(3n);
    expect(debtRulesFitting(telling, later, 3n)).toEqual(['gen2']);
    expect(debtRulesFitting(telling, later, 5n)).toEqual(['gen1']);
    expect(debtRulesFitting(telling, 1_000n, 3n)).toEqual(['gen1', 'gen2']);
    expect(debtRulesFitting(telling, later, 4n)).toEqual([]);
  });

  it('a module without priceOracle whose debt only gen 2 gives is the 2090499 module', () => {
    const verdict = refineByDebt(gen1, telling, later, 3n);
    expect(verdict).toMatchObject({
      kind: 'switched',
      profile: { generation: 2, debtModel: 'gen2', debtConfirmed: true },
    });
  });

  it('an uninformative sample agrees without confirming; an informative one confirms', () => {
    expect(refineByDebt(gen3, telling, 1_000n, 3n)).toEqual({ kind: 'agrees', profile: gen3 });
    expect(refineByDebt(gen3, telling, later, 3n)).toEqual({
      kind: 'agrees',
      profile: { ...gen3, debtConfirmed: true },
    });
  });

  it('gen 3 keeps generation 3 whichever debt rule it turns out to use', () => {
    expect(refineByDebt(gen3, telling, later, 5n)).toMatchObject({
      kind: 'switched',
      profile: { generation: 3, debtModel: 'gen1' },
    });
  });

  it('a debt no rule gives, or a flip after a confirmation, is an unknown module', () => {
    expect(refineByDebt(gen3, telling, later, 4n)).toMatchObject({
      kind: 'unknown',
      detail: expect.stringMatching(/fits neither debt rule/),
    });
    expect(refineByDebt({ ...gen3, debtConfirmed: true }, telling, later, 5n)).toMatchObject({
      kind: 'unknown',
      detail: expect.stringMatching(/only gen1, after gen2 was confirmed/),
    });
  });
});
