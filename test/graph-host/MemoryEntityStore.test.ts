import { beforeEach, describe, expect, it } from 'vitest';

import { MemoryEntityStore } from '../../devnet/graph-host/store/MemoryEntityStore.js';
import { SubgraphSchema } from '../../devnet/graph-host/store/SubgraphSchema.js';
import { StoreError } from '../../devnet/graph-host/store/types.js';
import { SUBGRAPH_SCHEMA_TEXT, blockHash, blockPtr, entity, plain, v } from './support/storeFixtures.js';

const SCHEMA = `
  enum Kind { A B }
  type Account @entity {
    id: ID!
    name: String!
    balance: BigInt!
    tags: [String!]!
    nickname: String
    parent: Account
    kind: Kind
    children: [Account!]! @derivedFrom(field: "parent")
    events: [Event!]! @derivedFrom(field: "account")
  }
  type Event @entity(immutable: true) { id: ID!, account: Account!, amount: BigInt! }
  type Seen @entity(immutable: true, skipDuplicates: true) { id: ID!, n: Int! }
  type Holder @entity { id: Bytes!, accounts: [Account!]!, score: BigDecimal }
  type Counter @entity { id: Int8!, n: Int!, big: Int8, at: Timestamp }
`;

function account(id: string, balance: number, extra: Record<string, ReturnType<typeof v.str>> = {}) {
  return entity({
    id: v.str(id),
    name: v.str(`acc ${id}`),
    balance: v.big(balance),
    tags: v.list(),
    ...extra,
  });
}

