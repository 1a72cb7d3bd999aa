import { describe, expect, it } from 'vitest';
import { NonceManager } from './NonceManager.js';
import { KEY_A, KEY_B } from './testActions.js';

describe('NonceManager', () => {
  it('follows the chain when nothing of ours is open', () => {
    expect(new NonceManager().next(KEY_A, 5)).toBe(5);
  });

  it('goes past our open nonces the chain does not see, per sender', () => {
    const nonces = new NonceManager();
    nonces.take(KEY_A, 5);
    nonces.take(KEY_A, 6);
    expect(nonces.next(KEY_A, 5)).toBe(7);
    expect(nonces.next(KEY_B, 5)).toBe(5);
    expect(nonces.next(KEY_A, 9)).toBe(9);
  });

  it('settles and forgets', () => {
    const nonces = new NonceManager();
    nonces.take(KEY_A, 5);
    nonces.take(KEY_A, 6);
    nonces.settle(KEY_A, 6);
    expect(nonces.next(KEY_A, 5)).toBe(6);
    nonces.forgetBelow(KEY_A, 6);
    expect(nonces.next(KEY_A, 0)).toBe(0);
  });
});
