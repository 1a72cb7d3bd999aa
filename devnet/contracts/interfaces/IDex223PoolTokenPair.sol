// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

/// How a Dex223 pool names its tokens: each side under both of its addresses, (erc20, erc223).
interface IDex223PoolTokenPair {
    function token0() external view returns (address erc20, address erc223);

    function token1() external view returns (address erc20, address erc223);
}
