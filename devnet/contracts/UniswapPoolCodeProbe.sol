// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

/// Constructs the published Uniswap v3 pool with fixed parameters and hands back its runtime code, for eth_call
/// only (the devnet runs it as a state override: it is never deployed). Two constructions at two addresses differ
/// exactly where the pool's `original` immutable (its own address, for `noDelegateCall`) was written: that is how
/// the devnet finds the offsets the factory rewrites, since the npm artifact carries no immutableReferences.
contract UniswapPoolCodeProbe {
    /// What the pool constructor reads from its deployer; any valid tier will do, the values only have to be the
    /// same for both constructions.
    function parameters()
        external
        view
        returns (address factory, address token0, address token1, uint24 fee, int24 tickSpacing)
    {
        return (address(this), address(1), address(2), 3000, 60);
    }

    /// `holder` has the pool's creation code as its runtime code (see poolHolderInitCode).
    function constructPool(address holder, bytes32 salt) external returns (address pool, bytes memory runtimeCode) {
        uint256 size;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            size := extcodesize(holder)
        }
        bytes memory initCode = new bytes(size);
        // solhint-disable-next-line no-inline-assembly
        assembly {
            extcodecopy(holder, add(initCode, 32), 0, size)
            pool := create2(0, add(initCode, 32), size, salt)
        }
        require(pool != address(0), "pool construction failed");
        // solhint-disable-next-line no-inline-assembly
        assembly {
            size := extcodesize(pool)
        }
        runtimeCode = new bytes(size);
        // solhint-disable-next-line no-inline-assembly
        assembly {
            extcodecopy(pool, add(runtimeCode, 32), 0, size)
        }
    }
}
