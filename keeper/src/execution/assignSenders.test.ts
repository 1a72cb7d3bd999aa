import { describe, expect, it } from 'vitest';
import { assignSenders } from './assignSenders.js';
import { KEY_A, KEY_B, KEY_C, address, makeAction } from './testActions.js';

const senders = (result: ReturnType<typeof assignSenders>) =>
  Object.fromEntries(
    [...result.bySender].map(([key, list]) => [key, list.map((a) => `${a.kind} ${a.positionId}`)]),
  );

describe('assignSenders', () => {
  it('one key sends everything, in plan order', () => {
    const result = assignSenders(
      [
        makeAction({ positionId: 1n, kind: 'complete' }),
        makeAction({ positionId: 2n }),
        makeAction({ positionId: 3n, kind: 'refreeze' }),
      ],
      [KEY_A],
    );
    expect(senders(result)).toEqual({ [KEY_A]: ['complete 1', 'freeze 2', 'refreeze 3'] });
    expect(result.dropped).toEqual([]);
  });

  it('a completion keeps the freezer the decision named; freezes go to the least-loaded key', () => {
    const result = assignSenders(
      [
        makeAction({ positionId: 1n, kind: 'complete', sender: KEY_B }),
        makeAction({ positionId: 2n }),
        makeAction({ positionId: 3n }),
        makeAction({ positionId: 4n }),
        makeAction({ positionId: 5n }),
      ],
      [KEY_A, KEY_B, KEY_C],
    );
    expect(senders(result)).toEqual({
      [KEY_A]: ['freeze 2', 'freeze 4'],
      [KEY_B]: ['complete 1', 'freeze 5'],
      [KEY_C]: ['freeze 3'],
    });
  });

  it('compares addresses in any case', () => {
    const upper = `0x${KEY_B.slice(2).toUpperCase()}` as typeof KEY_B;
    const result = assignSenders([makeAction({ kind: 'complete', sender: upper })], [KEY_A, KEY_B]);
    expect(senders(result)).toEqual({ [KEY_B]: ['complete 7'] });
  });

  it('drops a completion only another address may send', () => {
    const stranger = address('bb');
    const result = assignSenders([makeAction({ kind: 'complete', sender: stranger })], [KEY_A]);
    expect(result.bySender.size).toBe(0);
    expect(result.dropped).toEqual([
      { positionId: 7n, kind: 'complete', sender: stranger, reason: expect.stringContaining('no key') },
    ]);
  });

  it('drops everything without keys', () => {
    const result = assignSenders([makeAction()], []);
    expect(result.dropped.map((d) => d.reason)).toEqual(['no signing key configured']);
  });
});
