import { Address, BigInt } from '@graphprotocol/graph-ts';

export const ZERO_BI = BigInt.zero();
export const ONE_BI = BigInt.fromI32(1);
export const ZERO_ADDRESS = Address.zero();

// The contracts are Solidity 0.7 (unchecked), so every stored value wraps at its type's width.
export const TWO_POW_32 = BigInt.fromI32(1).leftShift(32);
export const TWO_POW_55 = BigInt.fromI32(1).leftShift(55);
export const TWO_POW_56 = BigInt.fromI32(1).leftShift(56);
export const TWO_POW_160 = BigInt.fromI32(1).leftShift(160);
export const TWO_POW_256 = BigInt.fromI32(1).leftShift(255).times(BigInt.fromI32(2));
