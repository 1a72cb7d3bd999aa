import { describe, expect, it } from 'vitest';
import { GasLedger } from './GasLedger.js';

describe('GasLedger', () => {
  it('counts gas per position and calls it wasted until a completion of ours lands', () => {
    const ledger = new GasLedger();
    ledger.record(1n, 'freeze', 'included', 100n);
    ledger.record(2n, 'freeze', 'included', 50n);
    expect(ledger.wastedWei).toBe(150n);
    ledger.record(1n, 'complete', 'included', 300n);
    expect(ledger.spend(1n)).toEqual({ gasSpentWei: 400n, freezesLanded: 1, rewarded: true });
    expect(ledger.wastedWei).toBe(50n);
    ledger.record(2n, 'refreeze', 'included', 60n);
    ledger.record(2n, 'complete', 'reverted', 20n);
    expect(ledger.spend(2n)).toEqual({ gasSpentWei: 130n, freezesLanded: 2, rewarded: false });
    expect(ledger.wastedWei).toBe(130n);
    // Gas after the reward (a cancellation) is not waste of an unrewarded position.
    ledger.record(1n, 'complete', 'cancelled', 7n);
    expect(ledger.wastedWei).toBe(130n);
    expect(ledger.spend(3n)).toBeUndefined();
  });
});
