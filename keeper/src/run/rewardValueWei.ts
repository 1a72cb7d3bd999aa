import { ZeroAddress } from 'ethers';
import type { Address, OrderState } from '../model/types.js';
import type { PoolIndex } from '../valuation/PoolIndex.js';
import { quoteGen1, type Gen1Profile } from '../valuation/quoteGen1.js';

/**
 * The order's reward in ETH wei: as is when paid in ETH; otherwise quoted into WETH through the Dex223 pools
 * by the generation-1 spot rule (deepest pool among the standard tiers). Null when it cannot be valued.
 */
export function rewardValueWei(
  order: OrderState,
  weth: Address | undefined,
  pools: PoolIndex,
): bigint | null {
  if (order.rewardAsset === (ZeroAddress as Address)) return order.rewardAmount;
  if (!weth) return null;
  if (order.rewardAsset === weth) return order.rewardAmount;
  const profile: Gen1Profile = {
    kind: 'gen1-spot',
    address: ZeroAddress as Address,
    factory: ZeroAddress as Address,
    feeTiers: [500, 3000, 10000],
    pricePrecisionDecimals: 5n,
  };
  const quote = quoteGen1(profile, pools, weth, order.rewardAsset, order.rewardAmount);
  return quote.ok ? quote.amount : null;
}
