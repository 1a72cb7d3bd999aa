import { ZeroAddress } from 'ethers';
import type { Address, OrderState } from '../model/types.js';
import type { PoolIndex } from '../valuation/PoolIndex.js';
import { quoteGen1, type Gen1Profile } from '../valuation/quoteGen1.js';

/**
 * The order's reward in ETH wei: as is when paid in ETH; otherwise quoted into WETH through the Dex223 pools
 * by the generation-1 spot rule (deepest pool among the standard tiers). Null when it cannot be valued.
 */
export function rewardValueWei(
  order: Pick<OrderState, 'rewardAsset' | 'rewardAmount'>,
  weth: Address | undefined,
  pools: PoolIndex,
): bigint | null {
  return amountInEthWei(order.rewardAsset, order.rewardAmount, weth, pools);
}

/**
 * `amount` of `asset` in ETH wei at the prices of `pools`: ETH and WETH 1:1, any other token by the gen-1
 * spot rule (what the gen-1 Oracle's `getAmountOut(weth, asset, amount)` answers on the same pool states).
 */
export function amountInEthWei(
  asset: Address,
  amount: bigint,
  weth: Address | undefined,
  pools: PoolIndex,
): bigint | null {
  if (asset === (ZeroAddress as Address)) return amount;
  if (!weth) return null;
  if (asset === weth) return amount;
  const profile: Gen1Profile = {
    kind: 'gen1-spot',
    address: ZeroAddress as Address,
    factory: ZeroAddress as Address,
    feeTiers: [500, 3000, 10000],
    pricePrecisionDecimals: 5n,
  };
  const quote = quoteGen1(profile, pools, weth, asset, amount);
  return quote.ok ? quote.amount : null;
}
