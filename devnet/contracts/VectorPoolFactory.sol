// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

/// Test double for replaying golden-vector pools: a Dex223-shaped getPool whose entries the tests plant
/// directly in storage (the mapping in slot 0), one per ERC-20/ERC-223 combination and order, as Dex223's
/// factory answers them. `setPool` does the same by transaction.
contract VectorPoolFactory {
    mapping(address => mapping(address => mapping(uint24 => address))) public getPool;

    function setPool(address tokenA, address tokenB, uint24 fee, address pool) external {
        getPool[tokenA][tokenB][fee] = pool;
        getPool[tokenB][tokenA][fee] = pool;
    }
}
