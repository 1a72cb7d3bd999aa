// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "./interfaces/IDex223Factory.sol";
import "./interfaces/IERC20Minimal.sol";
import "./interfaces/IUniswapV3PoolMinimal.sol";

/// Shared by the contracts that receive Uniswap v3 pool callbacks: a callback pulls the caller's tokens, so it
/// must come from a pool the factory created, never from any contract that claims to be one.
abstract contract FactoryPoolCallee {
    IDex223Factory public immutable factory;

    constructor(address factory_) {
        factory = IDex223Factory(factory_);
    }

    /// The pool's token addresses as the pool itself answers them; reverts unless the factory names this very
    /// address for those tokens and fee (as Uniswap's callback validation does by recomputing the address).
    function requireFactoryPool(address pool)
        internal
        view
        returns (address token0_erc20, address token0_erc223, address token1_erc20, address token1_erc223)
    {
        require(isContract(pool), "not a factory pool");
        (token0_erc20, token0_erc223) = IUniswapV3PoolMinimal(pool).token0();
        (token1_erc20, token1_erc223) = IUniswapV3PoolMinimal(pool).token1();
        uint24 fee = IUniswapV3PoolMinimal(pool).fee();
        require(factory.getPool(token0_erc20, token1_erc20, fee) == pool, "not a factory pool");
    }

    /// transferFrom that also accepts tokens returning nothing, as Uniswap's periphery does.
    function pay(address token, address from, address to, uint256 amount) internal {
        (bool success, bytes memory data) =
            token.call(abi.encodeWithSelector(IERC20Minimal.transferFrom.selector, from, to, amount));
        require(success && (data.length == 0 || abi.decode(data, (bool))), "transferFrom failed");
    }

    function isContract(address account) private view returns (bool) {
        uint256 size;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            size := extcodesize(account)
        }
        return size > 0;
    }
}
