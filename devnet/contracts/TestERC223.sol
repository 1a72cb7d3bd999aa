// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "./interfaces/IERC223.sol";
import "./MintableERC20.sol";

/// The ERC-223 twin of a test token: a separate contract at its own address, so tests can hold an asset under
/// its ERC-223 address. Plain transfer/transferFrom stay ERC-20 (no callback), which lets a MarginModule pull it
/// like any ERC-20; only transfer-with-data notifies a contract recipient.
contract TestERC223 is MintableERC20, IERC223 {
    bytes4 private constant TOKEN_RECEIVED = 0x8943ec02;

    constructor(string memory name_, string memory symbol_, uint8 decimals_)
        MintableERC20(name_, symbol_, decimals_)
    {}

    /// Dex223's token-standard introspection.
    function standard() external pure returns (uint32) {
        return 223;
    }

    /// Moves the tokens first, then asks a contract recipient to accept them; a wrong answer undoes the transfer.
    function transfer(address to, uint256 amount, bytes calldata data) external override returns (bool) {
        moveTokens(msg.sender, to, amount);
        if (isContract(to)) {
            bytes4 answer = IERC223Recipient(to).tokenReceived(msg.sender, amount, data);
            require(answer == TOKEN_RECEIVED, "ERC223: recipient rejected tokens");
        }
        return true;
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
