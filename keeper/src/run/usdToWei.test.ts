import { describe, expect, it } from 'vitest';
import type { Address, PoolState } from '../model/types.js';
import { usdToWei } from './usdToWei.js';

const USDC = '0x00000000000000000000000000000000000000a1' as Address;
const WETH = '0x00000000000000000000000000000000000000f1' as Address;
const E18 = 10n ** 18n;

function pool(token0: Address, token1: Address, sqrtPriceX96: bigint): PoolState {
  return {
    address: '0x0000000000000000000000000000000000000999' as Address,
    fee: 500,
    token0,
    token1,
    token0Erc223: '0x00000000000000000000000000000000000000b1' as Address,
    token1Erc223: '0x00000000000000000000000000000000000000b2' as Address,
    initialized: true,
    sqrtPriceX96,
    tick: 0,
    liquidity: 1n,
  };
}

// 1 ETH = 2000 USDC (6 decimals): 1 raw USDC unit = 10^18 / (2000 · 10^6) wei = 5 · 10^8 wei.
const rawWeiPerRawUsdc = 500_000_000n;

describe('usdToWei', () => {
  it('prices with the stablecoin as token0 (WETH per USDC = P)', () => {
    const sqrt = 22_360n * 2n ** 96n; // sqrt(5e8) ≈ 22360.68: P ≈ 4.99976e8
    const wei = usdToWei(pool(USDC, WETH, sqrt), USDC, WETH, 25n * 10n ** 6n)!;
    expect(wei).toBe(25n * 10n ** 6n * 22_360n * 22_360n);
    expect(Number(wei) / Number(25n * 10n ** 6n * rawWeiPerRawUsdc)).toBeCloseTo(1, 3);
  });

  it('prices with the stablecoin as token1 (USDC per WETH = P, inverted)', () => {
    // P = 2000e6 / 1e18 = 2e-9 raw USDC per raw wei: sqrtPriceX96 = sqrt(2e-9) · 2^96.
    const sqrt = BigInt(Math.round(Math.sqrt(2e-9) * 2 ** 48)) * 2n ** 48n;
    const wei = usdToWei(pool(WETH, USDC, sqrt), USDC, WETH, 2000n * 10n ** 6n)!;
    expect(Number(wei) / Number(E18)).toBeCloseTo(1, 4);
  });

  it('refuses a pool of another pair or without a price', () => {
    const other = '0x00000000000000000000000000000000000000c1' as Address;
    expect(usdToWei(pool(USDC, other, 2n ** 96n), USDC, WETH, 1n)).toBeNull();
    expect(usdToWei({ ...pool(USDC, WETH, 2n ** 96n), initialized: false }, USDC, WETH, 1n)).toBeNull();
  });
});
