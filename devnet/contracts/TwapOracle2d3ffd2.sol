// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "@uniswap/v3-core/contracts/libraries/FullMath.sol";
import "./TwapOracleBase.sol";

/// Dex223 TWAP oracle at upstream commit 2d3ffd2: pools ranked by their harmonic-mean liquidity over the window,
/// amounts priced at full precision with 512-bit mulDiv, direction taken from the pool's own token0 (either of
/// its addresses), so ERC-223 twins price like their ERC-20s.
contract TwapOracle2d3ffd2 is TwapOracleBase {
    uint256 private constant Q64 = 1 << 64;
    uint256 private constant Q128 = 1 << 128;
    uint256 private constant Q192 = 1 << 192;

    constructor(address factory_, uint32 twapWindow_) TwapOracleBase(factory_, twapWindow_) {}

    /// window * (2^160 - 1) / (delta seconds-per-liquidity << 32), in uint192, cast to uint128 unchecked.
    /// A window with no change in seconds-per-liquidity ranks 0 instead of dividing by zero.
    function harmonicMeanLiquidity(address pool) public view returns (uint128) {
        (, uint160[] memory secondsPerLiquidity) = IUniswapV3PoolMinimal(pool).observe(windowSecondsAgos());
        uint160 delta = secondsPerLiquidity[1] - secondsPerLiquidity[0];
        if (delta == 0) return 0;
        uint192 windowX160 = uint192(twapWindow) * type(uint160).max;
        return uint128(windowX160 / (uint192(delta) << 32));
    }

    function poolRank(address pool) internal view override returns (uint128) {
        return harmonicMeanLiquidity(pool);
    }

    function quote(address pool, address, address sell, uint256 amountToSell, uint256 sqrtPriceX96)
        internal
        view
        override
        returns (uint256)
    {
        (address token0Erc20, address token0Erc223) = IUniswapV3PoolMinimal(pool).token0();
        bool sellIsToken0 = sell == token0Erc20 || sell == token0Erc223;
        // s^2 fits in 256 bits only below 2^128; above, the price is taken in Q128 instead of Q192.
        if (sqrtPriceX96 <= type(uint128).max) {
            uint256 priceX192 = sqrtPriceX96 * sqrtPriceX96;
            return
                sellIsToken0
                    ? FullMath.mulDiv(priceX192, amountToSell, Q192)
                    : FullMath.mulDiv(Q192, amountToSell, priceX192);
        }
        uint256 priceX128 = FullMath.mulDiv(sqrtPriceX96, sqrtPriceX96, Q64);
        return
            sellIsToken0
                ? FullMath.mulDiv(priceX128, amountToSell, Q128)
                : FullMath.mulDiv(Q128, amountToSell, priceX128);
    }
}
