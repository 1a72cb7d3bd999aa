// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

import "./interfaces/IDex223Factory.sol";

/// A Dex223-style factory that deploys the real Uniswap v3 pool bytecode.
/// The pool's creation code (22.7 kB) is too large to embed next to this factory's own code, so it lives as the
/// runtime code of a separate "holder" contract and is copied out at each createPool. Pools land at Uniswap's
/// CREATE2 addresses for this factory: salt keccak256(abi.encode(token0, token1, fee)), init code hash
/// `poolInitCodeHash`. Unlike Dex223, the pools themselves know only the ERC-20 side of each token; the
/// ERC-223 twins are kept here (`poolTokens`) and in `getPool`.
contract Dex223Factory is IDex223Factory {
    /// What Uniswap's pool constructor reads back from its deployer (`parameters()`).
    struct PoolParameters {
        address factory;
        address token0;
        address token1;
        uint24 fee;
        int24 tickSpacing;
    }

    /// The two tokens of a pool, each under both of its addresses, ordered by ERC-20 address.
    struct PoolTokens {
        address token0_erc20;
        address token0_erc223;
        address token1_erc20;
        address token1_erc223;
    }

    /// Pools call owner() for the protocol-fee functions.
    address public immutable override owner;
    address public immutable poolInitCodeHolder;
    /// keccak256 of the pool creation code, for predicting pool addresses off chain.
    bytes32 public immutable poolInitCodeHash;

    /// Set only while a pool is being constructed.
    PoolParameters public parameters;

    mapping(uint24 => int24) public override feeAmountTickSpacing;
    mapping(address => mapping(address => mapping(uint24 => address))) public override getPool;
    mapping(address => PoolTokens) public override poolTokens;

    constructor(address poolInitCodeHolder_) {
        uint256 size;
        bytes32 codeHash;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            size := extcodesize(poolInitCodeHolder_)
            codeHash := extcodehash(poolInitCodeHolder_)
        }
        require(size > 0, "pool code holder has no code");

        owner = msg.sender;
        poolInitCodeHolder = poolInitCodeHolder_;
        poolInitCodeHash = codeHash;
        feeAmountTickSpacing[500] = 10;
        feeAmountTickSpacing[3000] = 60;
        feeAmountTickSpacing[10000] = 200;
    }

    function createPool(
        address tokenA_erc20,
        address tokenB_erc20,
        address tokenA_erc223,
        address tokenB_erc223,
        uint24 fee
    ) external override returns (address pool) {
        require(tokenA_erc20 != tokenB_erc20, "identical tokens");
        require(tokenA_erc20 != address(0) && tokenB_erc20 != address(0), "zero ERC-20 address");
        require(tokenA_erc223 != address(0) && tokenB_erc223 != address(0), "zero ERC-223 address");
        int24 tickSpacing = feeAmountTickSpacing[fee];
        require(tickSpacing != 0, "fee not enabled");

        // The twins travel with their ERC-20s when the pair is put in pool order.
        PoolTokens memory tokens = tokenA_erc20 < tokenB_erc20
            ? PoolTokens(tokenA_erc20, tokenA_erc223, tokenB_erc20, tokenB_erc223)
            : PoolTokens(tokenB_erc20, tokenB_erc223, tokenA_erc20, tokenA_erc223);
        requireUnusedPair(tokens, fee);

        pool = deployPool(tokens.token0_erc20, tokens.token1_erc20, fee, tickSpacing);
        poolTokens[pool] = tokens;
        linkBothOrders(tokens.token0_erc20, tokens.token1_erc20, fee, pool);
        linkBothOrders(tokens.token0_erc20, tokens.token1_erc223, fee, pool);
        linkBothOrders(tokens.token0_erc223, tokens.token1_erc20, fee, pool);
        linkBothOrders(tokens.token0_erc223, tokens.token1_erc223, fee, pool);

        emit PoolCreated(
            tokens.token0_erc20,
            tokens.token1_erc20,
            tokens.token0_erc223,
            tokens.token1_erc223,
            fee,
            tickSpacing,
            pool
        );
    }

    /// The two sides must not share an address (a twin may equal its own ERC-20), and no address combination
    /// may already name a pool at this fee: either would let one getPool entry overwrite another pool's.
    function requireUnusedPair(PoolTokens memory tokens, uint24 fee) private view {
        require(
            tokens.token0_erc20 != tokens.token1_erc223 &&
                tokens.token0_erc223 != tokens.token1_erc20 &&
                tokens.token0_erc223 != tokens.token1_erc223,
            "tokens overlap"
        );
        require(
            getPool[tokens.token0_erc20][tokens.token1_erc20][fee] == address(0) &&
                getPool[tokens.token0_erc20][tokens.token1_erc223][fee] == address(0) &&
                getPool[tokens.token0_erc223][tokens.token1_erc20][fee] == address(0) &&
                getPool[tokens.token0_erc223][tokens.token1_erc223][fee] == address(0),
            "pool exists"
        );
    }

    function linkBothOrders(address tokenX, address tokenY, uint24 fee, address pool) private {
        getPool[tokenX][tokenY][fee] = pool;
        getPool[tokenY][tokenX][fee] = pool;
    }

    /// CREATE2 of the holder's code; the pool constructor calls back parameters() on msg.sender (this factory).
    function deployPool(address token0, address token1, uint24 fee, int24 tickSpacing) private returns (address pool) {
        parameters = PoolParameters(address(this), token0, token1, fee, tickSpacing);
        bytes memory initCode = readPoolInitCode();
        bytes32 salt = keccak256(abi.encode(token0, token1, fee));
        // solhint-disable-next-line no-inline-assembly
        assembly {
            pool := create2(0, add(initCode, 32), mload(initCode), salt)
        }
        require(pool != address(0), "pool deployment failed");
        delete parameters;
    }

    function readPoolInitCode() private view returns (bytes memory initCode) {
        address holder = poolInitCodeHolder;
        uint256 size;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            size := extcodesize(holder)
        }
        initCode = new bytes(size);
        // solhint-disable-next-line no-inline-assembly
        assembly {
            extcodecopy(holder, add(initCode, 32), 0, size)
        }
    }
}
