// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
pragma abicoder v2;

import "./interfaces/IDex223Factory.sol";
import "./Dex223Pool.sol";

/// A Dex223-style factory whose pools are Dex223-shaped: at each pool address a `Dex223Pool` answers
/// token0()/token1() as (erc20, erc223) and DELEGATECALLs everything else to the published Uniswap v3 pool code.
///
/// createPool constructs a real UniswapV3Pool (CREATE of the npm creation code, which reads `parameters()` back
/// from here and bakes factory, tokens, fee and spacing into its runtime code), copies that runtime code with the
/// `original` immutable rewritten from the constructed pool's address to the pool address, deploys the copy as the
/// implementation, then CREATE2s the Dex223Pool. The constructed pool itself stays behind unused and unregistered.
///
/// Pool addresses: CREATE2 by this factory, salt keccak256(abi.encode(token0_erc20, token1_erc20, fee)), init code
/// hash `poolInitCodeHash` (the Dex223Pool creation code, which is the same for every pool).
contract Dex223Factory is IDex223Factory, IDex223PoolDeployer {
    /// What Uniswap's pool constructor reads back from its deployer (`parameters()`).
    struct PoolParameters {
        address factory;
        address token0;
        address token1;
        uint24 fee;
        int24 tickSpacing;
    }

    /// Pools call owner() for the protocol-fee functions.
    address public immutable override owner;
    /// Holds the UniswapV3Pool creation code as its runtime code (too large to embed next to this factory's code).
    address public immutable poolInitCodeHolder;
    /// keccak256 of the Dex223Pool creation code, for predicting pool addresses off chain.
    bytes32 public immutable poolInitCodeHash;

    // Byte offsets of the 32-byte words in the constructed pool's runtime code that hold its own address.
    uint256[] private originalOffsets;

    /// Set only while a UniswapV3Pool is being constructed.
    PoolParameters public parameters;
    // Set only while a Dex223Pool is being constructed.
    PoolFrontParameters private frontParameters;

    mapping(uint24 => int24) public override feeAmountTickSpacing;
    mapping(address => mapping(address => mapping(uint24 => address))) public override getPool;

    constructor(address poolInitCodeHolder_, uint256[] memory originalOffsets_) {
        uint256 size;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            size := extcodesize(poolInitCodeHolder_)
        }
        require(size > 0, "pool code holder has no code");
        require(originalOffsets_.length > 0, "no immutable offsets");

        owner = msg.sender;
        poolInitCodeHolder = poolInitCodeHolder_;
        poolInitCodeHash = keccak256(type(Dex223Pool).creationCode);
        originalOffsets = originalOffsets_;
        feeAmountTickSpacing[500] = 10;
        feeAmountTickSpacing[3000] = 60;
        feeAmountTickSpacing[10000] = 200;
    }

    function poolFrontParameters() external view override returns (PoolFrontParameters memory) {
        return frontParameters;
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
        PoolFrontParameters memory tokens = tokenA_erc20 < tokenB_erc20
            ? PoolFrontParameters(address(0), tokenA_erc20, tokenA_erc223, tokenB_erc20, tokenB_erc223)
            : PoolFrontParameters(address(0), tokenB_erc20, tokenB_erc223, tokenA_erc20, tokenA_erc223);
        requireUnusedPair(tokens, fee);

        bytes32 salt = keccak256(abi.encode(tokens.token0_erc20, tokens.token1_erc20, fee));
        address predicted =
            address(uint160(uint256(keccak256(abi.encodePacked(hex"ff", address(this), salt, poolInitCodeHash)))));
        tokens.implementation = deployImplementation(
            tokens.token0_erc20,
            tokens.token1_erc20,
            fee,
            tickSpacing,
            predicted
        );

        frontParameters = tokens;
        pool = address(new Dex223Pool{salt: salt}());
        delete frontParameters;
        require(pool == predicted, "unexpected pool address");

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
    function requireUnusedPair(PoolFrontParameters memory tokens, uint24 fee) private view {
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

    /// Constructs the real pool (its constructor calls back parameters() on msg.sender, this factory), then deploys
    /// its runtime code with every `original` word rewritten to `poolAddress`. Each rewritten word must hold the
    /// constructed pool's address, so code whose layout differs from the probed one is refused, not corrupted.
    function deployImplementation(
        address token0,
        address token1,
        uint24 fee,
        int24 tickSpacing,
        address poolAddress
    ) private returns (address implementation) {
        parameters = PoolParameters(address(this), token0, token1, fee, tickSpacing);
        bytes memory initCode = readCode(poolInitCodeHolder);
        address constructed;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            constructed := create(0, add(initCode, 32), mload(initCode))
        }
        require(constructed != address(0), "pool construction failed");
        delete parameters;

        bytes memory runtime = readCode(constructed);
        // Converted in Solidity, not assembly: an address computed from a hash carries dirty upper bits on the stack.
        bytes32 replacement = bytes32(uint256(uint160(poolAddress)));
        for (uint256 i = 0; i < originalOffsets.length; i++) {
            uint256 offset = originalOffsets[i];
            require(offset + 32 <= runtime.length, "immutable offset out of range");
            bytes32 word;
            // solhint-disable-next-line no-inline-assembly
            assembly {
                word := mload(add(add(runtime, 32), offset))
            }
            require(word == bytes32(uint256(constructed)), "immutable is not the pool address");
            // solhint-disable-next-line no-inline-assembly
            assembly {
                mstore(add(add(runtime, 32), offset), replacement)
            }
        }

        // Init code that returns the code appended to it: PUSH2 len, DUP1, PUSH1 12, PUSH1 0, CODECOPY,
        // PUSH1 0, RETURN (12 bytes), as in the devnet's code holder.
        require(runtime.length <= 0xffff, "runtime code too large");
        bytes memory deployCode = abi.encodePacked(hex"61", uint16(runtime.length), hex"80600c6000396000f3", runtime);
        // solhint-disable-next-line no-inline-assembly
        assembly {
            implementation := create(0, add(deployCode, 32), mload(deployCode))
        }
        require(implementation != address(0), "implementation deployment failed");
    }

    function readCode(address account) private view returns (bytes memory code) {
        uint256 size;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            size := extcodesize(account)
        }
        code = new bytes(size);
        // solhint-disable-next-line no-inline-assembly
        assembly {
            extcodecopy(account, add(code, 32), 0, size)
        }
    }
}
