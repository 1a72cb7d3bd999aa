import { beforeEach, describe, expect, it } from 'vitest';

import { GraphQueryApi, type GraphQueryResponse } from '../../devnet/graph-host/graphql/GraphQueryApi.js';
import { queryFieldNames } from '../../devnet/graph-host/graphql/queryFieldNames.js';
import { MemoryEntityStore } from '../../devnet/graph-host/store/MemoryEntityStore.js';
import { SubgraphSchema } from '../../devnet/graph-host/store/SubgraphSchema.js';
import { blockPtr, entity, v } from './support/storeFixtures.js';

const SCHEMA = `
  type Label @entity {
    id: ID!
    text: String!
    tags: [String!]!
    note: String
    amount: BigDecimal
    big: Int8
    at: Timestamp
    owner: Wallet
  }
  type Wallet @entity {
    id: Bytes!
    labels: [Label!]! @derivedFrom(field: "owner")
    favourites: [Label!]!
    profile: Profile @derivedFrom(field: "wallet")
  }
  type Profile @entity { id: ID!, wallet: Wallet! }
  type Tick @entity(immutable: true) { id: Int8!, value: Int! }
`;

const W1 = '0x00000000000000000000000000000000000000a1';
const W2 = '0x00000000000000000000000000000000000000b2';

