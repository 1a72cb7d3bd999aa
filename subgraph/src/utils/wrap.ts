import { BigInt } from '@graphprotocol/graph-ts';
import { TWO_POW_256, TWO_POW_32, TWO_POW_55, TWO_POW_56, TWO_POW_160, ZERO_BI } from './constants';

// BigInt.mod keeps the dividend's sign, so negative values are lifted back into [0, modulus).
function floorMod(value: BigInt, modulus: BigInt): BigInt {
  const remainder = value.mod(modulus);
  return remainder.lt(ZERO_BI) ? remainder.plus(modulus) : remainder;
}

export function wrapU256(value: BigInt): BigInt {
  return floorMod(value, TWO_POW_256);
}

export function wrapU160(value: BigInt): BigInt {
  return floorMod(value, TWO_POW_160);
}

export function wrapU32(value: BigInt): BigInt {
  return floorMod(value, TWO_POW_32);
}

export function wrapI56(value: BigInt): BigInt {
  const unsigned = floorMod(value, TWO_POW_56);
  return unsigned.ge(TWO_POW_55) ? unsigned.minus(TWO_POW_56) : unsigned;
}
