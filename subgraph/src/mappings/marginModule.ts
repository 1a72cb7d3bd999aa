// A data source has one mapping file; the handlers live in one file per aggregate. Each entry point first
// makes sure the module itself is recorded, whichever of its events comes first.
import {
  AssetRemoved,
  InitialLeverage,
  Liquidation,
  MarginSwap,
  NewAsset,
  OrderAliveStatus,
  OrderCollateralsSet,
  OrderCreated,
  OrderDeposit,
  OrderModified,
  OrderWithdraw,
  PositionClosed,
  PositionDeposit,
  PositionFrozen,
  PositionLiquidated,
  PositionOpened,
  PositionWithdrawal,
  TokenlistAdded,
} from '../../generated/MarginModule/MarginModule';
import { ensureMarginModule } from '../entities/marginModule';
import {
  handleOrderAliveStatus as onOrderAliveStatus,
  handleOrderCollateralsSet as onOrderCollateralsSet,
  handleOrderCreated as onOrderCreated,
  handleOrderDeposit as onOrderDeposit,
  handleOrderModified as onOrderModified,
  handleOrderWithdraw as onOrderWithdraw,
  handleTokenlistAdded as onTokenlistAdded,
} from './orders';
import {
  handleAssetRemoved as onAssetRemoved,
  handleInitialLeverage as onInitialLeverage,
  handleMarginSwap as onMarginSwap,
  handleNewAsset as onNewAsset,
  handlePositionDeposit as onPositionDeposit,
  handlePositionOpened as onPositionOpened,
  handlePositionWithdrawal as onPositionWithdrawal,
} from './positions';
import {
  handleLiquidation as onLiquidation,
  handlePositionClosed as onPositionClosed,
  handlePositionFrozen as onPositionFrozen,
  handlePositionLiquidated as onPositionLiquidated,
} from './liquidation';

export function handleOrderAliveStatus(event: OrderAliveStatus): void {
  ensureMarginModule(event);
  onOrderAliveStatus(event);
}

export function handleOrderCollateralsSet(event: OrderCollateralsSet): void {
  ensureMarginModule(event);
  onOrderCollateralsSet(event);
}

export function handleOrderCreated(event: OrderCreated): void {
  ensureMarginModule(event);
  onOrderCreated(event);
}

export function handleOrderDeposit(event: OrderDeposit): void {
  ensureMarginModule(event);
  onOrderDeposit(event);
}

export function handleOrderModified(event: OrderModified): void {
  ensureMarginModule(event);
  onOrderModified(event);
}

export function handleOrderWithdraw(event: OrderWithdraw): void {
  ensureMarginModule(event);
  onOrderWithdraw(event);
}

export function handleTokenlistAdded(event: TokenlistAdded): void {
  ensureMarginModule(event);
  onTokenlistAdded(event);
}

export function handleAssetRemoved(event: AssetRemoved): void {
  ensureMarginModule(event);
  onAssetRemoved(event);
}

export function handleInitialLeverage(event: InitialLeverage): void {
  ensureMarginModule(event);
  onInitialLeverage(event);
}

export function handleMarginSwap(event: MarginSwap): void {
  ensureMarginModule(event);
  onMarginSwap(event);
}

export function handleNewAsset(event: NewAsset): void {
  ensureMarginModule(event);
  onNewAsset(event);
}

export function handlePositionDeposit(event: PositionDeposit): void {
  ensureMarginModule(event);
  onPositionDeposit(event);
}

export function handlePositionOpened(event: PositionOpened): void {
  ensureMarginModule(event);
  onPositionOpened(event);
}

export function handlePositionWithdrawal(event: PositionWithdrawal): void {
  ensureMarginModule(event);
  onPositionWithdrawal(event);
}

export function handleLiquidation(event: Liquidation): void {
  ensureMarginModule(event);
  onLiquidation(event);
}

export function handlePositionClosed(event: PositionClosed): void {
  ensureMarginModule(event);
  onPositionClosed(event);
}

export function handlePositionFrozen(event: PositionFrozen): void {
  ensureMarginModule(event);
  onPositionFrozen(event);
}

export function handlePositionLiquidated(event: PositionLiquidated): void {
  ensureMarginModule(event);
  onPositionLiquidated(event);
}
