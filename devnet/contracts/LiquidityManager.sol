// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "./interfaces/IUniswapV3PoolMinimal.sol";
import "./FactoryPoolCallee.sol";

/// Adds and removes devnet liquidity in the factory's Uniswap v3 pools. The pool sees one owner (this contract)
/// per tick range; the share of each user is kept here. Swap fees accrue to the shared pool position and are
/// never collected: devnet liquidity only needs its principal back.
contract LiquidityManager is FactoryPoolCallee {
    /// user => pool => tickLower => tickUpper => liquidity the user added and has not removed.
    mapping(address => mapping(address => mapping(int24 => mapping(int24 => uint128)))) public liquidityOf;

    constructor(address factory_) FactoryPoolCallee(factory_) {}

    /// Adds `amount` liquidity in [tickLower, tickUpper); the pool takes the tokens from the caller, who must have
    /// approved this contract for the pool's ERC-20 tokens.
    function mint(address pool, int24 tickLower, int24 tickUpper, uint128 amount)
        external
        returns (uint256 amount0, uint256 amount1)
    {
        requireFactoryPool(pool);
        (amount0, amount1) = IUniswapV3PoolMinimal(pool).mint(
            address(this),
            tickLower,
            tickUpper,
            amount,
            abi.encode(msg.sender)
        );
        // Cannot overflow: the users' shares sum to this contract's position, which the pool keeps within uint128.
        liquidityOf[msg.sender][pool][tickLower][tickUpper] += amount;
    }

    function uniswapV3MintCallback(uint256 amount0Owed, uint256 amount1Owed, bytes calldata data) external {
        (address token0, , address token1, ) = requireFactoryPool(msg.sender);
        address payer = abi.decode(data, (address));
        if (amount0Owed > 0) pay(token0, payer, msg.sender, amount0Owed);
        if (amount1Owed > 0) pay(token1, payer, msg.sender, amount1Owed);
    }

    /// Removes `amount` of the caller's liquidity and sends the released tokens to the caller.
    function burn(address pool, int24 tickLower, int24 tickUpper, uint128 amount)
        external
        returns (uint256 amount0, uint256 amount1)
    {
        uint128 owned = liquidityOf[msg.sender][pool][tickLower][tickUpper];
        require(amount <= owned, "not enough liquidity");
        liquidityOf[msg.sender][pool][tickLower][tickUpper] = owned - amount;

        (amount0, amount1) = IUniswapV3PoolMinimal(pool).burn(tickLower, tickUpper, amount);
        // The pool books burned amounts as uint128 owed, so these casts are exact.
        IUniswapV3PoolMinimal(pool).collect(msg.sender, tickLower, tickUpper, uint128(amount0), uint128(amount1));
    }
}
