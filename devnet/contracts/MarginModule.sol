// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
pragma abicoder v2;

import './MarginModuleBase.sol';

/// Devnet stand-in for generation 1 of the Dex223 MarginModule (see shared/spec/margin-module.md): the shared
/// base with gen 1's debt rounding, integer-ratio leverage check, no reentrancy guard, and its liquidation and
/// close that sell through the public marginSwap in the caller's name. Built with the default settings (runs 200,
/// revert strings kept).
contract MarginModule is MarginModuleBase, Multicall {
    constructor(address factory_, address router_) MarginModuleBase(factory_, router_) {}

    /// Debt is principal plus simple interest, not capped at the deadline:
    /// ib + (ib * rate * elapsed / 30 days) / 10000, every step wrapping modulo 2^256.
    function calculateDebtAmount(Position storage position) internal view override returns (uint256) {
        uint256 elapsed = block.timestamp - position.createdAt;
        uint256 interest = (position.initialBalance * position.interest * elapsed) / INTEREST_PERIOD;
        return interest / INTEREST_DENOMINATOR + position.initialBalance;
    }

    /// Divides by interest * initialBalance, so it reverts (invalid opcode) for a healthy zero-interest position.
    function _expectedInsolvencyTime(
        Position storage position,
        uint256 debt,
        uint256 value
    ) internal view override returns (uint256) {
        if (value <= debt) return 0;
        uint256 interestPerPeriod = position.interest * position.initialBalance;
        return ((value - debt) * INTEREST_DENOMINATOR * INTEREST_PERIOD) / interestPerPeriod + block.timestamp;
    }

    /// (collateral value + loan) / collateral value, priced by the order's own oracle. A collateral worth 0
    /// divides by zero and hits the invalid opcode, as in the real module.
    function _initialLeverage(
        uint256 orderId,
        address collateral,
        uint256 collateralAmount,
        uint256 amount
    ) internal view override returns (uint256 leverage) {
        uint256 collateralInBase = _collateralInBase(orderId, collateral, collateralAmount);
        leverage = (collateralInBase + amount) / collateralInBase;
        require(leverage <= MAX_INITIAL_LEVERAGE, 'Leverage exceeds maxuint8');
        require(uint8(leverage) <= orders[orderId].leverage, 'Leverage error');
    }

    function _countsPositionBeforeFunding() internal pure override returns (bool) {
        return false;
    }

    function _requireLiquidatable(uint256 positionId) internal view override {
        require(subjectToLiquidation(positionId), 'Liquidation criteria are not met');
    }

    /// Sells, repays, pays the reward, and only then closes.
    function _completeLiquidation(uint256 positionId, address receiver) internal override {
        Position storage position = positions[positionId];
        _sellAssetsForBase(positionId);
        _paybackBaseAsset(position);
        _payReward(position.orderId, receiver);
        position.open = false;
        order_status[position.orderId].positions--;
        emit Liquidation(positionId, position.orderId, msg.sender, receiver);
    }

    /// Sells every non-base asset for the base asset, in the caller's name (see marginSwap). Gen-1 quirk kept on
    /// purpose: a full sale removes asset i and moves the last asset into slot i, and the loop still moves on,
    /// so every other asset is skipped and keeps its balance.
    function _sellAssetsForBase(uint256 positionId) private {
        Position storage position = positions[positionId];
        for (uint256 i = 1; i < position.assets.length; i++) {
            uint256 balance = position.balances[i];
            if (balance != 0) _swapToBaseAsset(positionId, position.assets[i], balance);
        }
    }

    /// Sells `amount` of `asset` through the pool the order's oracle rates deepest, with no price protection.
    /// Both assets must be findable in the order's token list (plain lists revert otherwise, even for the base).
    function _swapToBaseAsset(uint256 positionId, address asset, uint256 amount) private {
        Order storage order = orders[positions[positionId].orderId];
        address baseAsset = order.baseAsset;
        (address pool, , uint24 fee) = IMarginOracle(order.oracle).findPoolWithHighestLiquidity(asset, baseAsset);
        require(pool != address(0), 'No pool available');
        (, address token0Erc223, , address token1Erc223) = _poolTokens(pool);

        uint256 idInList = getIdFromTokenlist(order.whitelist, asset);
        uint256 baseIdInList = getIdFromTokenlist(order.whitelist, baseAsset);
        uint256 assetId = getAssetId(positionId, asset);
        if (asset == token0Erc223 || asset == token1Erc223) {
            marginSwap223(positionId, assetId, idInList, baseIdInList, amount, baseAsset, fee);
        } else {
            marginSwap(positionId, assetId, idInList, baseIdInList, amount, baseAsset, fee, 0, 0);
        }
    }

    /// The owner may close at any time, the lender only after the position's deadline; never while frozen or
    /// liquidatable. The position is marked closed before any sale, and a sale credits a closed position, so
    /// closing only succeeds when the base balance alone covers the debt (a short base balance makes it revert).
    function positionClose(uint256 positionId, bool autoWithdraw) public override {
        Position storage position = positions[positionId];
        require(position.open);
        require(_isCloseAuthorized(position));
        require(position.frozenTime == 0, 'Position frozen');
        require(subjectToLiquidation(positionId) == false, 'Subject to liquidation');
        position.open = false;

        if (_paybackBaseAsset(position) > 0) {
            _sellAssetsForBase(positionId);
            require(_paybackBaseAsset(position) == 0, 'Insufficient funds to close position');
        }
        _payReward(position.orderId, msg.sender);
        emit PositionClosed(positionId, msg.sender);
        order_status[position.orderId].positions--;

        // Withdrawing removes assets while iterating, so like liquidation this skips every other asset.
        if (autoWithdraw) {
            for (uint256 i = 0; i < position.assets.length; i++) {
                positionWithdraw(positionId, position.assets[i]);
            }
        }
    }
}
