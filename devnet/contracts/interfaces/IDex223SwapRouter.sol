// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
pragma abicoder v2;

/// Dex223 SwapRouter's single-pool exact-input swap (Uniswap's, plus `prefer223Out`).
interface IDex223SwapRouter {
    struct ExactInputSingleParams {
        address tokenIn;
        address tokenOut;
        uint24 fee;
        address recipient;
        uint256 deadline;
        uint256 amountIn;
        uint256 amountOutMinimum;
        uint160 sqrtPriceLimitX96;
        bool prefer223Out;
    }

    function exactInputSingle(ExactInputSingleParams calldata params) external payable returns (uint256 amountOut);
}
