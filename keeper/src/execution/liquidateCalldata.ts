import { Interface } from 'ethers';
import type { Address } from '../model/types.js';

const marginModule = new Interface(['function liquidate(uint256 positionId, address receiver)']);

/** `liquidate(positionId, receiver)`: the same call freezes, completes or re-freezes, by the position's state. */
export function liquidateCalldata(positionId: bigint, receiver: Address): string {
  return marginModule.encodeFunctionData('liquidate', [positionId, receiver]);
}
