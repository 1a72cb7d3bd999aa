// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "./TwapOracleBase.sol";

/// Dex223 TWAP oracle at upstream commit 6e5e5c3: pools ranked by current in-range liquidity, amounts priced on
/// their leading digits, direction taken from the raw address order (so an ERC-223 twin that sorts the other
/// way gets the inverted formula; reproduced, not fixed). All arithmetic wraps, as in solc 0.7.6.
contract TwapOracle6e5e5c3 is TwapOracleBase {
    /// Amounts above 10**pricePrecisionDecimals are priced on their leading digits only.
    uint256 public immutable pricePrecisionDecimals = 5;

    constructor(address factory_, uint32 twapWindow_) TwapOracleBase(factory_, twapWindow_) {}

    function poolRank(address pool) internal view override returns (uint128) {
        return IUniswapV3PoolMinimal(pool).liquidity();
    }

    function quote(address, address buy, address sell, uint256 amountToSell, uint256 sqrtPriceX96)
        internal
        view
        override
        returns (uint256)
    {
        uint256 priced = priceLeadingDigits(sqrtPriceX96, amountToSell);
        if (sell > buy) {
            require(priced > 0, "Oracle: zero price result");
            return (amountToSell * amountToSell) / priced;
        }
        return priced;
    }

    /// ((s*a >> 96) * s) >> 96 (token0 priced in token1, truncated twice), with `a` cut to at most
    /// pricePrecisionDecimals + 1 digits and the dropped powers of ten multiplied back afterwards.
    function priceLeadingDigits(uint256 sqrtPriceX96, uint256 amount) private pure returns (uint256) {
        uint256 limit = 10**pricePrecisionDecimals;
        if (amount <= limit) return (((sqrtPriceX96 * amount) >> 96) * sqrtPriceX96) >> 96;

        uint256 leading = amount;
        uint256 dropped = 0;
        while (leading > limit) {
            leading /= 10;
            dropped++;
        }
        return ((((sqrtPriceX96 * leading) >> 96) * sqrtPriceX96) >> 96) * 10**dropped;
    }
}
