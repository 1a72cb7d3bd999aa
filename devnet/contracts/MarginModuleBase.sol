// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
pragma abicoder v2;

import './Multicall.sol';
import './interfaces/IDex223Factory.sol';
import './interfaces/IDex223SwapRouter.sol';
import './interfaces/IERC20Minimal.sol';
import './interfaces/IERC223.sol';
import './interfaces/IMarginOracle.sol';
import './interfaces/IUniswapV3PoolMinimal.sol';

/// An auto-listing registry; an `isContract` token list holds its address as tokens[0].
interface IMarginAutoListing {
    function isListed(address token) external view returns (bool);
}

/// What every generation of the devnet's Dex223 MarginModule shares: storage (in the real module's slot order),
/// events, token lists, orders, positions and their balances, trading, valuation and funds. The generations
/// (MarginModule = gen 1, MarginModuleGen2, MarginModuleGen3) differ in the hooks left virtual here: debt,
/// insolvency estimate, leverage check, reentrancy guard, completion of a liquidation, closing, and how a pool
/// names its tokens. Compiled with solc 0.7.6, so all arithmetic wraps modulo 2^256 and a division by zero hits
/// the invalid opcode; the keeper's models depend on both, as on the quirks kept below on purpose.
abstract contract MarginModuleBase is MulticallBatch, IERC223Recipient {
    // The initial leverage is compared with the order's uint8 limit, so it must fit in a uint8 first.
    uint256 internal constant MAX_INITIAL_LEVERAGE = 255;
    // A freeze can be completed for this long; after that the next liquidator freezes afresh.
    uint256 internal constant FREEZE_WINDOW = 1 hours;
    // interestRate 10000 = 100 % per INTEREST_PERIOD.
    uint256 internal constant INTEREST_DENOMINATOR = 10000;
    uint256 internal constant INTEREST_PERIOD = 30 days;
    bytes4 private constant ERC223_RECEIVED = 0x8943ec02;
    // Uniswap v3 TickMath bounds: a swap with no price limit uses the bound just inside them.
    uint160 private constant MIN_SQRT_RATIO = 4295128739;
    uint160 private constant MAX_SQRT_RATIO = 1461446703485210103287273052203988822378723970342;

    /// createOrder's single tuple argument.
    struct OrderParams {
        bytes32 whitelistId;
        uint256 interestRate;
        uint256 duration;
        uint256 minLoan;
        uint256 liquidationRewardAmount;
        address liquidationRewardAsset;
        address asset;
        uint32 deadline;
        uint16 currencyLimit;
        uint8 leverage;
        address oracle;
        address[] collateral;
    }

    struct Tokenlist {
        bool exists;
        bool isContract;
        address[] tokens;
    }

    /// The liquidation reward a borrower escrows when opening a position, and the order's own deadline.
    struct OrderExpiration {
        uint256 liquidationRewardAmount;
        address liquidationRewardAsset;
        uint32 deadline;
    }

    // Field order fixes the `orders(uint256)` getter's outputs; collateralAssets is left out of it.
    struct Order {
        address owner;
        uint256 id;
        bytes32 whitelist;
        uint256 interestRate;
        uint256 duration;
        uint256 minLoan;
        address baseAsset;
        uint16 currencyLimit;
        uint8 leverage;
        address oracle;
        uint256 balance;
        OrderExpiration expirationData;
        address[] collateralAssets;
    }

    struct OrderStatus {
        bool alive;
        uint8 positions; // open positions; the order's terms are locked while it is non-zero (wraps at 256)
    }

    // Field order fixes the `positions(uint256)` getter's outputs; the two arrays are left out of it.
    struct Position {
        uint256 orderId;
        address owner;
        address[] assets; // assets[0] is always the order's base asset
        uint256[] balances;
        uint256 deadline;
        uint256 createdAt;
        uint256 initialBalance;
        uint256 interest;
        bool open;
        uint256 frozenTime;
        address liquidator;
    }

    /// Callback payload the Dex223 pool expects with an ERC-223 swap deposit.
    struct Erc223SwapCallback {
        bytes path;
        address payer;
    }

    // Storage in the real module's slot order, so slot-level inspection reads the same layout.
    IDex223Factory public factory;
    IDex223SwapRouter public router;

    mapping(uint256 => Order) public orders;
    mapping(uint256 => OrderStatus) public order_status;
    mapping(uint256 => Position) public positions;
    /// ERC-223 tokens received and not yet used, per sender and token.
    mapping(address => mapping(address => uint256)) public erc223deposit;
    mapping(bytes32 => Tokenlist) public tokenlists;
    /// The collateral a position was opened with: accepted later even when it is not whitelisted.
    mapping(uint256 => address) public positionInitialCollateral;

    uint256 public orderIndex;
    uint256 public positionIndex;

    event OrderCreated(
        uint256 indexed orderId,
        address indexed owner,
        address indexed baseAsset,
        bytes32 whitelistId,
        uint256 interestRate,
        uint256 duration,
        uint256 minLoan,
        uint8 leverage,
        address oracle
    );
    event OrderModified(
        uint256 indexed orderId,
        address indexed owner,
        address indexed baseAsset,
        bytes32 tokenWhitelist,
        uint256 interestRate,
        uint256 duration,
        uint256 minLoan,
        uint8 leverage,
        address oracle
    );
    event OrderAliveStatus(uint256 indexed orderId, bool alive);
    event OrderDeposit(uint256 indexed orderId, address indexed asset, uint256 amount);
    event OrderWithdraw(uint256 indexed orderId, address indexed asset, uint256 amount);
    event OrderCollateralsSet(uint256 indexed orderId, address[] collaterals);
    event TokenlistAdded(bytes32 indexed hash, bool is_contract, address[] tokens);
    event PositionOpened(
        uint256 indexed positionId,
        address indexed owner,
        uint256 loanAmount,
        address baseAsset,
        address collateral,
        uint256 collateral_amount
    );
    event InitialLeverage(uint256 positionId, uint256 leverage);
    event PositionDeposit(uint256 indexed positionId, address indexed asset, uint256 amount);
    event PositionFrozen(uint256 indexed positionId, address indexed liquidator, uint256 timestamp);
    /// Declared by the real module but never emitted; kept for ABI parity.
    event PositionLiquidated(uint256 indexed positionId, address indexed liquidator, uint256 rewardAmount);
    event MarginSwap(uint256 indexed positionId, address assetIn, address assetOut, uint256 amountIn, uint256 amountOut);
    event Liquidation(uint256 indexed positionId, uint256 indexed orderId, address indexed liquidator, address feeReceiver);
    event PositionWithdrawal(uint256 indexed positionId, address indexed asset, uint256 quantity);
    event PositionClosed(uint256 indexed positionId, address closedBy);
    event NewAsset(uint256 positionId, address asset);
    event AssetRemoved(uint256 positionId, address asset);

    modifier onlyOrderOwner(uint256 orderId) {
        require(orders[orderId].owner == msg.sender);
        _;
    }

    /// Gen 1 has no reentrancy guard; later generations put one on every function that moves funds.
    modifier nonReentrant() virtual {
        _;
    }

    constructor(address factory_, address router_) {
        factory = IDex223Factory(factory_);
        router = IDex223SwapRouter(router_);
    }

    // ---------------------------------------------------------------- token lists

    function predictTokenListsID(address[] calldata tokens, bool isContract) public pure returns (bytes32) {
        return keccak256(abi.encode(isContract, tokens));
    }

    /// Registers a token list under the hash of its content; registering it again is a no-op without an event.
    function addTokenlist(address[] calldata tokens, bool isContract) public returns (bytes32 listId) {
        listId = predictTokenListsID(tokens, isContract);
        if (tokenlists[listId].exists) return listId;
        tokenlists[listId] = Tokenlist(true, isContract, tokens);
        emit TokenlistAdded(listId, isContract, tokens);
    }

    function getTokenlist(bytes32 listId) public view returns (address[] memory) {
        return tokenlists[listId].tokens;
    }

    /// Index of `asset` in a plain list (reverts when absent); 0 for an auto-listing list, which has no indices.
    function getIdFromTokenlist(bytes32 listId, address asset) public view returns (uint256) {
        Tokenlist storage list = tokenlists[listId];
        if (list.isContract) return 0;
        for (uint256 i = 0; i < list.tokens.length; i++) {
            if (list.tokens[i] == asset) return i;
        }
        revert();
    }

    // ---------------------------------------------------------------- orders

    function createOrder(OrderParams memory params) public returns (uint256 orderId) {
        require(params.leverage > 1);
        require(params.deadline > block.timestamp);
        _checkOrderOracle(params.oracle);

        orderId = orderIndex;
        Order storage order = orders[orderId];
        order.owner = msg.sender;
        order.id = orderId;
        order.whitelist = params.whitelistId;
        order.interestRate = params.interestRate;
        order.duration = params.duration;
        order.minLoan = params.minLoan;
        order.baseAsset = params.asset;
        order.currencyLimit = params.currencyLimit;
        order.leverage = params.leverage;
        order.oracle = params.oracle;
        order.expirationData = OrderExpiration(
            params.liquidationRewardAmount,
            params.liquidationRewardAsset,
            params.deadline
        );
        order.collateralAssets = params.collateral;
        order_status[orderId] = OrderStatus(true, 0);

        emit OrderCreated(
            orderId,
            msg.sender,
            params.asset,
            params.whitelistId,
            params.interestRate,
            params.duration,
            params.minLoan,
            params.leverage,
            params.oracle
        );
        emit OrderCollateralsSet(orderId, params.collateral);
        orderIndex = orderId + 1;
    }

    function orderSetCollaterals(uint256 orderId, address[] calldata collateral) public onlyOrderOwner(orderId) {
        require(order_status[orderId].positions == 0, 'Order has active positions');
        require(collateral.length > 0, 'Order must have at least one collateral');
        orders[orderId].collateralAssets = collateral;
        emit OrderCollateralsSet(orderId, collateral);
    }

    function setOrderStatus(uint256 orderId, bool alive) public onlyOrderOwner(orderId) {
        order_status[orderId].alive = alive;
        emit OrderAliveStatus(orderId, alive);
    }

    /// Rewrites the order's terms (not its base asset or collaterals). Unlike createOrder it does not check the
    /// leverage or the deadline, and its event omits currencyLimit and the reward: readers re-read the order.
    function modifyOrder(
        uint256 orderId,
        bytes32 whitelist,
        uint256 interestRate,
        uint256 duration,
        uint256 minLoan,
        uint16 currencyLimit,
        uint8 leverage,
        address oracle,
        uint256 liquidationRewardAmount,
        address liquidationRewardAsset,
        uint32 deadline
    ) public onlyOrderOwner(orderId) {
        require(order_status[orderId].positions == 0, 'Cannot modify an Order which parents active positions');
        _checkOrderOracle(oracle);
        Order storage order = orders[orderId];
        order.whitelist = whitelist;
        order.interestRate = interestRate;
        order.duration = duration;
        order.minLoan = minLoan;
        order.currencyLimit = currencyLimit;
        order.leverage = leverage;
        order.oracle = oracle;
        order.expirationData = OrderExpiration(liquidationRewardAmount, liquidationRewardAsset, deadline);
        _emitOrderModified(orderId);
    }

    /// Any oracle is accepted per order, except where a generation restricts it (gen 3, configurable).
    function _checkOrderOracle(address oracle) internal view virtual {}

    function _emitOrderModified(uint256 orderId) private {
        Order storage order = orders[orderId];
        emit OrderModified(
            orderId,
            msg.sender,
            order.baseAsset,
            order.whitelist,
            order.interestRate,
            order.duration,
            order.minLoan,
            order.leverage,
            order.oracle
        );
    }

    function orderDepositEth(uint256 orderId) public payable nonReentrant onlyOrderOwner(orderId) {
        require(isOrderOpen(orderId), 'Order is expired');
        require(orders[orderId].baseAsset == address(0));
        orders[orderId].balance += msg.value;
        emit OrderDeposit(orderId, address(0), msg.value);
    }

    function orderDepositToken(uint256 orderId, uint256 amount) public nonReentrant onlyOrderOwner(orderId) {
        require(isOrderOpen(orderId), 'Order is expired');
        address baseAsset = orders[orderId].baseAsset;
        require(baseAsset != address(0));
        _receiveAsset(baseAsset, amount);
        orders[orderId].balance += amount;
        emit OrderDeposit(orderId, baseAsset, amount);
    }

    /// The lender may take back unlent funds at any time, even while the order is open. (Gen 2 names this require
    /// "Insufficient order balance", a text its deployed build strips.)
    function orderWithdraw(uint256 orderId, uint256 amount) public nonReentrant onlyOrderOwner(orderId) {
        Order storage order = orders[orderId];
        require(order.balance >= amount);
        order.balance -= amount;
        _send(order.baseAsset, amount, msg.sender);
        emit OrderWithdraw(orderId, order.baseAsset, amount);
    }

    function isOrderOpen(uint256 orderId) public view returns (bool) {
        (, , uint32 deadline) = getOrderExpirationData(orderId);
        return orders[orderId].collateralAssets.length > 0 && deadline > block.timestamp && order_status[orderId].alive;
    }

    // ---------------------------------------------------------------- opening a position

    /// Lends `amount` of the order's base asset against `collateralAmount` of its collateral number
    /// `collateralIdx`, and escrows the order's liquidation reward. ETH collateral and an ETH reward come from
    /// msg.value; any ETH beyond them stays in the module (the real one does not refund it either).
    function takeLoan(uint256 orderId, uint256 amount, uint256 collateralIdx, uint256 collateralAmount)
        public
        payable
        nonReentrant
    {
        _requireLoanTerms(orderId, amount, collateralIdx);
        Order storage order = orders[orderId];
        address collateral = order.collateralAssets[collateralIdx];
        uint256 leverage = _initialLeverage(orderId, collateral, collateralAmount, amount);

        uint256 positionId = positionIndex;
        _openPosition(positionId, orderId, amount, collateral, collateralAmount);
        bool countedEarly = _countsPositionBeforeFunding();
        if (countedEarly) positionIndex = positionId + 1;
        _collectCollateralAndReward(orderId, collateral, collateralAmount);
        require(!subjectToLiquidation(positionId), 'Position is immediately exposed to liquidation');
        order_status[orderId].positions++;

        emit PositionOpened(positionId, msg.sender, amount, order.baseAsset, collateral, collateralAmount);
        emit InitialLeverage(positionId, leverage);
        // Gen 1 announces both assets a second time here (addAsset already did); the subgraph sees both.
        emit NewAsset(positionId, order.baseAsset);
        if (collateral != order.baseAsset) emit NewAsset(positionId, collateral);
        if (!countedEarly) positionIndex = positionId + 1;
    }

    /// Gen 1 advances positionIndex after pulling the collateral and the reward; gen 2 before.
    function _countsPositionBeforeFunding() internal pure virtual returns (bool);

    function _requireLoanTerms(uint256 orderId, uint256 amount, uint256 collateralIdx) private view {
        require(isOrderOpen(orderId), 'Order is expired');
        Order storage order = orders[orderId];
        require(tokenlists[order.whitelist].tokens.length != 0, 'Orders whitelist is empty');
        require(collateralIdx < order.collateralAssets.length, 'Collaterals error');
        require(order.minLoan <= amount, 'Minloan error');
        require(order.balance >= amount, 'Balance error');
    }

    /// Checks the loan against the order's leverage limit; returns what InitialLeverage reports.
    function _initialLeverage(
        uint256 orderId,
        address collateral,
        uint256 collateralAmount,
        uint256 amount
    ) internal view virtual returns (uint256 leverage);

    /// The collateral's worth in base units, by the order's oracle (the base asset is worth itself).
    function _collateralInBase(uint256 orderId, address collateral, uint256 collateralAmount)
        internal
        view
        returns (uint256)
    {
        Order storage order = orders[orderId];
        if (collateral == order.baseAsset) return collateralAmount;
        return IMarginOracle(order.oracle).getAmountOut(order.baseAsset, collateral, collateralAmount);
    }

    function _openPosition(
        uint256 positionId,
        uint256 orderId,
        uint256 amount,
        address collateral,
        uint256 collateralAmount
    ) private {
        Order storage order = orders[orderId];
        positionInitialCollateral[positionId] = collateral;

        Position storage position = positions[positionId];
        position.orderId = orderId;
        position.owner = msg.sender;
        position.deadline = block.timestamp + order.duration;
        position.createdAt = block.timestamp;
        position.initialBalance = amount;
        position.interest = order.interestRate;
        position.open = true;

        order.balance -= amount;
        addAsset(positionId, order.baseAsset, amount);
        addAsset(positionId, collateral, collateralAmount);
    }

    function _collectCollateralAndReward(uint256 orderId, address collateral, uint256 collateralAmount) private {
        uint256 ethLeft = msg.value;
        if (collateral == address(0)) {
            require(ethLeft >= collateralAmount, 'ETH reception error');
            ethLeft -= collateralAmount;
        } else {
            _receiveAsset(collateral, collateralAmount);
        }

        (uint256 rewardAmount, address rewardAsset, ) = getOrderExpirationData(orderId);
        if (rewardAsset == address(0)) {
            require(ethLeft >= rewardAmount, 'ETH reward reception error');
        } else {
            _receiveAsset(rewardAsset, rewardAmount);
        }
    }

    // ---------------------------------------------------------------- position balances

    /// Position index of `asset`, or assets.length when the position does not hold it.
    function getAssetId(uint256 positionId, address asset) public view returns (uint256) {
        address[] storage assets = positions[positionId].assets;
        for (uint256 i = 0; i < assets.length; i++) {
            if (assets[i] == asset) return i;
        }
        return assets.length;
    }

    function addAsset(uint256 positionId, address asset, uint256 amount) internal {
        Position storage position = positions[positionId];
        require(position.open);

        address[] storage assets = position.assets;
        if (assets.length > 0 && assets[0] == asset) {
            position.balances[0] += amount;
            return;
        }
        uint256 id = getAssetId(positionId, asset);
        if (id < assets.length) {
            position.balances[id] += amount;
            return;
        }
        require(_belowCurrencyLimit(positionId));
        require(amount > 0);
        assets.push(asset);
        position.balances.push(amount);
        emit NewAsset(positionId, asset);
    }

    /// Subtracts `amount`; an asset whose balance reaches 0 is announced as removed (even when it was already 0).
    function reduceAsset(uint256 positionId, address asset, uint256 amount) internal {
        uint256 id = getAssetId(positionId, asset);
        Position storage position = positions[positionId];
        require(id < position.assets.length);
        require(position.balances[id] >= amount);

        position.balances[id] -= amount;
        if (position.balances[id] == 0) {
            emit AssetRemoved(positionId, asset);
            removeAsset(positionId, id);
        }
    }

    /// Swap-and-pop: the last asset takes the freed slot. The base asset at index 0 is never removed.
    function removeAsset(uint256 positionId, uint256 id) internal {
        if (id == 0) return;
        Position storage position = positions[positionId];
        uint256 last = position.assets.length - 1;
        position.assets[id] = position.assets[last];
        position.assets.pop();
        position.balances[id] = position.balances[last];
        position.balances.pop();
    }

    function _belowCurrencyLimit(uint256 positionId) private view returns (bool) {
        Position storage position = positions[positionId];
        return position.assets.length + 1 <= orders[position.orderId].currencyLimit;
    }

    /// Accepts the order's whitelisted assets, its base asset and the position's initial collateral. The list is
    /// consulted first, so an out-of-range `idInWhitelist` reverts even for the base asset.
    function _validateAsset(uint256 positionId, address asset, uint256 idInWhitelist) internal view {
        Order storage order = orders[positions[positionId].orderId];
        Tokenlist storage list = tokenlists[order.whitelist];
        bool listed = list.isContract
            ? IMarginAutoListing(list.tokens[0]).isListed(asset)
            : list.tokens[idInWhitelist] == asset;
        require(listed || order.baseAsset == asset || positionInitialCollateral[positionId] == asset);
    }

    /// Adds tokens to an open position. Frozen positions accept deposits too (that is how a borrower rescues one).
    function positionDeposit(uint256 positionId, address asset, uint256 idInWhitelist, uint256 amount)
        public
        nonReentrant
    {
        require(positions[positionId].owner == msg.sender, 'Only the owner can deposit into this position');
        require(amount > 0, 'Deposit must exceed zero');
        _validateAsset(positionId, asset, idInWhitelist);
        _receiveAsset(asset, amount);
        addAsset(positionId, asset, amount);
        emit PositionDeposit(positionId, asset, amount);
    }

    // ---------------------------------------------------------------- trading

    /// Swaps position assets through one Dex223 pool via the router. Besides the owner, the liquidator who froze
    /// the position may trade it; liquidation relies on this to sell the position's assets in the freezer's name.
    function marginSwap(
        uint256 positionId,
        uint256 assetId1,
        uint256 whitelistId1,
        uint256 whitelistId2,
        uint256 amount,
        address asset2,
        uint24 feeTier,
        uint256 minAmountOut,
        uint160 priceLimitX96
    ) public nonReentrant {
        _requireOwnerOrLiquidator(positionId);
        address asset1 = _checkSwapInput(positionId, assetId1, whitelistId1, whitelistId2, amount, asset2);
        require(factory.getPool(asset1, asset2, feeTier) != address(0));
        uint256 amountOut = _swapThroughRouter(asset1, asset2, feeTier, amount, minAmountOut, priceLimitX96);
        _settleSwap(positionId, asset1, asset2, amount, amountOut);
    }

    /// Swaps an asset held under its ERC-223 address by depositing it into the pool. Owner only, so a gen-1
    /// liquidation that reaches such an asset can only be completed by the owner.
    function marginSwap223(
        uint256 positionId,
        uint256 assetId1,
        uint256 whitelistId1,
        uint256 whitelistId2,
        uint256 amount,
        address asset2,
        uint24 feeTier
    ) public nonReentrant {
        require(positions[positionId].owner == msg.sender);
        address asset1 = _checkSwapInput(positionId, assetId1, whitelistId1, whitelistId2, amount, asset2);
        address pool = factory.getPool(asset1, asset2, feeTier);
        require(pool != address(0));
        uint256 amountOut = _swapByErc223Deposit(pool, asset1, feeTier, amount);
        _settleSwap(positionId, asset1, asset2, amount, amountOut);
    }

    function _requireOwnerOrLiquidator(uint256 positionId) private view {
        Position storage position = positions[positionId];
        if (msg.sender != position.owner) {
            require(msg.sender == position.liquidator && position.frozenTime > 0, 'Only owner or liquidator');
        }
    }

    function _checkSwapInput(
        uint256 positionId,
        uint256 assetId1,
        uint256 whitelistId1,
        uint256 whitelistId2,
        uint256 amount,
        address asset2
    ) private view returns (address asset1) {
        asset1 = positions[positionId].assets[assetId1];
        _validateAsset(positionId, asset1, whitelistId1);
        _validateAsset(positionId, asset2, whitelistId2);
        require(positions[positionId].balances[assetId1] >= amount);
    }

    function _swapThroughRouter(
        address tokenIn,
        address tokenOut,
        uint24 fee,
        uint256 amount,
        uint256 minAmountOut,
        uint160 priceLimitX96
    ) internal returns (uint256) {
        IERC20Minimal(tokenIn).approve(address(router), amount);
        return
            router.exactInputSingle(
                IDex223SwapRouter.ExactInputSingleParams({
                    tokenIn: tokenIn,
                    tokenOut: tokenOut,
                    fee: fee,
                    recipient: address(this),
                    deadline: block.timestamp,
                    amountIn: amount,
                    amountOutMinimum: minAmountOut,
                    sqrtPriceLimitX96: priceLimitX96,
                    prefer223Out: false
                })
            );
    }

    /// Sends `amount` of the ERC-223 token `tokenIn223` to the pool with the pool's swap call attached, asking for
    /// the output as the other token's ERC-223 twin, and measures what arrived. The twins come from the pool's
    /// (erc20, erc223) token0()/token1(), as Dex223 pools answer them.
    function _swapByErc223Deposit(address pool, address tokenIn223, uint24 fee, uint256 amount)
        internal
        returns (uint256)
    {
        (address token0, address token0Erc223, address token1, address token1Erc223) = _poolTokens(pool);
        bool inIsToken0 = token0Erc223 == tokenIn223;
        address tokenOutReceived = inIsToken0 ? token1Erc223 : token0Erc223;
        bytes memory swapCall = inIsToken0
            ? _poolSwapCall(token0, token1, fee, amount)
            : _poolSwapCall(token1, token0, fee, amount);

        uint256 balanceBefore = _balanceOrZero(tokenOutReceived);
        require(IERC223(tokenIn223).transfer(pool, amount, swapCall));
        return IERC20Minimal(tokenOutReceived).balanceOf(address(this)) - balanceBefore;
    }

    /// A pool's two tokens under both addresses, in pool order: (token0 ERC-20, token0 ERC-223, token1 ERC-20,
    /// token1 ERC-223), as a Dex223 pool answers token0()/token1() with (erc20, erc223).
    function _poolTokens(address pool)
        internal
        view
        returns (
            address token0,
            address token0Erc223,
            address token1,
            address token1Erc223
        )
    {
        (token0, token0Erc223) = IUniswapV3PoolMinimal(pool).token0();
        (token1, token1Erc223) = IUniswapV3PoolMinimal(pool).token1();
    }

    /// The Dex223 pool call carried by an ERC-223 deposit: exact input, no price limit, ERC-223 output.
    function _poolSwapCall(address tokenIn, address tokenOut, uint24 fee, uint256 amount)
        internal
        view
        returns (bytes memory)
    {
        bool zeroForOne = tokenIn < tokenOut;
        return
            abi.encodeWithSignature(
                'swap(address,bool,int256,uint160,bool,bytes)',
                address(this),
                zeroForOne,
                int256(amount),
                zeroForOne ? MIN_SQRT_RATIO + 1 : MAX_SQRT_RATIO - 1,
                true,
                Erc223SwapCallback(abi.encodePacked(tokenIn, fee, tokenOut), address(this))
            );
    }

    /// balanceOf that reads 0 from an address without code (the output twin may not be deployed yet).
    function _balanceOrZero(address token) private view returns (uint256) {
        (bool ok, bytes memory data) = token.staticcall(
            abi.encodeWithSelector(IERC20Minimal.balanceOf.selector, address(this))
        );
        if (ok && data.length == 0) return 0;
        return abi.decode(data, (uint256));
    }

    /// Credits the output before debiting the input, so a swap into a new asset is subject to the currency limit.
    function _settleSwap(uint256 positionId, address assetIn, address assetOut, uint256 amountIn, uint256 amountOut)
        internal
    {
        require(amountOut > 0);
        addAsset(positionId, assetOut, amountOut);
        reduceAsset(positionId, assetIn, amountIn);
        emit MarginSwap(positionId, assetIn, assetOut, amountIn, amountOut);
    }

    // ---------------------------------------------------------------- valuation

    /// The position's debt at block.timestamp; each generation rounds it its own way.
    function calculateDebtAmount(Position storage position) internal view virtual returns (uint256);

    /// Value in base units: the base balance plus each other asset priced by the order's oracle (wrapping sum).
    /// Any oracle revert propagates, which makes the position impossible to liquidate while it lasts.
    function _debtAndValue(uint256 positionId) internal view returns (uint256 debt, uint256 value) {
        Position storage position = positions[positionId];
        IMarginOracle oracle = IMarginOracle(orders[position.orderId].oracle);
        debt = calculateDebtAmount(position);
        value = position.balances[0];
        address baseAsset = position.assets[0];
        for (uint256 i = 1; i < position.assets.length; i++) {
            value += oracle.getAmountOut(baseAsset, position.assets[i], position.balances[i]);
        }
    }

    function getPositionStatus(uint256 positionId) public view returns (uint256 debt, uint256 value) {
        return _debtAndValue(positionId);
    }

    /// Liquidatable when value < debt; equal is safe.
    function subjectToLiquidation(uint256 positionId) public view returns (bool) {
        (uint256 debt, uint256 value) = _debtAndValue(positionId);
        return value < debt;
    }

    /// Also estimates when a healthy position becomes insolvent at today's prices (`_expectedInsolvencyTime`).
    function subjectToLiquidationExtended(uint256 positionId)
        public
        view
        returns (
            bool liquidatable,
            address liquidator,
            uint256 frozenTime,
            bool closed,
            uint256 expectedInsolvencyTime
        )
    {
        (uint256 debt, uint256 value) = _debtAndValue(positionId);
        Position storage position = positions[positionId];
        expectedInsolvencyTime = _expectedInsolvencyTime(position, debt, value);
        return (debt > value, position.liquidator, position.frozenTime, !position.open, expectedInsolvencyTime);
    }

    function _expectedInsolvencyTime(
        Position storage position,
        uint256 debt,
        uint256 value
    ) internal view virtual returns (uint256);

    // ---------------------------------------------------------------- liquidation

    /// Two steps. The first call freezes the position (no reward). A call in a later second, within one hour of
    /// the freeze, completes it (`_completeLiquidation`: sells the other assets for base, repays the lender, pays
    /// the reward to `receiver`, emits Liquidation). After the hour has passed, a call freezes again in the
    /// caller's name. Every step requires the position to be liquidatable at that moment, so a rescued position
    /// cannot be completed.
    function liquidate(uint256 positionId, address receiver) public nonReentrant {
        Position storage position = positions[positionId];
        require(position.open, 'Position is closed');
        _requireLiquidatable(positionId);

        if (position.frozenTime > 0) {
            // Timestamps, not block numbers: a later block with the same timestamp is refused as well.
            require(position.frozenTime < block.timestamp, 'Single block liquidations are not allowed');
            if (block.timestamp - position.frozenTime <= FREEZE_WINDOW) {
                _completeLiquidation(positionId, receiver);
                return;
            }
        }
        position.frozenTime = block.timestamp;
        position.liquidator = msg.sender;
        emit PositionFrozen(positionId, msg.sender, block.timestamp);
    }

    /// Reverts (with the generation's own message) unless the position is liquidatable now.
    function _requireLiquidatable(uint256 positionId) internal view virtual;

    /// Completes a frozen position's liquidation, ending with the Liquidation event.
    function _completeLiquidation(uint256 positionId, address receiver) internal virtual;

    /// Repays as much debt as the base balance covers, silently (no event): the lender's order balance grows by
    /// min(base balance, debt). Returns the debt still unpaid.
    function _paybackBaseAsset(Position storage position) internal returns (uint256 unpaid) {
        uint256 baseBalance = position.balances[0];
        uint256 debt = calculateDebtAmount(position);
        uint256 paid = baseBalance >= debt ? debt : baseBalance;
        position.balances[0] = baseBalance - paid;
        orders[position.orderId].balance += paid;
        return debt - paid;
    }

    function _payReward(uint256 orderId, address receiver) internal {
        (uint256 rewardAmount, address rewardAsset, ) = getOrderExpirationData(orderId);
        _send(rewardAsset, rewardAmount, receiver);
    }

    // ---------------------------------------------------------------- closing

    /// Repays the loan and returns the escrowed reward to the caller; each generation has its own rules.
    function positionClose(uint256 positionId, bool autoWithdraw) public virtual;

    /// The owner may close at any time, the lender only after the position's deadline.
    function _isCloseAuthorized(Position storage position) internal view returns (bool) {
        if (msg.sender == position.owner) return true;
        return position.deadline <= block.timestamp && msg.sender == orders[position.orderId].owner;
    }

    /// Pays out a closed position's whole balance of `asset` to its owner. The asset is always announced as
    /// removed, even when its balance was already 0.
    function positionWithdraw(uint256 positionId, address asset) public nonReentrant {
        Position storage position = positions[positionId];
        require(position.owner == msg.sender);
        require(!position.open, 'Withdraw only from closed position');
        _withdrawAll(positionId, asset, msg.sender);
    }

    function _withdrawAll(uint256 positionId, address asset, address to) internal {
        uint256 id = getAssetId(positionId, asset);
        require(id < positions[positionId].assets.length);

        uint256 amount = positions[positionId].balances[id];
        reduceAsset(positionId, asset, amount);
        emit PositionWithdrawal(positionId, asset, amount);
        _send(asset, amount, to);
    }

    // ---------------------------------------------------------------- moving funds

    /// Pulls `amount` from the caller: first from the caller's unused ERC-223 deposit of that token, otherwise by
    /// ERC-20 transferFrom, checking that the module's balance really grew.
    function _receiveAsset(address asset, uint256 amount) internal {
        require(asset != address(0));
        uint256 credit = erc223deposit[msg.sender][asset];
        if (credit > 0) {
            require(credit >= amount);
            erc223deposit[msg.sender][asset] = credit - amount;
            return;
        }
        uint256 balanceBefore = IERC20Minimal(asset).balanceOf(address(this));
        IERC20Minimal(asset).transferFrom(msg.sender, address(this), amount);
        require(IERC20Minimal(asset).balanceOf(address(this)) >= balanceBefore + amount);
    }

    /// Sends ETH when `asset` is address(0), the token otherwise (its boolean result is not checked).
    function _send(address asset, uint256 amount, address receiver) internal {
        if (asset == address(0)) {
            (bool ok, ) = payable(receiver).call{value: amount}('');
            require(ok);
        } else {
            IERC20Minimal(asset).transfer(receiver, amount);
        }
    }

    /// ERC-223 hook: records the tokens as the sender's deposit, to be used by a later call or withdrawn.
    function tokenReceived(address from, uint256 amount, bytes calldata) external override returns (bytes4) {
        erc223deposit[from][msg.sender] += amount;
        return ERC223_RECEIVED;
    }

    function withdraw223(address asset) public nonReentrant {
        uint256 amount = erc223deposit[msg.sender][asset];
        require(amount > 0);
        erc223deposit[msg.sender][asset] = 0;
        // ERC-223's two-argument transfer has the ERC-20 selector.
        require(IERC20Minimal(asset).transfer(msg.sender, amount));
    }

    // ---------------------------------------------------------------- views

    function getPositionAssets(uint256 positionId) public view returns (address[] memory) {
        return positions[positionId].assets;
    }

    function getPositionBalances(uint256 positionId) public view returns (uint256[] memory) {
        return positions[positionId].balances;
    }

    function getOrderExpirationData(uint256 orderId)
        public
        view
        returns (
            uint256 rewardAmount,
            address rewardAsset,
            uint32 deadline
        )
    {
        OrderExpiration storage data = orders[orderId].expirationData;
        return (data.liquidationRewardAmount, data.liquidationRewardAsset, data.deadline);
    }

    function getCollaterals(uint256 orderId) public view returns (address[] memory) {
        return orders[orderId].collateralAssets;
    }

    function getPositionTokenlistID(uint256 positionId) public view returns (bytes32) {
        return orders[positions[positionId].orderId].whitelist;
    }
}
