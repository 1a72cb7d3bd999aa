import { log } from '@graphprotocol/graph-ts';
import {
  Liquidation,
  PositionClosed,
  PositionFrozen,
  PositionLiquidated,
} from '../../generated/MarginModule/MarginModule';
import { Order } from '../../generated/schema';
import { recordClose, recordFreeze, recordLiquidation } from '../entities/history';
import { loadOrderOf, syncOrderBalanceFromChain } from '../entities/order';
import { closePosition, freezePosition, loadPosition } from '../entities/position';
import { syncPositionFromChain } from '../entities/positionAssets';

// Covers a first freeze and a re-freeze after the hour ran out: both overwrite frozenTime and liquidator.
export function handlePositionFrozen(event: PositionFrozen): void {
  const position = loadPosition(event.params.positionId, 'PositionFrozen');
  if (position == null) return;
  recordFreeze(event, position, event.params.liquidator, event.params.timestamp);
  freezePosition(position, event.params.liquidator, event.params.timestamp);
  position.save();
}

// The swaps before Liquidation arrive as MarginSwap/AssetRemoved; the base payback is silent, so the
// position's arrays and the order's balance are read back (end-of-block state, see README).
export function handleLiquidation(event: Liquidation): void {
  const position = loadPosition(event.params.positionId, 'Liquidation');
  if (position == null) return;
  const order = Order.load(event.params.orderId.toString());
  if (order == null) log.warning('Liquidation: order {} unknown', [event.params.orderId.toString()]);
  recordLiquidation(
    event,
    position,
    order,
    event.params.orderId,
    event.params.liquidator,
    event.params.feeReceiver,
  );
  closePosition(position, order, event.params.liquidator, event.params.feeReceiver, event.block);
  syncPositionFromChain(position, event.address, event.block.number);
  position.save();
  if (order == null) return;
  syncOrderBalanceFromChain(order, event.address, event.block.number);
  order.save();
}

export function handlePositionClosed(event: PositionClosed): void {
  const position = loadPosition(event.params.positionId, 'PositionClosed');
  if (position == null) return;
  const order = loadOrderOf(position, 'PositionClosed');
  recordClose(event, position, order, event.params.closedBy);
  closePosition(position, order, event.params.closedBy, null, event.block);
  syncPositionFromChain(position, event.address, event.block.number);
  position.save();
  if (order == null) return;
  syncOrderBalanceFromChain(order, event.address, event.block.number);
  order.save();
}

// Declared by the contract but never emitted; seeing one means a contract this subgraph does not model.
export function handlePositionLiquidated(event: PositionLiquidated): void {
  log.warning('PositionLiquidated for position {} ignored: the modelled contracts never emit it', [
    event.params.positionId.toString(),
  ]);
}
