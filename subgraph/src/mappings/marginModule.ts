// A data source has one mapping file; the handlers live in one file per aggregate.
export {
  handleOrderAliveStatus,
  handleOrderCollateralsSet,
  handleOrderCreated,
  handleOrderDeposit,
  handleOrderModified,
  handleOrderWithdraw,
  handleTokenlistAdded,
} from './orders';
export {
  handleAssetRemoved,
  handleInitialLeverage,
  handleMarginSwap,
  handleNewAsset,
  handlePositionDeposit,
  handlePositionOpened,
  handlePositionWithdrawal,
} from './positions';
export {
  handleLiquidation,
  handlePositionClosed,
  handlePositionFrozen,
  handlePositionLiquidated,
} from './liquidation';
