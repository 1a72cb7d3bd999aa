// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

/// Test double for replaying golden-vector pools: stands at a vector's pool address, answers token0()/token1()
/// as Dex223's (erc20, erc223) tuples and forwards every other call to a real Uniswap v3 pool by STATICCALL,
/// passing return and revert data through unchanged (as the vectors' own generator did). Tests plant its
/// storage directly, so the layout below is part of its interface: slot 0 target, slots 1-4 the four addresses.
contract VectorPoolAdapter {
    address public target;
    address private token0Erc20;
    address private token0Erc223;
    address private token1Erc20;
    address private token1Erc223;

    constructor(address target_, address[4] memory tokens) {
        target = target_;
        (token0Erc20, token0Erc223, token1Erc20, token1Erc223) = (tokens[0], tokens[1], tokens[2], tokens[3]);
    }

    function token0() external view returns (address erc20, address erc223) {
        return (token0Erc20, token0Erc223);
    }

    function token1() external view returns (address erc20, address erc223) {
        return (token1Erc20, token1Erc223);
    }

    fallback() external {
        address to = target;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := staticcall(gas(), to, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            if iszero(ok) {
                revert(0, returndatasize())
            }
            return(0, returndatasize())
        }
    }
}
