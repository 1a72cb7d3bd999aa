import { AbiCoder, concat, keccak256 } from 'ethers';
import type { ActionKind } from '../decision/types.js';
import type { Address } from '../model/types.js';

const abi = AbiCoder.defaultAbiCoder();

/** One liquidation step: which position and which call. */
export interface Step {
  positionId: bigint;
  kind: ActionKind;
}

function stepHash(chainId: number, marginModule: Address, step: Step): string {
  return keccak256(
    abi.encode(
      ['uint256', 'address', 'uint256', 'string'],
      [chainId, marginModule, step.positionId, step.kind],
    ),
  );
}

/**
 * The relay's replacement key for a bundle: derived from what the bundle does, never random, so a keeper that
 * restarts and sends the same step again replaces its own earlier bundle instead of competing with it. One
 * step: keccak(chainId, module, positionId, step); several: the keccak of their hashes in sorted order. Shaped
 * as an RFC 9562 version-8 (custom) UUID.
 */
export function replacementUuid(chainId: number, marginModule: Address, steps: readonly Step[]): string {
  if (steps.length === 0) throw new RangeError('a bundle needs at least one step');
  const hashes = steps.map((step) => stepHash(chainId, marginModule, step)).sort();
  const digest = hashes.length === 1 ? (hashes[0] as string) : keccak256(concat(hashes));
  const hex = digest.slice(2, 34).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}
