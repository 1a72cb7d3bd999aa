import { AbiCoder, keccak256 } from 'ethers';
import { describe, expect, it } from 'vitest';
import { replacementUuid } from './replacementUuid.js';
import { MODULE } from './testActions.js';

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('replacementUuid', () => {
  it('is a version-8 UUID taken from keccak(chainId, module, positionId, step)', () => {
    const uuid = replacementUuid(31337, MODULE, [{ positionId: 7n, kind: 'freeze' }]);
    expect(uuid).toMatch(UUID_V8);
    const digest = keccak256(
      AbiCoder.defaultAbiCoder().encode(
        ['uint256', 'address', 'uint256', 'string'],
        [31337, MODULE, 7n, 'freeze'],
      ),
    );
    const hex = uuid.replace(/-/g, '');
    // Everything but the version nibble and the variant bits is the digest's first 16 bytes.
    expect(hex.slice(0, 12)).toBe(digest.slice(2, 14));
    expect(hex.slice(13, 16)).toBe(digest.slice(15, 18));
    expect(hex.slice(17, 32)).toBe(digest.slice(19, 34));
  });

  it('is the same for the same step, so a restarted keeper replaces its own bundle', () => {
    const a = replacementUuid(1, MODULE, [{ positionId: 42n, kind: 'complete' }]);
    expect(replacementUuid(1, MODULE, [{ positionId: 42n, kind: 'complete' }])).toBe(a);
  });

  it('differs by chain, module, position and step', () => {
    const base = replacementUuid(1, MODULE, [{ positionId: 42n, kind: 'freeze' }]);
    const others = [
      replacementUuid(2, MODULE, [{ positionId: 42n, kind: 'freeze' }]),
      replacementUuid(1, `0x${'6'.repeat(40)}`, [{ positionId: 42n, kind: 'freeze' }]),
      replacementUuid(1, MODULE, [{ positionId: 43n, kind: 'freeze' }]),
      replacementUuid(1, MODULE, [{ positionId: 42n, kind: 'complete' }]),
      replacementUuid(1, MODULE, [{ positionId: 42n, kind: 'refreeze' }]),
    ];
    expect(new Set([base, ...others]).size).toBe(6);
  });

  it('for several steps, does not depend on their order', () => {
    const ab = replacementUuid(1, MODULE, [
      { positionId: 1n, kind: 'freeze' },
      { positionId: 2n, kind: 'complete' },
    ]);
    const ba = replacementUuid(1, MODULE, [
      { positionId: 2n, kind: 'complete' },
      { positionId: 1n, kind: 'freeze' },
    ]);
    expect(ab).toBe(ba);
    expect(ab).toMatch(UUID_V8);
    expect(ab).not.toBe(replacementUuid(1, MODULE, [{ positionId: 1n, kind: 'freeze' }]));
  });

  it('refuses an empty bundle', () => {
    expect(() => replacementUuid(1, MODULE, [])).toThrow(RangeError);
  });
});
