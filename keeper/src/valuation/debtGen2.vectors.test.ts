import { describe, expect, it } from 'vitest';
import { readDebtGen2Vectors } from '../../../test/support/goldenVectors.js';
import { debtLine, debtOnLine } from './DebtLine.js';
import { debtGen2 } from './debtGen2.js';
import { INVALID_OPCODE, subjectToLiquidationExtendedGen2 } from './subjectToLiquidationExtendedGen2.js';

const vectors = readDebtGen2Vectors();
const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
let checked = 0;
let reverts = 0;

describe('MarginModule 2090499 debt and liquidation views against the real contract', () => {
  it('reads a non-empty vector file whose count matches its cases', () => {
    expect(vectors.cases.length).toBeGreaterThan(0);
    expect(vectors.cases.length).toBe(vectors.meta.count);
  });

  it.each(vectors.cases.map((c) => [c.id, c.positionId, c] as const))(
    'case %i (position %i)',
    (_id, _position, c) => {
      const ib = BigInt(c.initialBalance);
      const r = BigInt(c.interest);
      const createdAt = BigInt(c.createdAt);
      const t = BigInt(c.timestamp);
      const value = BigInt(c.value);
      expect(BigInt(c.elapsed)).toBe(t - createdAt);
      expect(debtGen2(ib, r, createdAt, t)).toBe(BigInt(c.expected));
      expect(debtOnLine(debtLine('gen2', ib, r, createdAt), t)).toBe(BigInt(c.expected));
      expect(BigInt(c.expected) > value).toBe(c.subjectToLiquidation);

      const view = subjectToLiquidationExtendedGen2(ib, r, createdAt, t, value);
      const golden = c.subjectToLiquidationExtended;
      if ('revert' in golden) {
        reverts++;
        // Empty revert data, and the node names the opcode: the division by zero, not a require.
        expect(golden.revert).toBe('revert (no data)');
        expect(golden.rpcMessage).toMatch(/InvalidFEOpcode/);
        expect(view).toEqual({ ok: false, reason: INVALID_OPCODE });
      } else {
        expect(view.ok).toBe(true);
        if (!view.ok) return;
        expect(view.value.liquidatable).toBe(golden.liquidatable);
        expect(view.value.insolvencyExpectedTime).toBe(BigInt(golden.insolvencyExpectedTime));
        // The golden positions are open and were never frozen.
        expect([golden.liquidator, golden.frozenTimestamp, golden.liquidated]).toEqual([
          ZERO_ADDRESS,
          '0',
          false,
        ]);
      }
      checked++;
    },
  );

  it('checked every case, the INVALID-opcode ones included', () => {
    console.log(
      `debt-gen2: ${checked}/${vectors.cases.length} cases, ${reverts} subjectToLiquidationExtended reverts`,
    );
    expect(checked).toBe(vectors.cases.length);
  });
});
