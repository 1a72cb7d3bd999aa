import { Address, BigInt, Bytes, ethereum } from '@graphprotocol/graph-ts';
import { Freeze, Liquidation, MarginSwapEvent, Order, Position, PositionClose } from '../../generated/schema';
import { eventId } from '../utils/ids';

export function recordFreeze(
  event: ethereum.Event,
  position: Position,
  liquidator: Address,
  frozenAt: BigInt,
): void {
  const freeze = new Freeze(eventId(event));
  freeze.position = position.id;
  freeze.liquidator = liquidator;
  freeze.frozenAt = frozenAt;
  // Read before freezePosition overwrites them.
  freeze.refreeze = !position.frozenAt.isZero();
  if (freeze.refreeze) freeze.previousLiquidator = position.frozenBy;
  freeze.blockNumber = event.block.number;
  freeze.timestamp = event.block.timestamp;
  freeze.txHash = event.transaction.hash;
  freeze.save();
}

// Reads the freeze and the order's reward terms as they are before the position is closed.
export function recordLiquidation(
  event: ethereum.Event,
  position: Position,
  order: Order | null,
  orderId: BigInt,
  liquidator: Address,
  feeReceiver: Address,
): void {
  const liquidation = new Liquidation(eventId(event));
  liquidation.position = position.id;
  if (order !== null) {
    liquidation.order = orderId.toString();
    liquidation.rewardAmount = order.liquidationRewardAmount;
    liquidation.rewardAsset = order.liquidationRewardAsset;
  }
  liquidation.liquidator = liquidator;
  liquidation.feeReceiver = feeReceiver;
  liquidation.frozenBy = position.frozenBy;
  liquidation.frozenAt = position.frozenAt;
  liquidation.blockNumber = event.block.number;
  liquidation.timestamp = event.block.timestamp;
  liquidation.txHash = event.transaction.hash;
  liquidation.save();
}

export function recordClose(
  event: ethereum.Event,
  position: Position,
  order: Order | null,
  closedBy: Address,
): void {
  const close = new PositionClose(eventId(event));
  close.position = position.id;
  if (order !== null) {
    close.order = order.id;
    close.rewardAmount = order.liquidationRewardAmount;
    close.rewardAsset = order.liquidationRewardAsset;
  }
  close.closedBy = closedBy;
  close.blockNumber = event.block.number;
  close.timestamp = event.block.timestamp;
  close.txHash = event.transaction.hash;
  close.save();
}

export function recordMarginSwap(
  event: ethereum.Event,
  positionId: string,
  assetIn: Bytes,
  assetOut: Bytes,
  amountIn: BigInt,
  amountOut: BigInt,
): void {
  const swap = new MarginSwapEvent(eventId(event));
  swap.position = positionId;
  swap.assetIn = assetIn;
  swap.assetOut = assetOut;
  swap.amountIn = amountIn;
  swap.amountOut = amountOut;
  swap.blockNumber = event.block.number;
  swap.timestamp = event.block.timestamp;
  swap.txHash = event.transaction.hash;
  swap.save();
}
