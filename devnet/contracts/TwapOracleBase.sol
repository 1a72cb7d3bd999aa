// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "@uniswap/v3-core/contracts/libraries/TickMath.sol";
import "./interfaces/IDex223Factory.sol";
import "./interfaces/IMarginOracle.sol";
import "./interfaces/IUniswapV3PoolMinimal.sol";

/// What the two deployed Dex223 TWAP oracles (6e5e5c3 and 2d3ffd2) share, reproduced from the spec bit for bit:
/// window eligibility, the floored mean tick, the pool choice and getAmountOut's order of checks. They differ
/// only in how a pool is ranked and how a price turns into an amount, which each oracle supplies.
/// Revert strings are kept because the real oracle is built with them.
abstract contract TwapOracleBase is IMarginOracle {
    IDex223Factory public immutable factory;
    uint32 public immutable twapWindow;

    constructor(address factory_, uint32 twapWindow_) {
        require(factory_ != address(0), "Oracle: zero factory");
        require(twapWindow_ != 0, "Oracle: zero window");
        factory = IDex223Factory(factory_);
        twapWindow = twapWindow_;
    }

    /// Pure, not storage: the deployed TWAP oracles hard-code their tiers (gen 1 kept a storage array).
    function feeTiers(uint256 i) public pure returns (uint24) {
        if (i == 0) return 500;
        if (i == 1) return 3000;
        if (i == 2) return 10000;
        revert("Oracle: invalid fee tier index");
    }

    /// Whether the pool's oldest observation is at least one window old, so observe([window, 0]) cannot say "OLD".
    /// The age is taken in uint32 arithmetic, as the pool keeps its timestamps.
    function poolCanServeWindow(address pool) public view returns (bool) {
        (, , uint16 index, uint16 cardinality, , , ) = IUniswapV3PoolMinimal(pool).slot0();
        if (cardinality == 0) return false;
        (uint32 oldest, , , bool initialized) = IUniswapV3PoolMinimal(pool).observations((index + 1) % cardinality);
        // A ring that has not wrapped yet starts at slot 0.
        if (!initialized) (oldest, , , ) = IUniswapV3PoolMinimal(pool).observations(0);
        return uint32(block.timestamp) - oldest >= twapWindow;
    }

    /// Mean tick over the window, rounded toward negative infinity; narrowed to int24 unchecked like the original.
    function getTwapTick(address pool) public view returns (int24 tick) {
        (int56[] memory tickCumulatives, ) = IUniswapV3PoolMinimal(pool).observe(windowSecondsAgos());
        int56 delta = tickCumulatives[1] - tickCumulatives[0];
        int56 window = int56(uint56(twapWindow));
        tick = int24(delta / window);
        if (delta < 0 && delta % window != 0) tick--;
    }

    function getTwapSqrtPriceX96(address pool) public view returns (uint160) {
        return TickMath.getSqrtRatioAtTick(getTwapTick(pool));
    }

    /// Among the fee tiers' pools that can serve the window, the one of highest rank. `>=` is deliberate: a later
    /// tier wins a tie, so a rank of 0 can win. Pools are looked up by the raw addresses in numeric order, which for
    /// an ERC-223 twin may differ from the pool's own token order.
    function findPoolWithHighestLiquidity(address tokenA, address tokenB)
        public
        view
        override
        returns (address pool, uint128 liquidity, uint24 fee)
    {
        require(tokenA != tokenB, "Oracle: identical tokens");
        require(tokenA != address(0), "Oracle: zero address tokenA");
        require(tokenB != address(0), "Oracle: zero address tokenB");
        (address token0, address token1) = tokenA < tokenB ? (tokenA, tokenB) : (tokenB, tokenA);

        for (uint256 i = 0; i < 3; i++) {
            uint24 tierFee = feeTiers(i);
            address candidate = factory.getPool(token0, token1, tierFee);
            if (candidate == address(0) || !poolCanServeWindow(candidate)) continue;
            uint128 rank = poolRank(candidate);
            if (rank >= liquidity) (pool, liquidity, fee) = (candidate, rank, tierFee);
        }
        require(pool != address(0), "Oracle: no pool found");
    }

    /// Value of `amountToSell` units of `sell` in units of `buy` at the chosen pool's TWAP price. The pool lookup's
    /// reverts come before the amount check.
    function getAmountOut(address buy, address sell, uint256 amountToSell) external view override returns (uint256) {
        (address pool, , ) = findPoolWithHighestLiquidity(buy, sell);
        require(amountToSell > 0, "Oracle: zero amount");
        return quote(pool, buy, sell, amountToSell, getTwapSqrtPriceX96(pool));
    }

    /// [window, 0]: the two points observe() is asked for.
    function windowSecondsAgos() internal view returns (uint32[] memory secondsAgos) {
        secondsAgos = new uint32[](2);
        secondsAgos[0] = twapWindow;
    }

    /// The measure findPoolWithHighestLiquidity maximises.
    function poolRank(address pool) internal view virtual returns (uint128);

    /// getAmountOut's amount once the pool is chosen, the amount checked and the TWAP sqrt price read.
    function quote(address pool, address buy, address sell, uint256 amountToSell, uint256 sqrtPriceX96)
        internal
        view
        virtual
        returns (uint256);
}
