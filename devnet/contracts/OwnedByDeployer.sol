// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

/// Devnet contracts that have knobs let only their deployer turn them.
abstract contract OwnedByDeployer {
    address public owner;

    constructor() {
        owner = msg.sender;
    }

    modifier onlyOwner() {
        require(msg.sender == owner, "only owner");
        _;
    }
}
