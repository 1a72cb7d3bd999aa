// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
pragma abicoder v2;

/// Lets one transaction run several calls on the inheriting contract (the keeper freezes or completes several
/// positions at once). Each call is a delegatecall to this contract, so it sees the caller's msg.sender and
/// msg.value; one failing call reverts the whole batch. The public entry point comes from Multicall (payable, gen 1
/// and gen 2) or MulticallNonpayable (gen 3's ABI).
abstract contract MulticallBatch {
    function _multicall(bytes[] calldata data) internal returns (bytes[] memory results) {
        results = new bytes[](data.length);
        for (uint256 i = 0; i < data.length; i++) {
            (bool ok, bytes memory result) = address(this).delegatecall(data[i]);
            if (!ok) _bubble(result);
            results[i] = result;
        }
    }

    /// Re-raises a failed call's revert data unchanged, so a batch fails with the same reason as its call.
    function _bubble(bytes memory revertData) private pure {
        assembly {
            revert(add(revertData, 32), mload(revertData))
        }
    }
}

abstract contract Multicall is MulticallBatch {
    function multicall(bytes[] calldata data) external payable returns (bytes[] memory results) {
        return _multicall(data);
    }
}

abstract contract MulticallNonpayable is MulticallBatch {
    function multicall(bytes[] calldata data) external returns (bytes[] memory results) {
        return _multicall(data);
    }
}