describe('GraphQueryApi on an inline schema', () => {
  let store: MemoryEntityStore;
  let api: GraphQueryApi;
  const run = (query: string): Promise<GraphQueryResponse> => api.execute({ query });
  const idsOf = async (query: string): Promise<Record<string, string[]>> => {
    const response = await run(query);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return Object.fromEntries(
      Object.entries(response.data ?? {}).map(([key, rows]) => [
        key,
        (rows as { id: string }[]).map((r) => r.id),
      ]),
    );
  };

  beforeEach(() => {
    store = new MemoryEntityStore(SubgraphSchema.parse(SCHEMA));
    api = new GraphQueryApi({ reader: store, deployment: 'QmInline' });
    store.beginBlock(blockPtr(1));
    const label = (id: string, text: string, fields: Record<string, ReturnType<typeof v.str>> = {}) =>
      store.set('Label', id, entity({ text: v.str(text), tags: v.list(), ...fields }));
    label('a', 'Hello World', {
      tags: v.list(v.str('Red'), v.str('blue')),
      amount: v.dec('1.5'),
      owner: v.bytes(W1),
    });
    label('b', 'hello_world', {
      tags: v.list(v.str('green')),
      amount: v.dec('-2'),
      big: v.int8(9_007_199_254_740_993n),
    });
    label('c', '100% sure', {
      note: v.str('x'),
      amount: v.dec('10'),
      at: v.ts(1_700_000_000_000_000n),
      owner: v.bytes(W2),
    });
    store.set('Wallet', W1, entity({ favourites: v.list(v.str('c'), v.str('a'), v.str('zz')) }));
    store.set('Wallet', W2, entity({ favourites: v.list() }));
    store.set('Profile', 'p1', entity({ wallet: v.bytes(W1) }));
    store.set('Profile', 'p2', entity({ wallet: v.bytes(W1) }));
    for (const id of [10n, 9n, 100n]) store.set('Tick', id.toString(), entity({ value: v.int(Number(id)) }));
    store.commitBlock();
  });

  it('matches strings like graph-node: LIKE wildcards pass through, _nocase is ILIKE', async () => {
    expect(
      await idsOf(`{
        contains: labels(where: { text_contains: "World" }) { id }
        containsNocase: labels(where: { text_contains_nocase: "world" }) { id }
        notContains: labels(where: { text_not_contains: "World" }) { id }
        underscoreIsWildcard: labels(where: { text_contains: "lo_w" }) { id }
        underscoreMatchesAnyChar: labels(where: { text_contains_nocase: "lo_w" }) { id }
        percentKeepsPattern: labels(where: { text_contains: "100%" }) { id }
        startsWith: labels(where: { text_starts_with: "hello" }) { id }
        startsNocase: labels(where: { text_starts_with_nocase: "HELLO" }) { id }
        notStarts: labels(where: { text_not_starts_with: "hello" }) { id }
        endsWith: labels(where: { text_ends_with: "World" }) { id }
        endsNocase: labels(where: { text_ends_with_nocase: "WORLD" }) { id }
        notEndsNocase: labels(where: { text_not_ends_with_nocase: "WORLD" }) { id }
        gtText: labels(where: { text_gt: "a" }) { id }
        noteNotContains: labels(where: { note_not_contains: "y" }) { id }
      }`),
    ).toEqual({
      contains: ['a'],
      containsNocase: ['a', 'b'],
      notContains: ['b', 'c'],
      underscoreIsWildcard: ['b'],
      underscoreMatchesAnyChar: ['a', 'b'],
      percentKeepsPattern: ['c'],
      startsWith: ['b'],
      startsNocase: ['a', 'b'],
      notStarts: ['a', 'c'],
      endsWith: ['a'],
      endsNocase: ['a', 'b'],
      notEndsNocase: ['c'],
      gtText: ['b'],
      noteNotContains: ['c'],
    });
  });

  it('filters string lists with contains (all), not_contains (none) and the _nocase element match', async () => {
    expect(
      await idsOf(`{
        contains: labels(where: { tags_contains: ["Red", "blue"] }) { id }
        containsMissing: labels(where: { tags_contains: ["Red", "pink"] }) { id }
        notContains: labels(where: { tags_not_contains: ["blue", "green"] }) { id }
        nocase: labels(where: { tags_contains_nocase: ["RED"] }) { id }
        notNocase: labels(where: { tags_not_contains_nocase: ["GREEN"] }) { id }
        equal: labels(where: { tags: [] }) { id }
      }`),
    ).toEqual({
      contains: ['a'],
      containsMissing: [],
      notContains: ['c'],
      nocase: ['a'],
      notNocase: ['a', 'c'],
      equal: ['c'],
    });
  });

  it('compares BigDecimal, Int8 and Timestamp numerically and serializes them as strings', async () => {
    expect(
      await idsOf(`{
        decGt: labels(where: { amount_gt: "1.49" }) { id }
        decEq: labels(where: { amount: "1.50" }) { id }
        decOrder: labels(orderBy: amount) { id }
        int8: labels(where: { big_gt: 9007199254740992 }) { id }
        ts: labels(where: { at_gte: "1700000000000000" }) { id }
        ticks: ticks(orderBy: id) { id }
        tickIdGt: ticks(where: { id_gt: 9 }) { id }
      }`),
    ).toEqual({
      decGt: ['a', 'c'],
      decEq: ['a'],
      decOrder: ['b', 'a', 'c'],
      int8: ['b'],
      ts: ['c'],
      ticks: ['9', '10', '100'],
      tickIdGt: ['10', '100'],
    });
    const response = await run('{ labels { id amount big at } tick(id: "100") { id value } }');
    expect(response.data).toEqual({
      labels: [
        { id: 'a', amount: '1.5', big: null, at: null },
        { id: 'b', amount: '-2', big: '9007199254740993', at: null },
        { id: 'c', amount: '10', big: null, at: '1700000000000000' },
      ],
      tick: { id: '100', value: 100 },
    });
  });

  it('handles Bytes ids, lists of references and single @derivedFrom fields', async () => {
    const response = await run(`{
      wallet(id: "${W1.toUpperCase().replace('0X', '0x')}") {
        id
        labels { id }
        favourites { id }
        firstFavourite: favourites(first: 1, orderBy: text) { id }
        favouritesHello: favourites(where: { text_starts_with_nocase: "hello" }) { id }
      }
      byFavourite: wallets(where: { favourites_: { text_contains: "%" } }) { id }
      byFavouriteId: wallets(where: { favourites_contains: ["a"] }) { id }
      byLabel: wallets(where: { labels_: { text: "Hello World" } }) { id }
      labelsOfW1: labels(where: { owner: "${W1}" }) { id owner { id } }
      walletIdGt: wallets(where: { id_gt: "0x00000000000000000000000000000000000000a1" }) { id }
    }`);
    expect(response).toEqual({
      data: {
        wallet: {
          id: W1,
          labels: [{ id: 'a' }],
          favourites: [{ id: 'a' }, { id: 'c' }],
          firstFavourite: [{ id: 'c' }],
          favouritesHello: [{ id: 'a' }],
        },
        byFavourite: [{ id: W1 }],
        byFavouriteId: [{ id: W1 }],
        byLabel: [{ id: W1 }],
        labelsOfW1: [{ id: 'a', owner: { id: W1 } }],
        walletIdGt: [{ id: W2 }],
      },
    });
    expect(await run(`{ wallet(id: "${W1}") { profile { id } } }`)).toEqual({
      errors: [
        {
          message:
            'Ambiguous result for derived field `profile`: Multiple `Profile` entities refer back via `wallet`',
        },
      ],
    });
  });

  it('treats null as IS NULL for equality and refuses it elsewhere with graph-node texts', async () => {
    expect(
      await idsOf(
        '{ isNull: labels(where: { note: null }) { id } notNull: labels(where: { note_not: null }) { id } }',
      ),
    ).toEqual({ isNull: ['a', 'b'], notNull: ['c'] });
    const cases: [string, string][] = [
      ['amount_gt', 'Store error: unsupported filter `>` for value `null`'],
      ['text_in', 'Non-list value passed to `_in` filter'],
      ['text_not_in', 'Non-list value passed to `_not_in` filter'],
      ['text_contains', 'Store error: unsupported filter `contains` for value `null`'],
      ['tags_not_contains', 'Store error: unsupported filter `not_contains` for value `null`'],
      ['text_not_starts_with_nocase', 'Store error: unsupported filter ` not ilike ` for value `null`'],
    ];
    for (const [filter, message] of cases) {
      expect(await run(`{ labels(where: { ${filter}: null }) { id } }`)).toEqual({ errors: [{ message }] });
    }
  });

  it('names query fields as graph-node does', () => {
    expect(queryFieldNames('Tick')).toEqual({ single: 'tick', collection: 'ticks' });
    expect(queryFieldNames('TokenAddress')).toEqual({ single: 'tokenAddress', collection: 'tokenAddresses' });
    expect(queryFieldNames('Liquidity')).toEqual({ single: 'liquidity', collection: 'liquidities' });
    expect(queryFieldNames('Status')).toEqual({ single: 'status', collection: 'statuses' });
    expect(queryFieldNames('Stats')).toEqual({ single: 'stats', collection: 'stats_collection' });
    expect(queryFieldNames('PoolBlockState')).toEqual({
      single: 'poolBlockState',
      collection: 'poolBlockStates',
    });
  });
});
