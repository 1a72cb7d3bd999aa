import { Address, BigInt, Bytes, ethereum, log } from '@graphprotocol/graph-ts';
import { MarginModule } from '../../generated/MarginModule/MarginModule';
import { Order, Position } from '../../generated/schema';
import { ZERO_ADDRESS, ZERO_BI } from '../utils/constants';
import { wrapU256 } from '../utils/wrap';
import { ensureOracle } from './oracle';

export function loadOrder(orderId: BigInt, eventName: string): Order | null {
  const order = Order.load(orderId.toString());
  if (order == null) {
    log.warning('{}: unknown order {}, skipped', [eventName, orderId.toString()]);
  }
  return order;
}

export function loadOrderOf(position: Position, eventName: string): Order | null {
  const orderId = position.order;
  if (orderId === null) {
    log.warning('{}: position {} has no known order', [eventName, position.id]);
    return null;
  }
  const order = Order.load(orderId);
  if (order == null) {
    log.warning('{}: order {} of position {} is unknown', [eventName, orderId, position.id]);
  }
  return order;
}

export function createOrder(
  orderId: BigInt,
  owner: Address,
  baseAsset: Address,
  block: ethereum.Block,
): Order {
  const order = new Order(orderId.toString());
  order.orderId = orderId;
  order.owner = owner;
  order.baseAsset = baseAsset;
  order.whitelist = Bytes.empty();
  order.interestRate = ZERO_BI;
  order.duration = ZERO_BI;
  order.minLoan = ZERO_BI;
  order.leverage = 0;
  order.currencyLimit = 0;
  order.oracle = ZERO_ADDRESS.toHexString();
  order.balance = ZERO_BI;
  order.alive = true;
  order.collateralAssets = new Array<Bytes>();
  order.liquidationRewardAmount = ZERO_BI;
  order.liquidationRewardAsset = ZERO_ADDRESS;
  order.deadline = ZERO_BI;
  order.positionCount = 0;
  order.openPositionCount = 0;
  order.liquidationCount = 0;
  order.closeCount = 0;
  order.createdAtBlock = block.number;
  order.createdAtTimestamp = block.timestamp;
  order.stale = false;
  return order;
}

// OrderCreated and OrderModified carry the same terms; the oracle is registered the first time an order names it.
export function setOrderTerms(
  order: Order,
  whitelist: Bytes,
  interestRate: BigInt,
  duration: BigInt,
  minLoan: BigInt,
  leverage: i32,
  oracle: Address,
  block: ethereum.Block,
): void {
  order.whitelist = whitelist;
  order.interestRate = interestRate;
  order.duration = duration;
  order.minLoan = minLoan;
  order.leverage = leverage;
  order.oracle = ensureOracle(oracle, order.id, block).id;
}

// No event carries currencyLimit or the reward terms, so they are read back. The read sees the end of
// the block, which is right for the stored state: a later modification in the same block re-reads too.
export function readOrderTermsFromChain(order: Order, marginModule: Address): void {
  const contract = MarginModule.bind(marginModule);
  const expiration = contract.try_getOrderExpirationData(order.orderId);
  const stored = contract.try_orders(order.orderId);
  if (expiration.reverted || stored.reverted) {
    log.error('order {}: reading reward terms or currencyLimit reverted; order marked stale', [order.id]);
    order.stale = true;
    return;
  }
  order.liquidationRewardAmount = expiration.value.value0;
  order.liquidationRewardAsset = expiration.value.value1;
  order.deadline = expiration.value.value2;
  order.currencyLimit = stored.value.getCurrencyLimit();
}

function balanceSyncedAt(order: Order, blockNumber: BigInt): boolean {
  const synced = order.balanceSyncedAtBlock;
  return synced !== null && synced.equals(blockNumber);
}

// After a read of the block's end state, later events of the same block are already part of `balance`.
export function addToOrderBalance(order: Order, amount: BigInt, blockNumber: BigInt): void {
  if (balanceSyncedAt(order, blockNumber)) return;
  order.balance = wrapU256(order.balance.plus(amount));
}

export function subtractFromOrderBalance(
  order: Order,
  amount: BigInt,
  marginModule: Address,
  blockNumber: BigInt,
): void {
  if (balanceSyncedAt(order, blockNumber)) return;
  if (order.balance.lt(amount)) {
    log.warning('order {}: balance {} below debit {}; re-reading it', [
      order.id,
      order.balance.toString(),
      amount.toString(),
    ]);
    syncOrderBalanceFromChain(order, marginModule, blockNumber);
    return;
  }
  order.balance = order.balance.minus(amount);
}

// The silent payback at close or liquidation has no event; the end-of-block balance is exact, and
// balanceSyncedAtBlock stops the block's later deposits, withdrawals and loans from counting twice.
export function syncOrderBalanceFromChain(order: Order, marginModule: Address, blockNumber: BigInt): void {
  const stored = MarginModule.bind(marginModule).try_orders(order.orderId);
  if (stored.reverted) {
    log.error('order {}: orders(id) reverted; balance marked stale', [order.id]);
    order.stale = true;
    return;
  }
  order.balance = stored.value.getBalance();
  order.balanceSyncedAtBlock = blockNumber;
}

// takeLoan debits the order by the loan; PositionOpened is the only trace of it.
export function registerOpenedPosition(
  order: Order,
  loanAmount: BigInt,
  marginModule: Address,
  blockNumber: BigInt,
): void {
  order.positionCount = order.positionCount + 1;
  order.openPositionCount = order.openPositionCount + 1;
  subtractFromOrderBalance(order, loanAmount, marginModule, blockNumber);
}
