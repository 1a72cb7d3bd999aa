// SPDX-License-Identifier: MIT
pragma solidity 0.7.6;
pragma abicoder v2;

import './MarginModuleGen2Rules.sol';

/// Devnet stand-in for the deployed "gen 3" Dex223 MarginModule (shared/spec/generations.md §3). Only its ABI is
/// public: the constructor takes a third address, the price oracle, readable as `priceOracle()`, and multicall is
/// nonpayable. Everything else is assumed to behave as gen 2 (2090499), and each order is still valued and swapped
/// by its own `oracle` field. Built like gen 2: optimizer runs 1, revert strings stripped.
/// Whether the deployed module refuses orders naming another oracle is unknown, so that is a constructor flag:
/// with `restrictOrderOracle_`, createOrder and modifyOrder revert unless the order's oracle is priceOracle.
contract MarginModuleGen3 is MarginModuleGen2Rules, MulticallNonpayable {
    address public immutable priceOracle;
    /// Devnet assumption made visible, so tests and the keeper can tell which variant they face.
    bool public immutable restrictsOrderOracle;

    constructor(
        address factory_,
        address router_,
        address priceOracle_,
        bool restrictOrderOracle_
    ) MarginModuleBase(factory_, router_) {
        priceOracle = priceOracle_;
        restrictsOrderOracle = restrictOrderOracle_;
    }

    function _checkOrderOracle(address oracle) internal view override {
        if (restrictsOrderOracle) require(oracle == priceOracle, 'Unsupported oracle');
    }
}
