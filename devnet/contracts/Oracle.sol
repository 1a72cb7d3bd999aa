// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "./interfaces/IUniswapV3PoolMinimal.sol";
import "./HighestLiquidityPoolFinder.sol";

/// The generation-1 Dex223 spot oracle (version of 2025-09-08), reproduced bit for bit: every product and
/// power wraps modulo 2^256 and a zero divisor hits solc 0.7.6's invalid opcode, exactly like the original.
/// The keeper's in-process model and the golden vectors depend on those quirks, so none is fixed here.
contract Oracle is HighestLiquidityPoolFinder {
    /// Amounts above 10**pricePrecisionDecimals are priced on their leading digits only.
    uint256 public pricePrecisionDecimals = 5;

    constructor(address factory_) HighestLiquidityPoolFinder(factory_) {}

    /// Devnet knob: lets tests cover oracles deployed with other precisions.
    function setPricePrecisionDecimals(uint256 decimals) external onlyOwner {
        pricePrecisionDecimals = decimals;
    }

    /// Value of `amountToSell` units of `sell` in units of `buy`, at the spot price of the deepest pool.
    function getAmountOut(address buy, address sell, uint256 amountToSell)
        external
        view
        override
        returns (uint256)
    {
        (address pool, , ) = findPoolWithHighestLiquidity(buy, sell);
        (uint160 sqrtPriceX96, , , , , , ) = IUniswapV3PoolMinimal(pool).slot0();
        // Q192 price of token0 in token1; wraps once sqrtPriceX96 reaches 2^128.
        uint256 priceX192 = uint256(sqrtPriceX96) * uint256(sqrtPriceX96);
        uint256 quote = quoteLeadingDigits(priceX192, amountToSell);

        // The pool orders its tokens by ERC-20 address, but the inversion compares the raw addresses given,
        // which may be ERC-223 twins. A zero quote makes this division hit the invalid opcode.
        if (sell > buy) return (amountToSell * amountToSell) / quote;
        return quote;
    }

    /// floor(price * amount / 2^192), computed on at most pricePrecisionDecimals + 1 leading digits of `amount`
    /// and scaled back by the dropped powers of ten, so large amounts lose their low digits.
    function quoteLeadingDigits(uint256 priceX192, uint256 amount) internal view returns (uint256) {
        uint256 limit = 10**pricePrecisionDecimals;
        if (amount <= limit) return (priceX192 * amount) / 2**192;

        uint256 leading = amount;
        uint256 dropped = 0;
        while (leading > limit) {
            leading /= 10;
            dropped++;
        }
        return ((priceX192 * leading) / 2**192) * 10**dropped;
    }
}