describe('MemoryEntityStore', () => {
  let store: MemoryEntityStore;

  /** Runs `write` inside block `n` of branch `branch`. */
  function block(n: number, write: () => void = () => {}, branch = 'a', parentBranch = branch): void {
    store.beginBlock(blockPtr(n, branch, parentBranch));
    write();
    store.commitBlock();
  }

  beforeEach(() => {
    store = new MemoryEntityStore(SubgraphSchema.parse(SCHEMA));
  });

  it('keeps one version per changing block and reads any indexed block', () => {
    block(1, () => store.set('Account', 'a', account('a', 1)));
    block(2, () => store.set('Account', 'a', account('a', 2)));
    block(3);
    block(4, () => store.set('Account', 'a', account('a', 4)));

    const balanceAt = (n: number) => store.versionAt('Account', 'a', n)?.data.get('balance');
    expect(balanceAt(0)).toBeUndefined();
    expect(balanceAt(1)).toEqual(v.big(1));
    expect(balanceAt(2)).toEqual(v.big(2));
    expect(balanceAt(3)).toEqual(v.big(2));
    expect(balanceAt(4)).toEqual(v.big(4));
    expect(store.versionAt('Account', 'a', 3)?.fromBlock).toBe(2);
    expect(store.versionAt('Account', 'a', 3)?.toBlock).toBe(4);
    expect(store.head()).toEqual(blockPtr(4));
    expect(store.blockByNumber(3)).toEqual(blockPtr(3));
    expect(store.blockByHash(blockHash(2).toUpperCase().replace('0X', '0x'))).toEqual(blockPtr(2));
  });

  it('lets reads see the open block, and getInBlock only what the block wrote', () => {
    block(1, () => store.set('Account', 'a', account('a', 1)));
    store.beginBlock(blockPtr(2));
    expect(store.getInBlock('Account', 'a')).toBeUndefined();
    store.set('Account', 'a', account('a', 5));
    expect(plain(store.get('Account', 'a'))?.balance).toBe(5n);
    expect(plain(store.getInBlock('Account', 'a'))?.balance).toBe(5n);
    // Readers of committed data do not see the open block.
    expect(store.versionAt('Account', 'a', 2)?.data.get('balance')).toEqual(v.big(1));
    store.commitBlock();
    store.beginBlock(blockPtr(3));
    expect(store.getInBlock('Account', 'a')).toBeUndefined();
    expect(plain(store.get('Account', 'a'))?.balance).toBe(5n);
  });

  it('merges a partial set into the stored entity; a null value unsets a nullable field', () => {
    block(1, () => store.set('Account', 'a', account('a', 1, { nickname: v.str('al') })));
    block(2, () => store.set('Account', 'a', entity({ balance: v.big(9), nickname: v.null() })));
    expect(plain(store.get('Account', 'a'))).toEqual({ id: 'a', name: 'acc a', balance: 9n, tags: [] });
  });

  it('hands out copies: changing a returned entity changes nothing stored', () => {
    block(1, () => store.set('Account', 'a', account('a', 1)));
    store.get('Account', 'a')?.set('balance', v.big(100));
    expect(store.versionAt('Account', 'a', 1)?.data.get('balance')).toEqual(v.big(1));
  });

  it('creates no version for a write that changes nothing', () => {
    block(1, () => store.set('Account', 'a', account('a', 1)));
    block(2, () => store.set('Account', 'a', account('a', 1)));
    expect(store.versionAt('Account', 'a', 2)?.fromBlock).toBe(1);
    expect(store.changedAt('Account', 2, 2)).toEqual([]);
    expect(store.changedAt('Account', 1, 2).map((e) => e.id)).toEqual(['a']);
  });

  it('removes: gone from the removing block on, still visible before it, and can come back', () => {
    block(1, () => store.set('Account', 'a', account('a', 1)));
    store.beginBlock(blockPtr(2));
    store.remove('Account', 'a');
    expect(store.get('Account', 'a')).toBeUndefined();
    store.commitBlock();
    expect(store.versionAt('Account', 'a', 1)).toBeDefined();
    expect(store.versionAt('Account', 'a', 2)).toBeUndefined();
    block(3, () => store.set('Account', 'a', account('a', 3)));
    expect(store.versionAt('Account', 'a', 2)).toBeUndefined();
    expect(store.versionAt('Account', 'a', 3)?.data.get('balance')).toEqual(v.big(3));
    // Removing what does not exist is a no-op, as in graph-node.
    block(4, () => store.remove('Account', 'nope'));
    expect(store.changedAt('Account', 4, 4)).toEqual([]);
  });

  it('drops the writes of an aborted block', () => {
    block(1, () => store.set('Account', 'a', account('a', 1)));
    store.beginBlock(blockPtr(2));
    store.set('Account', 'a', account('a', 2));
    store.abortBlock();
    expect(store.head()?.number).toBe(1);
    expect(plain(store.get('Account', 'a'))?.balance).toBe(1n);
    block(2, () => store.set('Account', 'b', account('b', 2)));
    expect(store.versionAt('Account', 'a', 2)?.data.get('balance')).toEqual(v.big(1));
  });

  it('reverts exactly, then follows the new branch', () => {
    block(1, () => {
      store.set('Account', 'a', account('a', 1));
      store.set('Account', 'gone', account('gone', 1));
    });
    block(2, () => store.set('Account', 'a', account('a', 2)));
    block(3, () => {
      store.set('Account', 'a', account('a', 3));
      store.set('Account', 'b', account('b', 3));
      store.remove('Account', 'gone');
    });
    block(4, () => store.set('Account', 'c', account('c', 4)));
    const snapshot = (n: number) =>
      [...store.scanAt('Account', n, { direction: 'asc' })].map((e) => [e.id, plain(e.data)?.balance]);
    const at2 = snapshot(2);

    store.revertTo(2);
    expect(store.head()).toEqual(blockPtr(2));
    expect(store.blockByNumber(3)).toBeUndefined();
    expect(store.blockByHash(blockHash(3))).toBeUndefined();
    expect(snapshot(2)).toEqual(at2);
    expect(snapshot(1000)).toEqual(at2);
    expect(store.versionAt('Account', 'a', 2)?.toBlock).toBe(Infinity);
    expect(store.versionAt('Account', 'gone', 2)?.toBlock).toBe(Infinity);
    expect(store.changedAt('Account', 3, 1000)).toEqual([]);

    block(3, () => store.set('Account', 'x', account('x', 30)), 'b', 'a');
    block(4, () => store.set('Account', 'a', account('a', 40)), 'b');
    expect(store.head()).toEqual(blockPtr(4, 'b'));
    expect(store.blockByHash(blockHash(3, 'b'))?.number).toBe(3);
    expect(snapshot(4)).toEqual([
      ['a', 40n],
      ['gone', 1n],
      ['x', 30n],
    ]);
    expect(store.changedAt('Account', 3, 4).map((e) => e.id)).toEqual(['x', 'a']);

    store.revertTo(0);
    expect(store.head()).toBeUndefined();
    expect(snapshot(10)).toEqual([]);
  });

  it('refuses blocks that do not extend the head', () => {
    block(1);
    expect(() => store.beginBlock(blockPtr(1))).toThrow(/store is at block 1; revert to 0 first/);
    expect(() => store.beginBlock(blockPtr(2, 'b', 'b'))).toThrow(/its parent .* is not the head/);
    store.beginBlock(blockPtr(2));
    expect(() => store.beginBlock(blockPtr(3))).toThrow(/block 2 is still open/);
    expect(() => store.revertTo(1)).toThrow(StoreError);
  });

  it('writes an immutable entity once; the same block may still rewrite it', () => {
    block(1, () => store.set('Account', 'a', account('a', 1)));
    block(2, () => {
      store.set('Event', 'e', entity({ account: v.str('a'), amount: v.big(1) }));
      store.set('Event', 'e', entity({ amount: v.big(2) }));
    });
    expect(plain(store.versionAt('Event', 'e', 2)?.data)).toEqual({ id: 'e', account: 'a', amount: 2n });
    store.beginBlock(blockPtr(3));
    expect(() => store.set('Event', 'e', entity({ account: v.str('a'), amount: v.big(2) }))).toThrow(
      'entity Event[e] is immutable; inserting it at block 3 is not possible as it was already inserted at block 2',
    );
    expect(() => store.remove('Event', 'e')).toThrow(/immutable entity type Event only allows inserts/);
    store.abortBlock();

    block(4, () => store.set('Seen', 's', entity({ n: v.int(1) })));
    block(5, () => {
      store.set('Seen', 's', entity({ n: v.int(2) }));
      store.remove('Seen', 's');
    });
    expect(store.versionAt('Seen', 's', 5)?.data.get('n')).toEqual(v.int(1));
  });

  it('validates writes against the schema with graph-node-style messages', () => {
    store.beginBlock(blockPtr(1));
    const cases: [() => void, string | RegExp][] = [
      [() => store.set('Nope', 'x', entity({})), 'Entity Nope[x]: unknown entity type `Nope`'],
      [
        () => store.set('Account', 'a', account('a', 1, { colour: v.str('red'), alpha: v.int(1) })),
        'Attempted to set undefined fields [alpha, colour] for the entity type `Account`. Make sure those fields are defined in the schema.',
      ],
      [
        () => store.set('Account', 'a', entity({ name: v.str('n'), tags: v.list() })),
        'Entity Account[a]: missing value for non-nullable field `balance`',
      ],
      [
        () => store.set('Account', 'a', account('a', 1, { name: v.int(3) })),
        'Entity Account[a]: the value `3` for field `name` must have type String! but has type Int',
      ],
      [
        () => store.set('Account', 'a', account('a', 1, { tags: v.list(v.str('x'), v.int(2)) })),
        'Entity Account[a]: field `tags` is of type [String!]!, but the value `[x, 2]` contains a Int at index 1',
      ],
      [
        () => store.set('Account', 'a', account('a', 1, { tags: v.str('x') })),
        'Entity Account[a]: the value `x` for field `tags` must have type [String!]! but has type String',
      ],
      [
        () => store.set('Account', 'a', account('a', 1, { children: v.list() })),
        'Entity Account[a]: field `children` is derived and cannot be set',
      ],
      [
        () => store.set('Account', 'a', account('b', 1)),
        'Value of Account attribute \'id\' conflicts with ID passed to `store.set()`: "b" != "a"',
      ],
      [
        () => store.set('Account', 'a', account('a', 1, { kind: v.str('C') })),
        'Entity Account[a]: the value `C` for field `kind` is not a value of enum Kind',
      ],
      [
        () => store.set('Holder', '0xAB', entity({ accounts: v.list() })),
        /Holder\[0xAB\]: id is not a valid Bytes id/,
      ],
      [
        () => store.set('Holder', '0xab', entity({ accounts: v.list(), score: v.dec('1.50') })),
        'Entity Holder[0xab]: the value `1.50` for field `score` is not a canonical decimal',
      ],
      [
        () => store.set('Counter', '1', entity({ n: v.int(2 ** 31) })),
        'Entity Counter[1]: the value `2147483648` for field `n` is not a 32-bit integer',
      ],
      [
        () => store.set('Counter', '1', entity({ n: v.int(1), big: v.int8(2n ** 63n) })),
        /field `big` is not a 64-bit integer/,
      ],
      [
        () => store.set('Counter', 'one', entity({ n: v.int(1) })),
        /Counter\[one\]: id is not a valid Int8 id/,
      ],
    ];
    for (const [write, message] of cases) {
      let error: unknown;
      try {
        write();
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(StoreError);
      if (typeof message === 'string') expect((error as Error).message).toBe(message);
      else expect((error as Error).message).toMatch(message);
    }
    // None of the rejected writes reached the block.
    store.commitBlock();
    expect([...store.scanAt('Account', 1)]).toEqual([]);
    expect(() => store.set('Account', 'a', account('a', 1))).toThrow(/no block is open/);
  });

  it('stores every value kind the schema allows', () => {
    block(1, () => {
      store.set('Holder', '0xab', entity({ accounts: v.list(v.str('a')), score: v.dec('-12.5') }));
      store.set(
        'Counter',
        '7',
        entity({ n: v.int(-3), big: v.int8(-(2n ** 63n)), at: v.ts(1_700_000_000_000_000n) }),
      );
    });
    expect(plain(store.get('Holder', '0xab'))).toEqual({ id: '0xab', accounts: ['a'], score: '-12.5' });
    expect(plain(store.get('Counter', '7'))).toEqual({
      id: 7n,
      n: -3,
      big: -(2n ** 63n),
      at: 1_700_000_000_000_000n,
    });
  });

  it('loads @derivedFrom relations including the open block, as graph-ts loadRelated does', () => {
    block(1, () => {
      store.set('Account', 'p', account('p', 0));
      store.set('Account', 'c2', account('c2', 0, { parent: v.str('p') }));
      store.set('Account', 'c1', account('c1', 0, { parent: v.str('p') }));
      store.set('Account', 'c3', account('c3', 0, { parent: v.str('q') }));
    });
    store.beginBlock(blockPtr(2));
    store.set('Account', 'c3', entity({ parent: v.str('p') }));
    store.set('Account', 'c2', entity({ parent: v.str('q') }));
    store.set('Account', 'c0', account('c0', 0, { parent: v.str('p') }));
    store.remove('Account', 'c1');
    expect(store.loadRelated('Account', 'p', 'children').map((e) => plain(e)?.id)).toEqual(['c0', 'c3']);
    expect(() => store.loadRelated('Account', 'p', 'name')).toThrow(/not a @derivedFrom field/);
    store.commitBlock();
    expect(
      store
        .referencingAt('Account', 'parent', 'p', 1)
        .map((e) => e.id)
        .sort(),
    ).toEqual(['c1', 'c2']);
    expect(
      store
        .referencingAt('Account', 'parent', 'p', 2)
        .map((e) => e.id)
        .sort(),
    ).toEqual(['c0', 'c3']);
    expect(store.referencingAt('Account', 'parent', 'q', 2).map((e) => e.id)).toEqual(['c2']);
  });

  it('scans in id order from a cursor, numerically for Int8 ids', () => {
    block(1, () => {
      for (const id of ['b', 'd', 'a', 'c']) store.set('Account', id, account(id, 0));
      for (const id of ['10', '9', '-1', '100']) store.set('Counter', id, entity({ n: v.int(0) }));
    });
    block(2, () => store.remove('Account', 'c'));
    const ids = (it: Iterable<{ id: string }>) => [...it].map((e) => e.id);
    expect(ids(store.scanAt('Account', 2, { direction: 'asc' }))).toEqual(['a', 'b', 'd']);
    expect(
      ids(store.scanAt('Account', 1, { direction: 'asc', start: { id: 'b', inclusive: false } })),
    ).toEqual(['c', 'd']);
    expect(
      ids(store.scanAt('Account', 1, { direction: 'desc', start: { id: 'c', inclusive: true } })),
    ).toEqual(['c', 'b', 'a']);
    expect(
      ids(store.scanAt('Account', 1, { direction: 'desc', start: { id: 'bb', inclusive: false } })),
    ).toEqual(['b', 'a']);
    expect(ids(store.scanAt('Counter', 1, { direction: 'asc' }))).toEqual(['-1', '9', '10', '100']);
  });

  it('records indexing errors and forgets them when their block is reverted', () => {
    block(1);
    block(2);
    store.markIndexingError({ message: 'handler failed', block: blockPtr(2) });
    expect(store.indexingError()?.message).toBe('handler failed');
    store.revertTo(1);
    expect(store.indexingError()).toBeUndefined();
  });
});

describe('SubgraphSchema', () => {
  it('models the project subgraph schema', () => {
    const schema = SubgraphSchema.parse(SUBGRAPH_SCHEMA_TEXT);
    expect([...schema.entityTypes.keys()]).toEqual(
      expect.arrayContaining([
        'Order',
        'Position',
        'PositionAsset',
        'Pool',
        'Token',
        'TokenAddress',
        'Freeze',
      ]),
    );
    const position = schema.entityType('Position');
    expect(position?.immutable).toBe(false);
    expect(position?.fieldsByName.get('order')).toMatchObject({
      kind: 'reference',
      typeName: 'Order',
      nonNull: false,
    });
    expect(position?.fieldsByName.get('assets')).toMatchObject({
      kind: 'scalar',
      storedAs: 'Bytes',
      list: true,
      nonNull: true,
      itemNonNull: true,
    });
    expect(position?.fieldsByName.get('slots')).toMatchObject({ kind: 'derived', derivedFrom: 'position' });
    expect(schema.entityType('Freeze')?.immutable).toBe(true);
    expect(schema.entityType('TokenAddress')?.fieldsByName.get('standard')).toMatchObject({
      kind: 'enum',
      storedAs: 'String',
    });
    expect(schema.enums.get('TokenStandard')).toEqual(['ERC20', 'ERC223']);
  });

  it('rejects what it cannot model', () => {
    expect(() => SubgraphSchema.parse('type A @entity { name: String! }')).toThrow(/need an `id` field/);
    expect(() => SubgraphSchema.parse('type A @entity { id: ID!, b: Nope }')).toThrow(/unknown type Nope/);
    expect(() =>
      SubgraphSchema.parse(
        'type A @entity { id: ID!, bs: [B!]! @derivedFrom(field: "x") } type B @entity { id: ID! }',
      ),
    ).toThrow(/is not a reference field of B/);
    expect(() => SubgraphSchema.parse('interface I { id: ID! }')).toThrow(/interfaces and unions/);
  });
});
