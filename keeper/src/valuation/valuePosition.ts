import type { OrderState, PositionState, PositionValuation } from '../model/types.js';
import { debtLine, debtOnLine, type DebtModel } from './DebtLine.js';
import { liquidationTime } from './liquidationTime.js';
import type { OracleModel } from './OracleModel.js';
import type { PoolIndex } from './PoolIndex.js';
import { wrapUint } from './wrapUint.js';

/**
 * One position as `getPositionStatus` would see it at `timestampSec`: value = balances[0] + Σ quote(assets[0],
 * assets[i], balances[i]) (wrapping sum, first revert wins, in the contract's order), debt by the module's
 * generation, liquidatable ⇔ value < debt, and the first second from then on at which it is (prices held).
 * `model` null (an oracle valued on chain) gives `unvalued`.
 */
export function valuePosition(
  position: PositionState,
  order: OrderState,
  model: OracleModel | null,
  pools: PoolIndex,
  timestampSec: bigint,
  debtModel: DebtModel = 'gen1',
): PositionValuation {
  if (!model) return { kind: 'unvalued', reason: `oracle ${order.oracle} is valued on chain` };
  if (model.address !== order.oracle.toLowerCase()) {
    return { kind: 'unvalued', reason: `model for ${model.address} given for oracle ${order.oracle}` };
  }
  const { assets, balances } = position;
  const base = assets[0];
  if (base === undefined) return { kind: 'unvalued', reason: 'position has no assets' };
  let value = balances[0] ?? 0n;
  for (let i = 1; i < assets.length; i++) {
    const quote = model.quote(pools, base, assets[i]!, balances[i] ?? 0n, timestampSec);
    if (!quote.ok) return { kind: 'reverts', reason: `getAmountOut(${base}, ${assets[i]}): ${quote.revert}` };
    value = wrapUint(value + quote.amount);
  }
  const line = debtLine(debtModel, position.initialBalance, position.interest, position.createdAtSec);
  const debt = debtOnLine(line, timestampSec);
  return {
    kind: 'valued',
    debt,
    value,
    liquidatable: value < debt,
    liquidatableAtSec: liquidationTime(line, value, timestampSec),
  };
}
