import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  startGraphQLServer,
  type GraphQLServerHandle,
} from '../../devnet/graph-host/graphql/startGraphQLServer.js';
import { MemoryEntityStore } from '../../devnet/graph-host/store/MemoryEntityStore.js';
import { SubgraphSchema } from '../../devnet/graph-host/store/SubgraphSchema.js';
import { addr, order, oracle } from './support/marginEntities.js';
import { SUBGRAPH_SCHEMA_TEXT, blockPtr } from './support/storeFixtures.js';

const DEPLOYMENT = 'QmServerTest';

describe('startGraphQLServer', () => {
  let store: MemoryEntityStore;
  let server: GraphQLServerHandle | undefined;

  beforeEach(async () => {
    store = new MemoryEntityStore(SubgraphSchema.parse(SUBGRAPH_SCHEMA_TEXT));
    store.beginBlock(blockPtr(1));
    store.set('Oracle', addr(1), oracle(addr(1), '0'));
    store.set('Order', '0', order('0', addr(1)));
    store.commitBlock();
    server = await startGraphQLServer({
      store,
      schemaText: SUBGRAPH_SCHEMA_TEXT,
      subgraphName: 'dex223/margin',
      deployment: DEPLOYMENT,
    });
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const post = (
    url: string,
    body: string,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) =>
    // A byte body, so fetch adds no content-type of its own.
    fetch(url, { method: 'POST', headers, body: new TextEncoder().encode(body) });

  it('serves POST queries at /subgraphs/name/<name> and /subgraphs/id/<deployment>', async () => {
    const handle = server as GraphQLServerHandle;
    expect(handle.url).toBe(`http://127.0.0.1:${handle.port}/subgraphs/name/dex223/margin`);
    const response = await post(
      handle.url,
      JSON.stringify({
        query:
          'query Orders($n: Int) { orders(first: $n) { id balance } _meta { deployment block { number } } }',
        variables: { n: 5 },
        operationName: 'Orders',
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      data: {
        orders: [{ id: '0', balance: '1000' }],
        _meta: { deployment: DEPLOYMENT, block: { number: 1 } },
      },
    });
    const byId = await post(
      `http://127.0.0.1:${handle.port}/subgraphs/id/${DEPLOYMENT}`,
      JSON.stringify({ query: '{ orders { id } }' }),
    );
    expect(await byId.json()).toEqual({ data: { orders: [{ id: '0' }] } });
  });

  it('answers query errors with HTTP 200 and an errors list', async () => {
    const response = await post(
      (server as GraphQLServerHandle).url,
      JSON.stringify({ query: '{ orders(block: { number: 5 }) { id } }' }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      errors: [
        {
          message: `Failed to decode \`block.number\` value: \`subgraph ${DEPLOYMENT} has only indexed up to block number 1 and data for block number 5 is therefore not yet available\``,
        },
      ],
    });
  });

  it('runs GET queries from the query string', async () => {
    const handle = server as GraphQLServerHandle;
    const query = encodeURIComponent('query ($id: ID!) { order(id: $id) { id } }');
    const variables = encodeURIComponent(JSON.stringify({ id: '0' }));
    const response = await fetch(`${handle.url}?query=${query}&variables=${variables}`);
    expect(await response.json()).toEqual({ data: { order: { id: '0' } } });
  });

  it('rejects malformed requests the way graph-node does', async () => {
    const handle = server as GraphQLServerHandle;
    const cases: [() => Promise<Response>, number, unknown][] = [
      [
        () => post(handle.url, '{"query": "{ orders { id } }"}', {}),
        400,
        { error: 'Content-Type header is required' },
      ],
      [() => post(handle.url, ''), 400, { error: 'Body is required' }],
      [() => post(handle.url, '{}'), 400, { error: 'The "query" field is missing in request data' }],
      [() => post(handle.url, '{"query": 3}'), 400, { error: 'The "query" field is not a string' }],
      [() => post(handle.url, '[1]'), 400, { error: 'Request data is not an object' }],
      [
        () => post(handle.url, '{"query": "{ orders { id } }", "variables": 1}'),
        400,
        { error: 'Invalid query variables provided' },
      ],
      [
        () =>
          post(`http://127.0.0.1:${handle.port}/subgraphs/name/other/one`, '{"query": "{ orders { id } }"}'),
        200,
        { errors: [{ message: 'deployment `other/one` does not exist' }] },
      ],
      [() => fetch(`http://127.0.0.1:${handle.port}/nowhere`), 200, { message: 'Not found' }],
    ];
    for (const [send, status, body] of cases) {
      const response = await send();
      expect(response.status).toBe(status);
      expect(await response.json()).toEqual(body);
    }
    const badJson = await post(handle.url, '{nope');
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: string }).error).toMatch(/JSON/);
    const options = await fetch(handle.url, { method: 'OPTIONS' });
    expect(options.status).toBe(200);
    expect(options.headers.get('access-control-allow-methods')).toBe('GET, OPTIONS, POST');
  });

  it('releases its port on close', async () => {
    const handle = server as GraphQLServerHandle;
    await handle.close();
    server = undefined;
    await expect(fetch(handle.url)).rejects.toThrow();
  });

  it('refuses a schema text that is not the store schema', async () => {
    await expect(
      startGraphQLServer({
        store,
        schemaText: 'type Other @entity { id: ID! }',
        subgraphName: 'x/y',
        deployment: DEPLOYMENT,
      }),
    ).rejects.toThrow(/does not describe the entity types/);
  });
});
