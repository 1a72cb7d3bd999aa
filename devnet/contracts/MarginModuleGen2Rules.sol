// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
pragma abicoder v2;

import './MarginModuleBase.sol';

/// The rules of the Dex223 MarginModule at commit 2090499, "gen 2" (shared/spec/generations.md §2), on the shared
/// base, for gen 2 and gen 3 alike. What changes from gen 1: the debt rounds per period, the insolvency estimate is
/// 0 instead of a division by zero on zero-interest positions, the leverage check is exact, a reentrancy guard
/// covers every function that moves funds, anyone can complete a liquidation (the forced swaps check nobody's
/// identity and refuse less than 95 % of the oracle's quote), the assets are sold walking backwards so none is
/// skipped, the reward is paid after the close, and positionClose sells what it needs to.
abstract contract MarginModuleGen2Rules is MarginModuleBase {
    // A forced swap must return at least this share of the oracle's quote for the whole amount.
    uint256 private constant MIN_OUT_BPS = 9500;
    uint256 private constant BPS = 10000;

    // Stored right after positionIndex, as in the real module.
    bool private _entered;

    modifier nonReentrant() override {
        require(!_entered, 'REENTRANCY');
        _entered = true;
        _;
        _entered = false;
    }

    /// ib + floor(floor(ib * rate / 10000) * elapsed / 30 days): the per-period interest is rounded first, so
    /// small loans accrue nothing at all. Every product and the final sum wrap modulo 2^256.
    function calculateDebtAmount(Position storage position) internal view override returns (uint256) {
        uint256 elapsed = block.timestamp - position.createdAt;
        uint256 perPeriod = (position.initialBalance * position.interest) / INTEREST_DENOMINATOR;
        return position.initialBalance + (perPeriod * elapsed) / INTEREST_PERIOD;
    }

    /// 0 unless value > debt with a non-zero rate and loan. The divisor interest * ib can still wrap to 0 with
    /// both factors non-zero, and then the view hits the invalid opcode, as the real one does.
    function _expectedInsolvencyTime(
        Position storage position,
        uint256 debt,
        uint256 value
    ) internal view override returns (uint256) {
        if (value <= debt || position.interest == 0 || position.initialBalance == 0) return 0;
        uint256 interestPerPeriod = position.interest * position.initialBalance;
        return ((value - debt) * INTEREST_DENOMINATOR * INTEREST_PERIOD) / interestPerPeriod + block.timestamp;
    }

    /// Exact check loan + collateral <= leverage * collateral (all in base units, wrapping), instead of gen 1's
    /// rounded ratio; a collateral the oracle values at 0 is refused. InitialLeverage still reports the ratio.
    function _initialLeverage(
        uint256 orderId,
        address collateral,
        uint256 collateralAmount,
        uint256 amount
    ) internal view override returns (uint256 leverage) {
        uint256 collateralInBase = _collateralInBase(orderId, collateral, collateralAmount);
        require(collateralInBase > 0, 'Collateral error');
        require(collateralInBase + amount <= orders[orderId].leverage * collateralInBase, 'Leverage error');
        leverage = (collateralInBase + amount) / collateralInBase;
    }

    function _countsPositionBeforeFunding() internal pure override returns (bool) {
        return true;
    }

    function _requireLiquidatable(uint256 positionId) internal view override {
        require(subjectToLiquidation(positionId), 'Not liquidatable');
    }

    /// Sells every non-base asset (backwards), repays silently, closes, and only then pays the reward; Liquidation
    /// is the transaction's last event, after the reward's own Transfer. The liquidator field is not consulted:
    /// whoever calls in the window completes and is named in the event.
    function _completeLiquidation(uint256 positionId, address receiver) internal override {
        Position storage position = positions[positionId];
        uint256 orderId = position.orderId;
        _sellBackwards(positionId, true, 0);
        _paybackBaseAsset(position);
        position.open = false;
        order_status[orderId].positions--;
        _payReward(orderId, receiver);
        emit Liquidation(positionId, orderId, msg.sender, receiver);
    }

    /// Sells the non-base assets for base from the last one down, skipping empty ones: all of them, or only until
    /// the base balance reaches `enough`. Walking backwards, a swap-and-pop removal only moves an asset already
    /// visited, so none is skipped.
    function _sellBackwards(uint256 positionId, bool all, uint256 enough) private {
        Position storage position = positions[positionId];
        for (uint256 i = position.assets.length - 1; i > 0; i--) {
            if (!all && position.balances[0] >= enough) return;
            uint256 balance = position.balances[i];
            if (balance != 0) _forcedSwapToBase(positionId, position.assets[i], balance);
        }
    }

    /// Sells `amount` of `asset` through the pool the order's oracle rates deepest, in nobody's name, refusing less
    /// than 95 % of the oracle's quote for the whole amount. An asset held under a pool token's ERC-223 address
    /// goes into the pool by ERC-223 deposit; anything else through the router with no price limit.
    function _forcedSwapToBase(uint256 positionId, address asset, uint256 amount) private {
        Order storage order = orders[positions[positionId].orderId];
        address baseAsset = order.baseAsset;
        IMarginOracle oracle = IMarginOracle(order.oracle);
        (address pool, , uint24 fee) = oracle.findPoolWithHighestLiquidity(asset, baseAsset);
        uint256 minOut = (oracle.getAmountOut(baseAsset, asset, amount) * MIN_OUT_BPS) / BPS;
        // Plain token lists revert here for an asset or a base they do not hold.
        getIdFromTokenlist(order.whitelist, asset);
        getIdFromTokenlist(order.whitelist, baseAsset);

        (, address token0Erc223, , address token1Erc223) = _poolTokens(pool);
        uint256 amountOut;
        if (asset == token0Erc223 || asset == token1Erc223) {
            amountOut = _swapByErc223Deposit(pool, asset, fee, amount);
            require(amountOut >= minOut, 'Too little received');
        } else {
            amountOut = _swapThroughRouter(asset, baseAsset, fee, amount, minOut, 0);
        }
        _settleSwap(positionId, asset, baseAsset, amount, amountOut);
    }

    /// Checks: open, then who may close, then not frozen, then not liquidatable. Then the assets are sold
    /// backwards until the base covers the debt, the debt is repaid in full, the position closes, and the reward
    /// goes to the caller. With autoWithdraw every asset that still has a balance goes to the owner, from a
    /// snapshot of the asset list so that none is skipped.
    function positionClose(uint256 positionId, bool autoWithdraw) public override nonReentrant {
        Position storage position = positions[positionId];
        require(position.open, 'Position is not open');
        require(_isCloseAuthorized(position), 'Not authorized to close');
        require(position.frozenTime == 0, 'Position frozen');
        require(!subjectToLiquidation(positionId), 'Subject to liquidation');

        _sellBackwards(positionId, false, calculateDebtAmount(position));
        require(_paybackBaseAsset(position) == 0, 'Insufficient funds to close');
        position.open = false;
        _payReward(position.orderId, msg.sender);
        emit PositionClosed(positionId, msg.sender);
        OrderStatus storage status = order_status[position.orderId];
        if (status.positions > 0) status.positions--;

        if (autoWithdraw) {
            address[] memory held = position.assets;
            for (uint256 i = 0; i < held.length; i++) {
                uint256 id = getAssetId(positionId, held[i]);
                if (position.balances[id] > 0) _withdrawAll(positionId, held[i], position.owner);
            }
        }
    }
}
