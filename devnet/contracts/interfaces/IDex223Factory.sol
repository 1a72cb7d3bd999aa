// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

/// Dex223 factory surface. `getPool` answers for all 8 ERC-20/ERC-223 combinations of a pair, both orders.
interface IDex223Factory {
    event PoolCreated(
        address indexed token0_erc20,
        address indexed token1_erc20,
        address token0_erc223,
        address token1_erc223,
        uint24 indexed fee,
        int24 tickSpacing,
        address pool
    );

    function createPool(
        address tokenA_erc20,
        address tokenB_erc20,
        address tokenA_erc223,
        address tokenB_erc223,
        uint24 fee
    ) external returns (address pool);

    function getPool(address tokenA, address tokenB, uint24 fee) external view returns (address pool);

    function feeAmountTickSpacing(uint24 fee) external view returns (int24);

    function owner() external view returns (address);
}
