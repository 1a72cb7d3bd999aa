// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
pragma abicoder v2;

import "./interfaces/IDex223SwapRouter.sol";
import "./interfaces/IUniswapV3PoolMinimal.sol";
import "./FactoryPoolCallee.sol";

/// Dex223's single-pool exact-input swap over the factory's Uniswap v3 pools: what the MarginModule calls for
/// marginSwap and for the forced swaps of a liquidation.
contract SwapRouter is IDex223SwapRouter, FactoryPoolCallee {
    // Uniswap TickMath's price bounds; a swap may go up to one step inside them.
    uint160 private constant MIN_SQRT_RATIO = 4295128739;
    uint160 private constant MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342;

    constructor(address factory_) FactoryPoolCallee(factory_) {}

    /// `prefer223Out` is accepted and ignored: a Uniswap v3 pool can only pay out the ERC-20 side.
    /// Ether sent along is not used (the real router wraps ETH; nothing on the devnet needs that).
    function exactInputSingle(ExactInputSingleParams calldata params)
        external
        payable
        override
        returns (uint256 amountOut)
    {
        require(block.timestamp <= params.deadline, "Transaction too old");
        require(params.amountIn < 2**255, "amountIn too large");
        address pool = factory.getPool(params.tokenIn, params.tokenOut, params.fee);
        require(pool != address(0), "pool not found");
        bool zeroForOne = isToken0(pool, params.tokenIn);

        (int256 amount0, int256 amount1) =
            IUniswapV3PoolMinimal(pool).swap(
                params.recipient,
                zeroForOne,
                int256(params.amountIn),
                priceLimit(zeroForOne, params.sqrtPriceLimitX96),
                abi.encode(params.tokenIn, msg.sender)
            );
        // The pool reports what it paid out as a negative delta.
        amountOut = uint256(-(zeroForOne ? amount1 : amount0));
        require(amountOut >= params.amountOutMinimum, "Too little received");
    }

    /// Pays the pool's positive delta from the swapper, in `tokenIn` exactly as the swapper named it. Paying with
    /// an ERC-223 twin therefore leaves the pool's ERC-20 balance short and the pool reverts, as it would with the
    /// real router.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata data) external {
        requireFactoryPool(msg.sender);
        require(amount0Delta > 0 || amount1Delta > 0, "nothing owed");
        (address tokenIn, address payer) = abi.decode(data, (address, address));
        uint256 owed = amount0Delta > 0 ? uint256(amount0Delta) : uint256(amount1Delta);
        pay(tokenIn, payer, msg.sender, owed);
    }

    /// Either address of the pool's token0 (ERC-20 or ERC-223 twin) sells token0.
    function isToken0(address pool, address token) private view returns (bool) {
        (address token0_erc20, address token0_erc223, , ) = requireFactoryPool(pool);
        return token == token0_erc20 || token == token0_erc223;
    }

    /// Zero means "no limit": let the price run to the edge of Uniswap's range.
    function priceLimit(bool zeroForOne, uint160 requested) private pure returns (uint160) {
        if (requested != 0) return requested;
        return zeroForOne ? MIN_SQRT_RATIO + 1 : MAX_SQRT_RATIO - 1;
    }
}
