import type { Address, OrderState, PositionState } from '../model/types.js';
import type { MarginSwapStep, PlannedAction } from './types.js';

const BPS = 10_000n;

const lower = (address: Address): Address => address.toLowerCase() as Address;

/** Config `policy.swapBeforeCompletion`. */
export interface SwapBeforeCompletionPolicy {
  enabled: boolean;
  /** minAmountOut = quote × (10000 − this) / 10000. */
  maxSlippageBps: number;
}

/** A completion the pre-send simulation refused at the target timestamp, with what the plan needs to swap first. */
export interface BlockedCompletion {
  action: PlannedAction;
  position: PositionState;
  order: OrderState;
  /** The oracle's quote of each non-base asset's whole balance (index i − 1) at the target timestamp. */
  quotes: readonly bigint[] | undefined;
  /** Fee tier of the pool the oracle prices (and the forced swap would sell) asset `assetIndex` through; null: none. */
  pricingPoolFee: (assetIndex: number) => number | null;
  /** `getTokenlist(order.whitelist)`; null when unknown. */
  tokenlist: readonly Address[] | null;
}

export interface SwapBeforeCompletionContext {
  policy: SwapBeforeCompletionPolicy;
  ourAddresses: readonly Address[];
  /** Known ERC-223 addresses (lowercase): the router path cannot sell them and marginSwap223 is owner-only. */
  erc223Addresses: ReadonlySet<Address>;
  moduleGeneration: 1 | 2 | 3;
}

export type SwapBeforeCompletionDecision =
  { kind: 'swap-then-complete'; action: PlannedAction } | { kind: 'wait'; reason: string };

/**
 * The optional policy for a completion of our own freeze that the forced swaps' 95 % floor blocks (gen 2/3): sell
 * every non-base balance ourselves with `marginSwap`, which the contract lets the freezer call on a frozen
 * position with its own minimum, and complete the then base-only position in the same bundle (it lands whole or
 * not at all, so a swap never lands without its completion).
 *
 * Every non-base balance is sold, not only the one whose forced swap fails: our swap goes through the same pool
 * as the forced swap would, so an asset that was not blocking yields the same; and a base-only completion needs
 * no forced swap, so nothing else can block it. Swaps run from the last asset down: a balance sold whole is
 * removed by swap-and-pop from the end, so no other asset's index moves.
 *
 * `minAmountOut` is the oracle's quote for the whole balance × (1 − maxSlippage): the lender may receive up to
 * that much less than the oracle price (the floor was there to guarantee them 95 % of it); our reward is the same.
 */
export function planSwapsBeforeCompletion(
  blocked: BlockedCompletion,
  context: SwapBeforeCompletionContext,
): SwapBeforeCompletionDecision {
  const { action, position, order, quotes, tokenlist } = blocked;
  const { policy } = context;
  if (!policy.enabled) return wait('policy swapBeforeCompletion is off');
  if (context.moduleGeneration < 2) return wait('gen 1 completes through marginSwap itself');
  if (action.kind !== 'complete') return wait(`not a completion (${action.kind})`);
  if (position.frozenAtSec === 0n) return wait('not frozen');
  const freezer = lower(position.frozenBy);
  if (!context.ourAddresses.some((address) => lower(address) === freezer))
    return wait(`frozen by ${freezer}, not by us: only the freezer or the owner may marginSwap it`);
  if (tokenlist === null || tokenlist.length === 0)
    return wait(`the order's token list ${order.whitelist} is not known`);
  if (quotes === undefined) return wait('no in-process quote of its assets');
  const base = lower(position.assets[0] ?? order.baseAsset);
  const list = tokenlist.map(lower);
  // Out of range reverts: an absent asset gets index 0, where `_validateAsset` still passes the base asset and the
  // position's initial collateral (and a contract list ignores the index).
  const listIndex = (asset: Address): bigint => {
    const at = list.indexOf(asset);
    return BigInt(at < 0 ? 0 : at);
  };
  const swaps: MarginSwapStep[] = [];
  const bps = BigInt(policy.maxSlippageBps);
  for (let i = position.assets.length - 1; i >= 1; i--) {
    const amount = position.balances[i] ?? 0n;
    if (amount === 0n) continue;
    const asset = lower(position.assets[i] as Address);
    if (context.erc223Addresses.has(asset))
      return wait(`${asset} is held under its ERC-223 address: only the owner may swap it`);
    const quote = quotes[i - 1];
    if (quote === undefined || quote <= 0n)
      return wait(`the oracle quotes nothing for ${amount} of ${asset}`);
    const feeTier = blocked.pricingPoolFee(i);
    if (feeTier === null) return wait(`no pool prices ${asset}`);
    const minAmountOut = (quote * (BPS - bps)) / BPS;
    if (minAmountOut === 0n)
      return wait(`${amount} of ${asset} at ${policy.maxSlippageBps} bps slippage accepts nothing back`);
    swaps.push({
      assetIndex: i,
      asset,
      whitelistId1: listIndex(asset),
      whitelistId2: listIndex(base),
      amount,
      assetOut: base,
      feeTier,
      quote,
      minAmountOut,
      gasUnits: 0n,
    });
  }
  if (swaps.length === 0) return wait('holds only the base asset: nothing to swap');
  const quoted = swaps.reduce((sum, s) => sum + s.quote, 0n);
  const floor = swaps.reduce((sum, s) => sum + s.minAmountOut, 0n);
  const sells = swaps
    .map((s) => `${s.amount} of ${s.asset} for ≥ ${s.minAmountOut} (quote ${s.quote}, pool fee ${s.feeTier})`)
    .join(', ');
  return {
    kind: 'swap-then-complete',
    action: {
      ...action,
      sender: freezer,
      swapsFirst: swaps,
      detail:
        `floor-blocked: our marginSwap first (policy, max ${policy.maxSlippageBps} bps): ${sells}; ` +
        `the lender may get up to ${quoted - floor} base units under the oracle's ${quoted}, ` +
        `our reward is unchanged; ${action.detail}`,
    },
  };
}

function wait(reason: string): SwapBeforeCompletionDecision {
  return { kind: 'wait', reason };
}
