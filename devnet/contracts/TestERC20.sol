// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "./MintableERC20.sol";

/// A plain ERC-20 test token.
contract TestERC20 is MintableERC20 {
    constructor(string memory name_, string memory symbol_, uint8 decimals_)
        MintableERC20(name_, symbol_, decimals_)
    {}
}
