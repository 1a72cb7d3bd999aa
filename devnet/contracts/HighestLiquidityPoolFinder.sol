// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "./interfaces/IDex223Factory.sol";
import "./interfaces/IMarginOracle.sol";
import "./interfaces/IUniswapV3PoolMinimal.sol";
import "./OwnedByDeployer.sol";

/// The generation-1 Dex223 oracle's pool choice, shared by every devnet oracle because the MarginModule
/// swaps through whatever pool its order's oracle names at liquidation.
abstract contract HighestLiquidityPoolFinder is IMarginOracle, OwnedByDeployer {
    IDex223Factory public factory;

    /// Storage, not a constant: the gen-1 oracle exposes it as a storage array and the keeper probes it.
    uint24[] public feeTiers;

    constructor(address factory_) {
        factory = IDex223Factory(factory_);
        feeTiers.push(500);
        feeTiers.push(3000);
        feeTiers.push(10000);
    }

    /// Devnet knob: the keeper must follow whatever tier list an oracle holds.
    function setFeeTiers(uint24[] calldata tiers) external onlyOwner {
        feeTiers = tiers;
    }

    /// The pool with the largest current liquidity among the fee tiers. `>=` is deliberate: a later tier wins a
    /// tie, so a pool with zero liquidity can be chosen. Reverts without a reason when no pool exists, as the
    /// real oracle does.
    function findPoolWithHighestLiquidity(address tokenA, address tokenB)
        public
        view
        override
        returns (address pool, uint128 liquidity, uint24 fee)
    {
        require(tokenA != tokenB);
        require(tokenA != address(0));
        // Raw address order, which for ERC-223 twins may differ from the pool's own token order.
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);

        for (uint256 i = 0; i < feeTiers.length; i++) {
            address candidate = factory.getPool(token0, token1, feeTiers[i]);
            if (candidate == address(0)) continue;
            uint128 candidateLiquidity = IUniswapV3PoolMinimal(candidate).liquidity();
            if (candidateLiquidity >= liquidity) {
                (pool, liquidity, fee) = (candidate, candidateLiquidity, feeTiers[i]);
            }
        }
        require(pool != address(0));
    }
}
