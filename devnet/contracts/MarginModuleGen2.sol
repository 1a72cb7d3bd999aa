// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
pragma abicoder v2;

import './MarginModuleGen2Rules.sol';

/// Devnet stand-in for the Dex223 MarginModule at commit 2090499, "gen 2": its rules with gen 1's payable
/// multicall. Built as deployed: optimizer runs 1, revert strings stripped, so every require reverts with empty data.
contract MarginModuleGen2 is MarginModuleGen2Rules, Multicall {
    constructor(address factory_, address router_) MarginModuleBase(factory_, router_) {}
}
