// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

/// ERC-223 transfer with data: a contract recipient is notified through `tokenReceived`.
interface IERC223 {
    function transfer(address to, uint256 amount, bytes calldata data) external returns (bool);
}

interface IERC223Recipient {
    /// Must return 0x8943ec02 (the selector of tokenReceived(address,uint256,bytes)).
    function tokenReceived(address from, uint256 amount, bytes calldata data) external returns (bytes4);
}
