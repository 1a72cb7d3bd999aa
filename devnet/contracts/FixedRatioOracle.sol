// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "./HighestLiquidityPoolFinder.sol";

/// Test oracle with prices set by hand, so tests can move a position's value without moving a pool.
/// It still names pools like the gen-1 oracle because the MarginModule swaps through that pool at liquidation.
contract FixedRatioOracle is HighestLiquidityPoolFinder {
    struct Ratio {
        uint256 numerator;
        uint256 denominator;
    }

    /// buy => sell => units of `buy` per unit of `sell`; a zero denominator means "not set" (1:1).
    mapping(address => mapping(address => Ratio)) public ratios;

    event RatioSet(address indexed buy, address indexed sell, uint256 numerator, uint256 denominator);

    constructor(address factory_) HighestLiquidityPoolFinder(factory_) {}

    /// Sets one direction only: the price of `sell` in `buy` says nothing about `buy` in `sell`.
    function setRatio(address buy, address sell, uint256 numerator, uint256 denominator) external onlyOwner {
        require(denominator != 0, "zero denominator");
        ratios[buy][sell] = Ratio(numerator, denominator);
        emit RatioSet(buy, sell, numerator, denominator);
    }

    /// amount * numerator / denominator, wrapping like the gen-1 oracle's arithmetic; 1:1 for an unset pair.
    function getAmountOut(address buy, address sell, uint256 amountToSell)
        external
        view
        override
        returns (uint256)
    {
        Ratio memory ratio = ratios[buy][sell];
        if (ratio.denominator == 0) return amountToSell;
        return (amountToSell * ratio.numerator) / ratio.denominator;
    }
}
