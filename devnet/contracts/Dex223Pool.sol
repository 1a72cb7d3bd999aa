// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
pragma abicoder v2;

import "./interfaces/IERC20Minimal.sol";
import "./interfaces/IERC223.sol";
import "./interfaces/IUniswapV3PoolMinimal.sol";

/// The devnet test tokens (ERC-20s and their ERC-223 twins) mint to anyone.
interface IMintableToken {
    function mint(address to, uint256 amount) external;
}

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
///
/// ERC-223 deposits: a twin sent with Dex223's swap call attached (`tokenReceived` with
/// swap(recipient, zeroForOne, amountIn, sqrtPriceLimitX96, prefer223Out, data)) is swapped exact-input by the
/// Uniswap pool logic. Dex223 converts between a token's two forms with its converter; the devnet's twins are
/// independent free-mint tokens, so this contract stands in for the converter: it keeps the twins it receives and
/// mints the ERC-20 the Uniswap pool accounts for, and pays ERC-223 output from the twins it holds, minting the
/// shortfall. The pool's state and its own events are exactly those of the same ERC-20 swap; the token logs are
/// not (the mints appear, and no ERC-20 enters from the swapper).
/// This contract has no storage of its own: its slots are the Uniswap pool's.
contract Dex223Pool is IERC223Recipient {
    bytes4 private constant TOKEN_RECEIVED = 0x8943ec02;
    bytes4 private constant DEX223_SWAP = bytes4(keccak256("swap(address,bool,int256,uint160,bool,bytes)"));

    struct SwapCall {
        address recipient;
        bool zeroForOne;
        int256 amountIn;
        uint160 sqrtPriceLimitX96;
        bool prefer223Out;
    }

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

    /// Swaps an ERC-223 deposit. The sender must be one of the pool's twins and the input side of the swap; the
    /// amount in must not exceed the deposit, and whatever the swap leaves unused (a price limit reached) goes back
    /// to `from`. The swap call's own `data` argument is not read.
    function tokenReceived(address from, uint256 amount, bytes calldata data) external override returns (bytes4) {
        bool depositIsToken0 = msg.sender == token0_erc223;
        require(depositIsToken0 || msg.sender == token1_erc223, "not a twin of this pool");
        require(data.length >= 164 && selectorOf(data) == DEX223_SWAP, "no swap call attached");
        SwapCall memory call = decodeSwapCall(data);
        require(call.zeroForOne == depositIsToken0, "deposit is not the swap input");
        require(call.amountIn > 0 && uint256(call.amountIn) <= amount, "exact input within the deposit");
        uint256 spent = swapDeposit(call);
        if (spent < amount) require(IERC20Minimal(msg.sender).transfer(from, amount - spent), "refund failed");
        return TOKEN_RECEIVED;
    }

    /// Runs the Uniswap swap by a call to this very address, so the Uniswap code's callback comes back here (and
    /// only here); returns the input the pool took.
    function swapDeposit(SwapCall memory call) private returns (uint256 spent) {
        (int256 amount0, int256 amount1) =
            IUniswapV3PoolMinimal(address(this)).swap(
                call.prefer223Out ? address(this) : call.recipient,
                call.zeroForOne,
                call.amountIn,
                call.sqrtPriceLimitX96,
                ""
            );
        uint256 received;
        (spent, received) = call.zeroForOne
            ? (uint256(amount0), uint256(-amount1))
            : (uint256(amount1), uint256(-amount0));
        if (call.prefer223Out) payTwin(call.zeroForOne ? token1_erc223 : token0_erc223, call.recipient, received);
    }

    /// The static head of swap(address,bool,int256,uint160,bool,bytes); the trailing bytes are never decoded.
    function decodeSwapCall(bytes calldata data) private pure returns (SwapCall memory call) {
        (call.recipient, call.zeroForOne, call.amountIn, call.sqrtPriceLimitX96, call.prefer223Out) = abi.decode(
            data[4:164],
            (address, bool, int256, uint160, bool)
        );
    }

    /// The Uniswap code asks its caller for the input; only this contract's own swap (above) makes this address
    /// the caller, and then the input has already arrived as twins: mint its ERC-20 form here.
    function uniswapV3SwapCallback(int256 amount0Delta, int256 amount1Delta, bytes calldata) external {
        require(msg.sender == address(this), "only the pool itself");
        if (amount0Delta > 0) IMintableToken(token0_erc20).mint(address(this), uint256(amount0Delta));
        if (amount1Delta > 0) IMintableToken(token1_erc20).mint(address(this), uint256(amount1Delta));
    }

    /// ERC-223's two-argument transfer (the ERC-20 selector): the devnet twins notify only on transfer with data.
    function payTwin(address twin, address to, uint256 amount) private {
        uint256 held = IERC20Minimal(twin).balanceOf(address(this));
        if (held < amount) IMintableToken(twin).mint(address(this), amount - held);
        require(IERC20Minimal(twin).transfer(to, amount), "twin transfer failed");
    }

    function selectorOf(bytes calldata data) private pure returns (bytes4 selector) {
        // solhint-disable-next-line no-inline-assembly
        assembly {
            selector := calldataload(data.offset)
        }
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
