// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
pragma abicoder v2;

/// What a Dex223Pool reads back from its deployer while it is constructed, so that its creation code (and with it
/// the CREATE2 address) does not depend on the pool.
interface IDex223PoolDeployer {
    struct PoolFrontParameters {
        address implementation;
        address token0_erc20;
        address token0_erc223;
        address token1_erc20;
        address token1_erc223;
    }

    function poolFrontParameters() external view returns (PoolFrontParameters memory);
}

/// The contract at a devnet pool's address. Dex223 pools answer token0()/token1() as (erc20, erc223); this answers
/// those two itself and runs everything else as the published Uniswap v3 pool, by DELEGATECALL to a copy of a
/// pool the factory constructed for the same tokens and fee. Storage, token balances and events therefore live
/// here, and the copy's `noDelegateCall` guard holds because the factory rewrote its `original` immutable to this
/// address.
contract Dex223Pool {
    address private immutable implementation;
    address private immutable token0_erc20;
    address private immutable token0_erc223;
    address private immutable token1_erc20;
    address private immutable token1_erc223;

    constructor() {
        IDex223PoolDeployer.PoolFrontParameters memory p = IDex223PoolDeployer(msg.sender).poolFrontParameters();
        implementation = p.implementation;
        token0_erc20 = p.token0_erc20;
        token0_erc223 = p.token0_erc223;
        token1_erc20 = p.token1_erc20;
        token1_erc223 = p.token1_erc223;
    }

    function token0() external view returns (address erc20, address erc223) {
        return (token0_erc20, token0_erc223);
    }

    function token1() external view returns (address erc20, address erc223) {
        return (token1_erc20, token1_erc223);
    }

    /// Everything else is the Uniswap pool's, return data and revert data passed through unchanged. Payable so
    /// that the pool's own non-payable checks decide about Ether, exactly as they would at a plain pool.
    fallback() external payable {
        address target = implementation;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), target, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 {
                revert(0, returndatasize())
            }
            default {
                return(0, returndatasize())
            }
        }
    }
}
