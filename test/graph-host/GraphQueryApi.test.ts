import { beforeEach, describe, expect, it } from 'vitest';

import { GraphQueryApi, type GraphQueryResponse } from '../../devnet/graph-host/graphql/GraphQueryApi.js';
import { MemoryEntityStore } from '../../devnet/graph-host/store/MemoryEntityStore.js';
import { SubgraphSchema } from '../../devnet/graph-host/store/SubgraphSchema.js';
import {
  addr,
  freeze,
  order,
  oracle,
  pool,
  position,
  positionAsset,
  token,
  tokenAddress,
} from './support/marginEntities.js';
import { SUBGRAPH_SCHEMA_TEXT, blockHash, blockPtr, entity, v } from './support/storeFixtures.js';

const DEPLOYMENT = 'QmDevnetMarginTest';
const LENDER_A = addr(0xa);
const LENDER_B = addr(0xb);
const BORROWER_C = addr(0xc);
const BORROWER_D = addr(0xd);
const LIQUIDATOR = addr(0xe);
const ORACLE = addr(0x0c1e);
const T1 = addr(0x100);
const T1_223 = addr(0x101);
const T2 = addr(0x200);
const POOL = addr(0x999);

describe('GraphQueryApi on the project subgraph schema', () => {
  let store: MemoryEntityStore;
  let api: GraphQueryApi;
  const run = (query: string, variables?: Record<string, unknown>): Promise<GraphQueryResponse> =>
    api.execute({ query, variables });
  const data = async (
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Record<string, unknown>> => {
    const response = await run(query, variables);
    expect(response.errors).toBeUndefined();
    return response.data as Record<string, unknown>;
  };
  const errorOf = async (query: string): Promise<string> => {
    const response = await run(query);
    expect(response.errors?.length, JSON.stringify(response)).toBeGreaterThan(0);
    return (response.errors?.[0] as { message: string }).message;
  };
  const ids = (rows: unknown): string[] => (rows as { id: string }[]).map((r) => r.id);

  function block(n: number, write: () => void = () => {}, branch = 'a', parentBranch = branch): void {
    store.beginBlock(blockPtr(n, branch, parentBranch));
    write();
    store.commitBlock();
  }

  beforeEach(() => {
    store = new MemoryEntityStore(SubgraphSchema.parse(SUBGRAPH_SCHEMA_TEXT));
    api = new GraphQueryApi({ reader: store, deployment: DEPLOYMENT });
    block(1, () => {
      store.set('Oracle', ORACLE, oracle(ORACLE, '0'));
      store.set('Order', '0', order('0', ORACLE, { owner: v.bytes(LENDER_A) }));
      store.set(
        'Order',
        '1',
        order('1', ORACLE, { owner: v.bytes(LENDER_B), balance: v.big(50), alive: v.bool(false) }),
      );
      store.set('Token', T1, token(T1, T1_223));
      store.set('Token', T2, token(T2));
      store.set('TokenAddress', T1, tokenAddress(T1, T1, 'ERC20'));
      store.set('TokenAddress', T1_223, tokenAddress(T1_223, T1, 'ERC223'));
      store.set('Pool', POOL, pool(POOL, T1, T2));
    });
    block(2, () => {
      store.set('Position', '0', position('0', '0', { owner: v.bytes(BORROWER_C) }));
      store.set('PositionAsset', '0-0', positionAsset('0', 0, addr(0xba5e), 0n));
      store.set('PositionAsset', '0-1', positionAsset('0', 1, addr(0xc1), 60n));
    });
    block(3, () => {
      store.set(
        'Position',
        '1',
        position('1', '1', {
          owner: v.bytes(BORROWER_D),
          assets: v.list(v.bytes(addr(0xba5e)), v.bytes(addr(0xd1))),
          balances: v.list(v.big(0), v.big(5)),
        }),
      );
      store.set('Order', '0', entity({ balance: v.big(900) }));
    });
    block(4);
    block(5, () => {
      store.set(
        'Position',
        '0',
        entity({ frozenAt: v.big(5000), frozenBy: v.bytes(LIQUIDATOR), freezeCount: v.int(1) }),
      );
      store.set('Freeze', '0xf1-0', freeze('0', LIQUIDATOR));
    });
    block(6, () => {
      store.set(
        'Position',
        '1',
        entity({
          open: v.bool(false),
          closed: v.bool(true),
          closedBy: v.bytes(BORROWER_D),
          closedAtBlock: v.big(6),
        }),
      );
      store.remove('PositionAsset', '0-1');
    });
  });

  it('generates graph-node names: single and collection fields, filter, orderBy and meta types', async () => {
    const schema = await data(`{
      __schema { queryType { fields { name args { name defaultValue type { name kind ofType { name } } } } } }
      filter: __type(name: "Position_filter") { inputFields { name } }
      orderBy: __type(name: "Position_orderBy") { enumValues { name } }
      block: __type(name: "Block_height") { inputFields { name } }
    }`);
    const fields = (
      schema.__schema as {
        queryType: { fields: { name: string; args: { name: string; defaultValue: string | null }[] }[] };
      }
    ).queryType.fields;
    const names = fields.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'order',
        'orders',
        'position',
        'positions',
        'positionAsset',
        'positionAssets',
        'tokenlist',
        'tokenlists',
        'tokenAddress',
        'tokenAddresses',
        'poolBlockState',
        'poolBlockStates',
        'freeze',
        'freezes',
        'positionClose',
        'positionCloses',
        'marginSwapEvents',
        'pendingAssetRemovals',
        '_meta',
      ]),
    );
    const positions = fields.find((f) => f.name === 'positions');
    expect(positions?.args.map((a) => [a.name, a.defaultValue])).toEqual([
      ['skip', '0'],
      ['first', '100'],
      ['orderBy', null],
      ['orderDirection', null],
      ['where', null],
      ['block', null],
      ['subgraphError', 'deny'],
    ]);
    const filterNames = (schema.filter as { inputFields: { name: string }[] }).inputFields.map((f) => f.name);
    expect(filterNames).toEqual(
      expect.arrayContaining([
        'id_gt',
        'owner_contains',
        'owner_not_in',
        'order',
        'order_starts_with_nocase',
        'order_',
        'assets_contains',
        'slots_',
        'open_in',
        '_change_block',
        'and',
        'or',
      ]),
    );
    expect(filterNames).not.toContain('owner_starts_with');
    expect(filterNames).not.toContain('slots');
    expect(filterNames).not.toContain('id_contains');
    const orderBy = (schema.orderBy as { enumValues: { name: string }[] }).enumValues.map((e) => e.name);
    expect(orderBy).toEqual(
      expect.arrayContaining(['id', 'owner', 'order', 'order__balance', 'order__id', 'slots']),
    );
    expect(orderBy).not.toContain('order__oracle');
    expect((schema.block as { inputFields: { name: string }[] }).inputFields.map((f) => f.name)).toEqual([
      'hash',
      'number',
      'number_gte',
    ]);
  });

  it('serializes scalars as graph-node does and resolves references and lists', async () => {
    const result = await data(`{
      position(id: "0") {
        id positionId owner open freezeCount assets balances frozenAt
        order { id orderId balance alive oracle { id address } }
        slots { id index balance }
        freezes { id liquidator refreeze }
      }
      missing: position(id: "42") { id }
      tokenAddresses { id standard token { id erc223 } }
    }`);
    expect(result.position).toEqual({
      id: '0',
      positionId: '0',
      owner: BORROWER_C,
      open: true,
      freezeCount: 1,
      assets: [addr(0xba5e), addr(0xc1)],
      balances: ['0', '60'],
      frozenAt: '5000',
      order: { id: '0', orderId: '0', balance: '900', alive: true, oracle: { id: ORACLE, address: ORACLE } },
      slots: [{ id: '0-0', index: 0, balance: '0' }],
      freezes: [{ id: '0xf1-0', liquidator: LIQUIDATOR, refreeze: false }],
    });
    expect(result.missing).toBeNull();
    expect(result.tokenAddresses).toEqual([
      { id: T1, standard: 'ERC20', token: { id: T1, erc223: T1_223 } },
      { id: T1_223, standard: 'ERC223', token: { id: T1, erc223: T1_223 } },
    ]);
    const derived = await data(`{
      token(id: "${T1}") { poolsAsToken0 { id } poolsAsToken1 { id } }
      oracle(id: "${ORACLE}") { orders(orderBy: balance) { id } }
    }`);
    expect(derived).toEqual({
      token: { poolsAsToken0: [{ id: POOL }], poolsAsToken1: [] },
      oracle: { orders: [{ id: '1' }, { id: '0' }] },
    });
  });

  it('reads at a past block by number or hash, nested fields included', async () => {
    const at = await data(`{
      n2: order(id: "0", block: { number: 2 }) { balance positions { id } }
      n3: order(id: "0", block: { number: 3 }) { balance positions { id } }
      h2: orders(block: { hash: "${blockHash(2)}" }) { id balance }
      p5: position(id: "1", block: { number: 5 }) { open closedBy }
      p6: position(id: "1") { open closedBy }
      slots5: position(id: "0", block: { number: 5 }) { slots { id } }
      none: positions(block: { number: 1 }) { id }
    }`);
    expect(at).toEqual({
      n2: { balance: '1000', positions: [{ id: '0' }] },
      n3: { balance: '900', positions: [{ id: '0' }] },
      h2: [
        { id: '0', balance: '1000' },
        { id: '1', balance: '50' },
      ],
      p5: { open: true, closedBy: null },
      p6: { open: false, closedBy: BORROWER_D },
      slots5: { slots: [{ id: '0-0' }, { id: '0-1' }] },
      none: [],
    });
    const byVariables = await data('query ($b: Block_height!) { orders(block: $b) { balance } }', {
      b: { number: 2 },
    });
    expect(byVariables).toEqual({ orders: [{ balance: '1000' }, { balance: '50' }] });
  });

  it('selects changed entities with _change_block, at the head or at a past block', async () => {
    const changed = await data(`{
      since5: positions(where: { _change_block: { number_gte: 5 } }) { id }
      since6: positions(where: { _change_block: { number_gte: 6 } }) { id }
      since5at5: positions(block: { number: 5 }, where: { _change_block: { number_gte: 5 } }) { id }
      paged: positions(where: { _change_block: { number_gte: 2 }, id_gt: "0" }, orderBy: id, first: 1) { id }
      freezes(where: { _change_block: { number_gte: 5 } }) { id }
      removedSlot: positionAssets(where: { _change_block: { number_gte: 6 } }) { id }
    }`);
    expect(changed).toEqual({
      since5: [{ id: '0' }, { id: '1' }],
      since6: [{ id: '1' }],
      since5at5: [{ id: '0' }],
      paged: [{ id: '1' }],
      freezes: [{ id: '0xf1-0' }],
      removedSlot: [],
    });
  });

  it('filters with every operator family', async () => {
    const result = await data(`{
      eq: positions(where: { owner: "${BORROWER_D}" }) { id }
      eqUpper: positions(where: { owner: "${BORROWER_D.toUpperCase().replace('0X', '0x')}" }) { id }
      not: positions(where: { owner_not: "${BORROWER_D}" }) { id }
      gt: orders(where: { balance_gt: "50" }) { id }
      gteInt: orders(where: { balance_gte: 50 }) { id }
      lt: orders(where: { balance_lt: "900" }) { id }
      in: positions(where: { positionId_in: ["1", "7"] }) { id }
      notIn: positions(where: { positionId_not_in: ["1"] }) { id }
      emptyIn: positions(where: { id_in: [] }) { id }
      emptyNotIn: positions(where: { id_not_in: [] }) { id }
      bool: orders(where: { alive: false }) { id }
      boolIn: orders(where: { alive_in: [true] }) { id }
      isNull: positions(where: { closedBy: null }) { id }
      notNull: positions(where: { closedBy_not: null }) { id }
      notOnNull: positions(where: { closedBy_not: "${LIQUIDATOR}" }) { id }
      bytesContains: positions(where: { owner_contains: "0d" }) { id }
      bytesNotContains: positions(where: { owner_not_contains: "0d" }) { id }
      bytesUnaligned: positions(where: { owner_contains: "d0" }) { id }
      listContains: positions(where: { assets_contains: ["${addr(0xd1)}"] }) { id }
      listNotContains: positions(where: { assets_not_contains: ["${addr(0xd1)}", "${addr(0x77)}"] }) { id }
      listEq: positions(where: { balances: ["0", "5"] }) { id }
      enum: tokenAddresses(where: { standard: ERC223 }) { id }
      enumNot: tokenAddresses(where: { standard_not_in: [ERC223] }) { id }
      refId: positions(where: { order: "1" }) { id }
      refStarts: positions(where: { order_starts_with: "1" }) { id }
      idGt: orders(where: { id_gt: "0" }) { id }
    }`);
    expect(Object.fromEntries(Object.entries(result).map(([k, rows]) => [k, ids(rows)]))).toEqual({
      eq: ['1'],
      eqUpper: ['1'],
      not: ['0'],
      gt: ['0'],
      gteInt: ['0', '1'],
      lt: ['1'],
      in: ['1'],
      notIn: ['0'],
      emptyIn: [],
      emptyNotIn: [],
      bool: ['1'],
      boolIn: ['0'],
      isNull: ['0'],
      notNull: ['1'],
      notOnNull: ['1'],
      bytesContains: ['1'],
      bytesNotContains: ['0'],
      bytesUnaligned: [],
      listContains: ['1'],
      listNotContains: ['0'],
      listEq: ['1'],
      enum: [T1_223],
      enumNot: [T1],
      refId: ['1'],
      refStarts: ['1'],
      idGt: ['1'],
    });
  });

  it('filters through references with field_ (forward, list and @derivedFrom), at the query block', async () => {
    const result = await data(`{
      byOrderOwner: positions(where: { order_: { owner: "${LENDER_A}" } }) { id }
      byDerived: orders(where: { positions_: { owner: "${BORROWER_D}" } }) { id }
      byDerivedAt2: orders(block: { number: 2 }, where: { positions_: { positionId_gte: "0" } }) { id }
      bySlotBalance: positions(where: { slots_: { balance_gt: "10" } }) { id }
      bySlotBalanceAt5: positions(block: { number: 5 }, where: { slots_: { balance_gt: "10" } }) { id }
      nested: order(id: "0") { positions(where: { frozenBy: "${LIQUIDATOR}" }) { id } }
    }`);
    expect(result).toEqual({
      byOrderOwner: [{ id: '0' }],
      byDerived: [{ id: '1' }],
      byDerivedAt2: [{ id: '0' }],
      bySlotBalance: [],
      bySlotBalanceAt5: [{ id: '0' }],
      nested: { positions: [{ id: '0' }] },
    });
    expect(
      await errorOf(`{ positions(where: { order_: { oracle_: { address: "${ORACLE}" } } }) { id } }`),
    ).toMatch(/^Child filter nesting not supported by value `oracle`: /);
  });

  it('combines filters with and/or, and refuses column filters next to or as graph-node does', async () => {
    const result = await data(`{
      or: positions(where: { or: [{ owner: "${BORROWER_C}" }, { owner: "${BORROWER_D}" }] }) { id }
      and: positions(where: { and: [{ open: true }, { owner: "${BORROWER_C}" }] }) { id }
      orInsideChange: positions(where: { or: [{ open: false, _change_block: { number_gte: 2 } }] }) { id }
      nestedOr: orders(where: { or: [{ balance_lt: "100" }, { and: [{ alive: true }, { balance_gt: "899" }] }] }) { id }
    }`);
    expect(Object.fromEntries(Object.entries(result).map(([k, rows]) => [k, ids(rows)]))).toEqual({
      or: ['0', '1'],
      and: ['0'],
      orInsideChange: ['1'],
      nestedOr: ['0', '1'],
    });
    expect(
      await errorOf(`{ positions(where: { open: true, or: [{ owner: "${BORROWER_C}" }] }) { id } }`),
    ).toBe(
      "Cannot mix column filters with 'or' operator at the same level. Found column filter(s) 'open' alongside 'or' operator.\n\n" +
        "Instead of:\nwhere: { 'open', or: [...] }\n\nUse:\nwhere: { or: [{ 'open', ... }, { 'open', ... }] }",
    );
    // graph-node builds `and`/`or` from every value of their object, so even `_change_block` beside them
    // is refused (graph-node's query.rs, `build_list_filter_from_object`).
    expect(await errorOf('{ positions(where: { open: true, and: [{ closed: false }] }) { id } }')).toBe(
      'Filter must by an object',
    );
    expect(
      await errorOf(
        '{ positions(where: { or: [{ open: false }], _change_block: { number_gte: 2 } }) { id } }',
      ),
    ).toBe('Filter must by an object');
  });

  it('orders, pages and limits like graph-node', async () => {
    const result = await data(`{
      byBalanceDesc: orders(orderBy: balance, orderDirection: desc) { id }
      byBalance: orders(orderBy: balance) { id }
      directionOnly: orders(orderDirection: desc) { id }
      byChild: positions(orderBy: order__balance) { id }
      byChildDesc: positions(orderBy: order__balance, orderDirection: desc) { id }
      nullsLast: positions(orderBy: closedBy) { id }
      nullsFirstDesc: positions(orderBy: closedBy, orderDirection: desc) { id }
      byIdDesc: positions(orderBy: id, orderDirection: desc, where: { id_lt: "1" }) { id }
      page2: tokenAddresses(first: 1, skip: 1) { id }
      skipAll: tokenAddresses(skip: 5) { id }
    }`);
    expect(Object.fromEntries(Object.entries(result).map(([k, rows]) => [k, ids(rows)]))).toEqual({
      byBalanceDesc: ['0', '1'],
      byBalance: ['1', '0'],
      directionOnly: ['0', '1'],
      byChild: ['1', '0'],
      byChildDesc: ['0', '1'],
      nullsLast: ['1', '0'],
      nullsFirstDesc: ['0', '1'],
      byIdDesc: ['0'],
      page2: [T1_223],
      skipAll: [],
    });
    expect(await errorOf('{ positions(first: 1001) { id } }')).toBe(
      'The `first` argument must be between 0 and 1000, but is 1001',
    );
    expect(await errorOf('{ positions(first: 0) { id } }')).toBe(
      'The `first` argument must be between 0 and 1000, but is 0',
    );
    expect(await errorOf('{ positions(skip: -1) { id } }')).toBe(
      'The `skip` argument must be between 0 and 4294967295, but is -1',
    );
    expect(await errorOf('{ order(id: "0") { positions(first: 2000) { id } } }')).toBe(
      'The `first` argument must be between 0 and 1000, but is 2000',
    );
    expect(await errorOf('{ positions(orderBy: order) { id } }')).toBe(
      'Ordering by `order` is not supported for type `Position`',
    );
    expect(await errorOf('{ positions(orderBy: assets) { id } }')).toBe(
      'Ordering by `assets` is not supported for type `Position`',
    );
  });

  it('returns 100 entities by default and at most `first`', async () => {
    block(7, () => {
      for (let i = 0; i < 150; i++)
        store.set('PositionAsset', `x-${String(i).padStart(3, '0')}`, positionAsset('0', i, addr(i), 1n));
    });
    const result = await data('{ all: positionAssets { id } firstPage: positionAssets(first: 1000) { id } }');
    expect((result.all as unknown[]).length).toBe(100);
    expect((result.firstPage as unknown[]).length).toBe(151);
  });

  it('fails only the block group of a failing field; a block error fails the whole request', async () => {
    const partial = await run(`{
      bad: positions(first: 1001) { id }
      alsoLatest: orders { id }
      atTwo: orders(block: { number: 2 }) { id }
    }`);
    expect(partial).toEqual({
      data: { atTwo: [{ id: '0' }, { id: '1' }] },
      errors: [{ message: 'The `first` argument must be between 0 and 1000, but is 1001' }],
    });

    const notIndexed = await run(`{ orders { id } later: orders(block: { number: 99 }) { id } }`);
    expect(notIndexed).toEqual({
      errors: [
        {
          message: `Failed to decode \`block.number\` value: \`subgraph ${DEPLOYMENT} has only indexed up to block number 6 and data for block number 99 is therefore not yet available\``,
        },
      ],
    });
    expect(await errorOf('{ _meta(block: { number_gte: 7 }) { deployment } }')).toBe(
      `Failed to decode \`block.number_gte\` value: \`subgraph ${DEPLOYMENT} has only indexed up to block number 6 and data for block number 7 is therefore not yet available\``,
    );
    expect(await errorOf(`{ orders(block: { hash: "${blockHash(9)}" }) { id } }`)).toBe(
      'Failed to decode `block.hash` value: `no block with that hash found`',
    );
    expect(ids((await data('{ orders(block: { number_gte: 6 }) { id } }')).orders)).toEqual(['0', '1']);
  });

  it('reports filter values graph-node cannot decode', async () => {
    expect(await errorOf('{ positions(where: { positionId: "12x" }) { id } }')).toBe(
      'Failed to decode `BigInt` value: `invalid digit found in string`',
    );
    expect(await errorOf('{ positions(where: { owner: "0x123" }) { id } }')).toBe(
      'Failed to decode `Bytes` value: `Odd number of digits`',
    );
    expect(await errorOf('{ positions(where: { owner: "0xzz" }) { id } }')).toBe(
      "Failed to decode `Bytes` value: `Invalid character 'z' at position 0`",
    );
  });

  it('answers _meta for the head, a block number and a block hash', async () => {
    const meta = await data(`{
      head: _meta { block { number hash timestamp parentHash } deployment hasIndexingErrors }
      byNumber: _meta(block: { number: 3 }) { block { number hash timestamp parentHash } }
      byHash: _meta(block: { hash: "${blockHash(3)}" }) { block { number hash timestamp parentHash } }
    }`);
    const head = blockPtr(6);
    expect(meta).toEqual({
      head: {
        block: { number: 6, hash: head.hash, timestamp: head.timestampSec, parentHash: head.parentHash },
        deployment: DEPLOYMENT,
        hasIndexingErrors: false,
      },
      byNumber: { block: { number: 3, hash: null, timestamp: null, parentHash: null } },
      byHash: {
        block: {
          number: 3,
          hash: blockHash(3),
          timestamp: blockPtr(3).timestampSec,
          parentHash: blockHash(2),
        },
      },
    });
    store.markIndexingError({ message: 'handler failed', block: blockPtr(7) });
    expect(
      await data('{ _meta { hasIndexingErrors } old: _meta(block: { number: 2 }) { hasIndexingErrors } }'),
    ).toEqual({
      _meta: { hasIndexingErrors: true },
      old: { hasIndexingErrors: false },
    });
  });

  it('follows a reorg: after revertTo and writes on the new branch, queries see only the new branch', async () => {
    store.revertTo(4);
    block(
      5,
      () => {
        store.set(
          'Position',
          '1',
          entity({ open: v.bool(false), closed: v.bool(true), liquidated: v.bool(true) }),
        );
        store.set('Order', '1', entity({ balance: v.big(77) }));
      },
      'b',
      'a',
    );
    block(6, () => {}, 'b');
    const after = await data(`{
      _meta { block { number hash } }
      positions { id frozenBy open liquidated }
      freezes { id }
      changed: positions(where: { _change_block: { number_gte: 5 } }) { id }
      order(id: "1") { balance }
      atFour: order(id: "1", block: { number: 4 }) { balance }
      slots: positionAssets { id }
    }`);
    expect(after).toEqual({
      _meta: { block: { number: 6, hash: blockHash(6, 'b') } },
      positions: [
        { id: '0', frozenBy: addr(0), open: true, liquidated: false },
        { id: '1', frozenBy: addr(0), open: false, liquidated: true },
      ],
      freezes: [],
      changed: [{ id: '1' }],
      order: { balance: '77' },
      atFour: { balance: '50' },
      slots: [{ id: '0-0' }, { id: '0-1' }],
    });
    expect(await errorOf(`{ orders(block: { hash: "${blockHash(5)}" }) { id } }`)).toBe(
      'Failed to decode `block.hash` value: `no block with that hash found`',
    );
    expect(ids((await data(`{ orders(block: { hash: "${blockHash(5, 'b')}" }) { id } }`)).orders)).toEqual([
      '0',
      '1',
    ]);
  });

  it('says so when nothing is indexed yet', async () => {
    const empty = new GraphQueryApi({
      reader: new MemoryEntityStore(SubgraphSchema.parse(SUBGRAPH_SCHEMA_TEXT)),
      deployment: DEPLOYMENT,
    });
    expect(await empty.execute({ query: '{ _meta { deployment } }' })).toEqual({
      errors: [
        {
          message: `Store error: query execution failed: Subgraph \`${DEPLOYMENT}\` has not started syncing yet. Wait for it to ingest a few blocks before querying it`,
        },
      ],
    });
  });

  it('reports GraphQL syntax and validation errors', async () => {
    const syntax = await run('{ positions { id ');
    expect(syntax.data).toBeUndefined();
    expect(syntax.errors?.[0]?.locations).toEqual([{ line: 1, column: 18 }]);
    expect(await errorOf('{ positions { nope } }')).toMatch(/Cannot query field "nope" on type "Position"/);
    expect(await errorOf('{ positions(where: { nope: 1 }) { id } }')).toMatch(
      /"nope" is not defined by type "Position_filter"/,
    );
  });
});
