import { Address, BigInt, Bytes, ethereum, log } from '@graphprotocol/graph-ts';
import { MarginModule, PositionOpened } from '../../generated/MarginModule/MarginModule';
import { Order, Position } from '../../generated/schema';
import { ZERO_ADDRESS, ZERO_BI } from '../utils/constants';
import { wrapU256 } from '../utils/wrap';
import { setPositionArrays } from './positionAssets';

export function loadPosition(positionId: BigInt, eventName: string): Position | null {
  const position = Position.load(positionId.toString());
  if (position == null) {
    log.warning('{}: unknown position {}, skipped', [eventName, positionId.toString()]);
  }
  return position;
}

// takeLoan's balances are [loan, collateral] or [loan + collateral] when the collateral is the base
// asset (compared as raw addresses, like addAsset); the NewAsset events around PositionOpened add nothing.
function openingArrays(position: Position, event: PositionOpened): void {
  const base = event.params.baseAsset;
  const collateral = event.params.collateral;
  const loan = event.params.loanAmount;
  const amount = event.params.collateral_amount;
  const assets = new Array<Bytes>();
  const balances = new Array<BigInt>();
  assets.push(base);
  if (collateral.equals(base)) {
    balances.push(wrapU256(loan.plus(amount)));
  } else {
    balances.push(loan);
    assets.push(collateral);
    balances.push(amount);
  }
  setPositionArrays(position, assets, balances);
}

// PositionOpened has no orderId; positions(id) gives it with createdAt, deadline and interest, which
// never change after takeLoan, so reading them at the end of the block is exact.
export function openPosition(event: PositionOpened): Position {
  const positionId = event.params.positionId;
  const previous = Position.load(positionId.toString());
  const position = new Position(positionId.toString());
  position.positionId = positionId;
  position.owner = event.params.owner;
  position.baseAsset = event.params.baseAsset;
  position.initialCollateralAsset = event.params.collateral;
  position.initialCollateralAmount = event.params.collateral_amount;
  position.initialBalance = event.params.loanAmount;
  position.open = true;
  position.frozenAt = ZERO_BI;
  position.frozenBy = ZERO_ADDRESS;
  position.freezeCount = 0;
  position.assets = new Array<Bytes>();
  position.balances = new Array<BigInt>();
  // A reused id (gen-1 takeLoan re-entrancy) leaves old slots; counting them lets the rewrite delete them.
  position.assetCount = previous == null ? 0 : previous.assetCount;
  position.closed = false;
  position.liquidated = false;
  position.openedAtBlock = event.block.number;
  position.openedTx = event.transaction.hash;
  position.stale = false;

  const stored = MarginModule.bind(event.address).try_positions(positionId);
  if (stored.reverted) {
    log.error('position {}: positions(id) reverted; order unknown, position marked stale', [position.id]);
    position.createdAt = event.block.timestamp;
    position.deadline = ZERO_BI;
    position.interest = ZERO_BI;
    position.stale = true;
  } else {
    position.order = stored.value.getOrderId().toString();
    position.createdAt = stored.value.getCreatedAt();
    position.deadline = stored.value.getDeadline();
    position.interest = stored.value.getInterest();
    if (!stored.value.getInitialBalance().equals(event.params.loanAmount)) {
      log.warning('position {}: initialBalance {} differs from loanAmount {}', [
        position.id,
        stored.value.getInitialBalance().toString(),
        event.params.loanAmount.toString(),
      ]);
      position.initialBalance = stored.value.getInitialBalance();
    }
  }
  openingArrays(position, event);
  return position;
}

export function freezePosition(position: Position, liquidator: Address, frozenAt: BigInt): void {
  position.frozenAt = frozenAt;
  position.frozenBy = liquidator;
  position.freezeCount = position.freezeCount + 1;
}

export function closePosition(
  position: Position,
  order: Order | null,
  closedBy: Address,
  receiver: Address | null,
  block: ethereum.Block,
): void {
  position.open = false;
  position.closed = true;
  position.liquidated = receiver !== null;
  position.closedBy = closedBy;
  if (receiver !== null) position.liquidationReceiver = receiver;
  position.closedAtBlock = block.number;
  position.closedAtTimestamp = block.timestamp;
  if (order === null) return;
  order.openPositionCount = order.openPositionCount - 1;
  if (receiver !== null) order.liquidationCount = order.liquidationCount + 1;
  else order.closeCount = order.closeCount + 1;
}
