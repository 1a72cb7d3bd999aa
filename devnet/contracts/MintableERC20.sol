// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;

/// The ERC-20 core of the devnet test tokens, with an open mint so tests can fund any account.
/// Solidity 0.7.6 does not check arithmetic, so every subtraction is guarded explicitly.
abstract contract MintableERC20 {
    string public name;
    string public symbol;
    uint8 public decimals;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
    }

    function mint(address to, uint256 amount) external {
        require(totalSupply + amount >= totalSupply, "supply overflow");
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function approve(address spender, uint256 amount) external returns (bool) {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
        return true;
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        moveTokens(msg.sender, to, amount);
        return true;
    }

    /// An allowance of type(uint256).max is treated as unlimited and never decreases.
    function transferFrom(address from, address to, uint256 amount) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != uint256(-1)) {
            require(allowed >= amount, "ERC20: insufficient allowance");
            allowance[from][msg.sender] = allowed - amount;
        }
        moveTokens(from, to, amount);
        return true;
    }

    function moveTokens(address from, address to, uint256 amount) internal {
        uint256 balance = balanceOf[from];
        require(balance >= amount, "ERC20: insufficient balance");
        balanceOf[from] = balance - amount;
        // Cannot overflow: balances sum to totalSupply, which mint keeps below 2^256.
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}
