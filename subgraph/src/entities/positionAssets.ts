import { Address, BigInt, Bytes, log, store } from '@graphprotocol/graph-ts';
import { MarginModule } from '../../generated/MarginModule/MarginModule';
import { PendingAssetRemoval, Position, PositionAsset } from '../../generated/schema';
import { ZERO_BI } from '../utils/constants';
import { wrapU256 } from '../utils/wrap';

// Position.assets/balances are the working copy (one load per event); PositionAsset slots mirror them
// for per-asset queries and are rewritten only where an index changed.

function slotId(position: Position, index: i32): string {
  return position.id + '-' + index.toString();
}

function writeSlot(position: Position, index: i32): void {
  const slot = new PositionAsset(slotId(position, index));
  slot.position = position.id;
  slot.index = index;
  slot.asset = position.assets[index];
  slot.balance = position.balances[index];
  slot.save();
}

export function setPositionArrays(position: Position, assets: Bytes[], balances: BigInt[]): void {
  const previousCount = position.assetCount;
  position.assets = assets;
  position.balances = balances;
  position.assetCount = assets.length;
  for (let i = 0; i < assets.length; i++) writeSlot(position, i);
  for (let i = assets.length; i < previousCount; i++) store.remove('PositionAsset', slotId(position, i));
}

export function indexOfAsset(position: Position, asset: Bytes): i32 {
  const assets = position.assets;
  for (let i = 0; i < assets.length; i++) {
    if (assets[i].equals(asset)) return i;
  }
  return -1;
}

export function syncedInBlock(position: Position, blockNumber: BigInt): boolean {
  const synced = position.syncedAtBlock;
  return synced !== null && synced.equals(blockNumber);
}

// NewAsset precedes the event carrying the amount, so the slot starts at 0 and is credited next.
export function appendAsset(position: Position, asset: Bytes): void {
  const assets = position.assets;
  const balances = position.balances;
  assets.push(asset);
  balances.push(ZERO_BI);
  position.assets = assets;
  position.balances = balances;
  position.assetCount = assets.length;
  writeSlot(position, assets.length - 1);
}

export function creditAsset(position: Position, asset: Bytes, amount: BigInt): boolean {
  const index = indexOfAsset(position, asset);
  if (index < 0) return false;
  const balances = position.balances;
  balances[index] = wrapU256(balances[index].plus(amount));
  position.balances = balances;
  writeSlot(position, index);
  return true;
}

// A debit that empties a slot always comes with AssetRemoved first, so reaching 0 here is an inconsistency.
function debitAsset(position: Position, asset: Bytes, amount: BigInt): boolean {
  const index = indexOfAsset(position, asset);
  if (index < 0) return false;
  const balances = position.balances;
  if (balances[index].le(amount)) return false;
  balances[index] = balances[index].minus(amount);
  position.balances = balances;
  writeSlot(position, index);
  return true;
}

// Contract removeAsset: index 0 (the base asset) stays at balance 0, any other slot is replaced by the last one.
function removeAssetAt(position: Position, index: i32): void {
  const assets = position.assets;
  const balances = position.balances;
  balances[index] = ZERO_BI;
  if (index > 0) {
    const last = assets.length - 1;
    assets[index] = assets[last];
    balances[index] = balances[last];
    assets.pop();
    balances.pop();
  }
  position.assets = assets;
  position.balances = balances;
  const removedSlot = assets.length;
  position.assetCount = removedSlot;
  if (index < removedSlot) writeSlot(position, index);
  if (index > 0) store.remove('PositionAsset', slotId(position, removedSlot));
}

// AssetRemoved is emitted inside reduceAsset, before the MarginSwap or PositionWithdrawal that carries
// the amount; the marker lets that event check its amount against the balance the slot held.
export function removeAsset(position: Position, asset: Bytes, txHash: Bytes): boolean {
  const index = indexOfAsset(position, asset);
  if (index < 0) return false;
  const existing = PendingAssetRemoval.load(position.id);
  if (existing != null) {
    log.warning('position {}: AssetRemoved {} arrived with an unsettled removal of {}', [
      position.id,
      asset.toHexString(),
      existing.asset.toHexString(),
    ]);
    return false;
  }
  const marker = new PendingAssetRemoval(position.id);
  marker.asset = asset;
  marker.balance = position.balances[index];
  marker.txHash = txHash;
  marker.save();
  removeAssetAt(position, index);
  return true;
}

const REMOVAL_NONE: i32 = 0;
const REMOVAL_SETTLED: i32 = 1;
const REMOVAL_MISMATCH: i32 = 2;

// SETTLED when the AssetRemoved just before this event already emptied the slot and the amounts agree.
function settleRemoval(position: Position, asset: Bytes, amount: BigInt, txHash: Bytes): i32 {
  const marker = PendingAssetRemoval.load(position.id);
  if (marker == null) return REMOVAL_NONE;
  store.remove('PendingAssetRemoval', position.id);
  const matches = marker.asset.equals(asset) && marker.txHash.equals(txHash) && marker.balance.equals(amount);
  return matches ? REMOVAL_SETTLED : REMOVAL_MISMATCH;
}

// MarginSwap's credit and debit, or PositionWithdrawal's debit (which always empties the slot).
export function debitOrSettle(position: Position, asset: Bytes, amount: BigInt, txHash: Bytes): boolean {
  const removal = settleRemoval(position, asset, amount, txHash);
  if (removal == REMOVAL_SETTLED) return true;
  if (removal == REMOVAL_MISMATCH) return false;
  return debitAsset(position, asset, amount);
}

// Reads the arrays as they are at the end of the block; syncedAtBlock makes the block's later balance
// events no-ops, since the read already contains them.
export function syncPositionFromChain(
  position: Position,
  marginModule: Address,
  blockNumber: BigInt,
): boolean {
  if (PendingAssetRemoval.load(position.id) != null) store.remove('PendingAssetRemoval', position.id);
  const contract = MarginModule.bind(marginModule);
  const assets = contract.try_getPositionAssets(position.positionId);
  const balances = contract.try_getPositionBalances(position.positionId);
  if (assets.reverted || balances.reverted || assets.value.length != balances.value.length) {
    log.error('position {}: reading assets/balances failed; position marked stale', [position.id]);
    position.stale = true;
    return false;
  }
  const assetBytes = new Array<Bytes>();
  for (let i = 0; i < assets.value.length; i++) assetBytes.push(assets.value[i]);
  setPositionArrays(position, assetBytes, balances.value);
  position.syncedAtBlock = blockNumber;
  position.stale = position.order === null;
  return true;
}

export function repairPosition(
  position: Position,
  marginModule: Address,
  blockNumber: BigInt,
  reason: string,
): void {
  log.warning('position {}: {}; re-reading assets and balances', [position.id, reason]);
  syncPositionFromChain(position, marginModule, blockNumber);
}
