// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

/// What the MarginModule asks of `order.oracle` (generation-1 spot oracle and the fixed-ratio test oracle).
interface IMarginOracle {
    /// Value of `amountToSell` units of `sell`, in units of `buy`.
    function getAmountOut(address buy, address sell, uint256 amountToSell) external view returns (uint256);

    function findPoolWithHighestLiquidity(address tokenA, address tokenB)
        external
        view
        returns (address pool, uint128 liquidity, uint24 fee);
}
