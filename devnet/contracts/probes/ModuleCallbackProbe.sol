// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

/// The `positions(id)` getter every MarginModule generation shares.
interface IMarginModulePositions {
    function positions(uint256 positionId)
        external
        view
        returns (
            uint256 orderId,
            address owner,
            uint256 deadline,
            uint256 createdAt,
            uint256 initialBalance,
            uint256 interest,
            bool open,
            uint256 frozenTime,
            address liquidator
        );
}

/// Test receiver of an ETH liquidation reward: when paid, it records whether the position was still open (gen 1
/// pays before closing, later generations after) and tries one call back into the module (a reentrancy guard
/// makes it fail). It can also act as an account of its own (`exec`), for instance to own an order.
contract ModuleCallbackProbe {
    address public immutable module;
    uint256 public watchedPosition;
    bytes public reentryCall;

    bool public paid;
    bool public openWhenPaid;
    bool public reentrySucceeded;
    bytes public reentryRevertData;

    constructor(address module_) {
        module = module_;
    }

    function arm(uint256 positionId, bytes calldata call) external {
        watchedPosition = positionId;
        reentryCall = call;
    }

    /// Calls `target` as this contract, passing a revert through unchanged.
    function exec(address target, bytes calldata data) external payable returns (bytes memory result) {
        bool ok;
        (ok, result) = target.call{value: msg.value}(data);
        if (!ok) {
            // solhint-disable-next-line no-inline-assembly
            assembly {
                revert(add(result, 32), mload(result))
            }
        }
    }

    receive() external payable {
        paid = true;
        (, , , , , , bool open, , ) = IMarginModulePositions(module).positions(watchedPosition);
        openWhenPaid = open;
        if (reentryCall.length == 0) return;
        bytes memory result;
        (reentrySucceeded, result) = module.call(reentryCall);
        if (!reentrySucceeded) reentryRevertData = result;
    }
}
