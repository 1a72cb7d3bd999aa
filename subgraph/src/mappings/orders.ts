import { Bytes } from '@graphprotocol/graph-ts';
import {
  OrderAliveStatus,
  OrderCollateralsSet,
  OrderCreated,
  OrderDeposit,
  OrderModified,
  OrderWithdraw,
  TokenlistAdded,
} from '../../generated/MarginModule/MarginModule';
import {
  addToOrderBalance,
  createOrder,
  loadOrder,
  readOrderTermsFromChain,
  setOrderTerms,
  subtractFromOrderBalance,
} from '../entities/order';
import { recordTokenlist } from '../entities/tokenlist';

export function handleOrderCreated(event: OrderCreated): void {
  const p = event.params;
  const order = createOrder(p.orderId, p.owner, p.baseAsset, event.block);
  setOrderTerms(
    order,
    p.whitelistId,
    p.interestRate,
    p.duration,
    p.minLoan,
    p.leverage,
    p.oracle,
    event.block,
  );
  readOrderTermsFromChain(order, event.address);
  order.save();
}

export function handleOrderModified(event: OrderModified): void {
  const p = event.params;
  const order = loadOrder(p.orderId, 'OrderModified');
  if (order == null) return;
  setOrderTerms(
    order,
    p.tokenWhitelist,
    p.interestRate,
    p.duration,
    p.minLoan,
    p.leverage,
    p.oracle,
    event.block,
  );
  readOrderTermsFromChain(order, event.address);
  order.save();
}

export function handleOrderAliveStatus(event: OrderAliveStatus): void {
  const order = loadOrder(event.params.orderId, 'OrderAliveStatus');
  if (order == null) return;
  order.alive = event.params.alive;
  order.save();
}

export function handleOrderDeposit(event: OrderDeposit): void {
  const order = loadOrder(event.params.orderId, 'OrderDeposit');
  if (order == null) return;
  addToOrderBalance(order, event.params.amount, event.block.number);
  order.save();
}

export function handleOrderWithdraw(event: OrderWithdraw): void {
  const order = loadOrder(event.params.orderId, 'OrderWithdraw');
  if (order == null) return;
  subtractFromOrderBalance(order, event.params.amount, event.address, event.block.number);
  order.save();
}

export function handleOrderCollateralsSet(event: OrderCollateralsSet): void {
  const order = loadOrder(event.params.orderId, 'OrderCollateralsSet');
  if (order == null) return;
  order.collateralAssets = changetype<Bytes[]>(event.params.collaterals);
  order.save();
}

export function handleTokenlistAdded(event: TokenlistAdded): void {
  recordTokenlist(
    event.params.hash,
    event.params.is_contract,
    changetype<Bytes[]>(event.params.tokens),
    event.block,
  );
}
