import { Position } from '../../generated/schema';
import {
  AssetRemoved,
  InitialLeverage,
  MarginSwap,
  NewAsset,
  PositionDeposit,
  PositionOpened,
  PositionWithdrawal,
} from '../../generated/MarginModule/MarginModule';
import { recordMarginSwap } from '../entities/history';
import { loadOrderOf, registerOpenedPosition } from '../entities/order';
import { loadPosition, openPosition } from '../entities/position';
import {
  appendAsset,
  creditAsset,
  debitOrSettle,
  indexOfAsset,
  removeAsset,
  repairPosition,
  syncedInBlock,
} from '../entities/positionAssets';

export function handlePositionOpened(event: PositionOpened): void {
  const reused = Position.load(event.params.positionId.toString()) != null;
  const position = openPosition(event);
  if (reused) {
    repairPosition(position, event.address, event.block.number, 'PositionOpened for an existing id');
  }
  const order = loadOrderOf(position, 'PositionOpened');
  if (order != null) {
    registerOpenedPosition(order, event.params.loanAmount, event.address, event.block.number);
    order.save();
  }
  position.save();
}

export function handleInitialLeverage(event: InitialLeverage): void {
  const position = loadPosition(event.params.positionId, 'InitialLeverage');
  if (position == null) return;
  position.initialLeverage = event.params.leverage;
  position.save();
}

// takeLoan emits NewAsset before PositionOpened (no position yet) and again after it (asset present):
// both are no-ops. Only an asset new to an open position gets a slot, credited by the next event.
export function handleNewAsset(event: NewAsset): void {
  const position = Position.load(event.params.positionId.toString());
  if (position == null) return;
  if (syncedInBlock(position, event.block.number)) return;
  if (indexOfAsset(position, event.params.asset) >= 0) return;
  appendAsset(position, event.params.asset);
  position.save();
}

export function handlePositionDeposit(event: PositionDeposit): void {
  const position = loadPosition(event.params.positionId, 'PositionDeposit');
  if (position == null) return;
  if (syncedInBlock(position, event.block.number)) return;
  if (!creditAsset(position, event.params.asset, event.params.amount)) {
    repairPosition(position, event.address, event.block.number, 'deposit of an asset with no slot');
  }
  position.save();
}

export function handleMarginSwap(event: MarginSwap): void {
  const p = event.params;
  recordMarginSwap(event, p.positionId.toString(), p.assetIn, p.assetOut, p.amountIn, p.amountOut);
  const position = loadPosition(p.positionId, 'MarginSwap');
  if (position == null) return;
  if (syncedInBlock(position, event.block.number)) return;
  const consistent =
    creditAsset(position, p.assetOut, p.amountOut) &&
    debitOrSettle(position, p.assetIn, p.amountIn, event.transaction.hash);
  if (!consistent) {
    repairPosition(position, event.address, event.block.number, 'swap does not match the balances');
  }
  position.save();
}

export function handleAssetRemoved(event: AssetRemoved): void {
  const position = loadPosition(event.params.positionId, 'AssetRemoved');
  if (position == null) return;
  if (syncedInBlock(position, event.block.number)) return;
  if (!removeAsset(position, event.params.asset, event.transaction.hash)) {
    repairPosition(position, event.address, event.block.number, 'AssetRemoved does not match the assets');
  }
  position.save();
}

// Only after close, and it always empties the slot, so the AssetRemoved just before it did the work.
export function handlePositionWithdrawal(event: PositionWithdrawal): void {
  const position = loadPosition(event.params.positionId, 'PositionWithdrawal');
  if (position == null) return;
  if (syncedInBlock(position, event.block.number)) return;
  if (!debitOrSettle(position, event.params.asset, event.params.quantity, event.transaction.hash)) {
    repairPosition(position, event.address, event.block.number, 'withdrawal does not match the balances');
  }
  position.save();
}
