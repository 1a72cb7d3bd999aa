import { describe, expect, it } from 'vitest';
import { ConfigError, KeeperError, causeChain, findCause, formatErrorChain } from './KeeperError.js';

class RootError extends KeeperError {
  override readonly name = 'RootError';
}

describe('KeeperError', () => {
  it('keeps the short message, the details and the cause', () => {
    const root = new Error('socket hang up');
    const err = new KeeperError('cannot read the head', { cause: root, details: { block: 12 } });
    expect(err.shortMessage).toBe('cannot read the head');
    expect(err.message).toBe('cannot read the head');
    expect(err.details).toEqual({ block: 12 });
    expect(err.cause).toBe(root);
    expect(err).toBeInstanceOf(Error);
    expect(new ConfigError('bad').name).toBe('ConfigError');
  });

  it('walk() returns the root cause, or the first link a predicate accepts', () => {
    const root = new RootError('root');
    const middle = new KeeperError('middle', { cause: root });
    const top = new KeeperError('top', { cause: middle });
    expect(top.walk()).toBe(root);
    expect(top.walk((e) => e instanceof RootError)).toBe(root);
    expect(top.walk((e) => (e as Error).message === 'middle')).toBe(middle);
    expect(top.walk(() => false)).toBeNull();
    expect(new KeeperError('alone').walk()).toBeInstanceOf(KeeperError);
  });

  it('walk() and causeChain() stop on a cycle', () => {
    const a = new KeeperError('a');
    const b = new KeeperError('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(b.walk()).toBe(a);
    expect(causeChain(b)).toEqual([b, a]);
  });

  it('findCause finds a link by type, not by message', () => {
    const root = new RootError('anything at all');
    const top = new KeeperError('top', { cause: new Error('plain', { cause: root }) });
    expect(findCause(top, RootError)).toBe(root);
    expect(findCause(new Error('x'), RootError)).toBeUndefined();
  });

  it('formats every link of the chain with its details, including non-Error causes', () => {
    const err = new KeeperError('block 7 failed', {
      details: { block: 7, fee: 3n },
      cause: new TypeError('x is undefined', { cause: 'raw string' }),
    });
    expect(formatErrorChain(err)).toBe(
      'KeeperError: block 7 failed (block=7 fee=3) ← caused by TypeError: x is undefined ← caused by thrown string: raw string',
    );
    expect(formatErrorChain(42)).toBe('thrown number: 42');
  });
});
