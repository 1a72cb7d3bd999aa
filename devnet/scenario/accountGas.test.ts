import { describe, expect, it } from 'vitest';
import { accountGas, type PaidTx } from './accountGas.js';

const tx = (costWei: bigint, froze: bigint[] = [], completed: bigint[] = [], reverted = false): PaidTx => ({
  blockNumber: 0,
  costWei,
  froze,
  completed,
  reverted,
});

describe('accountGas', () => {
  it('a freeze followed by our completion earns, and so does the completion', () => {
    expect(accountGas([tx(100n, [1n]), tx(300n, [], [1n])])).toEqual({
      spentWei: 400n,
      lostWei: 0n,
      wastedWei: 0n,
    });
  });

  it('a freeze we never complete is wasted', () => {
    expect(accountGas([tx(100n, [1n])]).wastedWei).toBe(100n);
  });

  it('a completion before our freeze does not make that freeze earn', () => {
    expect(accountGas([tx(300n, [], [1n]), tx(100n, [1n])]).wastedWei).toBe(100n);
  });

  it('every re-freeze before the last one is wasted', () => {
    const account = accountGas([tx(100n, [1n]), tx(110n, [1n]), tx(120n, [1n]), tx(300n, [], [1n])]);
    expect(account).toEqual({ spentWei: 630n, lostWei: 0n, wastedWei: 210n });
  });

  it('a revert is lost and wasted, and does not count as a completion', () => {
    const account = accountGas([tx(100n, [1n]), tx(50n, [], [1n], true)]);
    expect(account).toEqual({ spentWei: 150n, lostWei: 50n, wastedWei: 150n });
  });

  it('a transaction with several actions is split between them, the remainder wasted', () => {
    // Freezes 1 and 2 in one transaction; only 1 is completed later.
    const account = accountGas([tx(101n, [1n, 2n]), tx(300n, [], [1n])]);
    expect(account.wastedWei).toBe(51n);
    expect(account.spentWei).toBe(401n);
  });

  it('a transaction with no liquidation action is wasted', () => {
    expect(accountGas([tx(21n)]).wastedWei).toBe(21n);
  });
});
