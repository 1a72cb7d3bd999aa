import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { EntityReader } from '../store/EntityReader.js';
import { SubgraphSchema } from '../store/SubgraphSchema.js';
import { GraphQueryApi, type GraphQueryRequest } from './GraphQueryApi.js';

export interface GraphQLServerOptions {
  store: EntityReader;
  /**
   * The subgraph's `schema.graphql`. The API is generated from the store's parsed schema; when given, the
   * text must describe the same entity types and fields (a mismatch means two different subgraphs).
   */
  schemaText?: string;
  /** e.g. `dex223/margin`: served at `/subgraphs/name/<subgraphName>`. */
  subgraphName: string;
  /** The deployment id reported by `_meta.deployment` and in graph-node's error texts; also `/subgraphs/id/<deployment>`. */
  deployment: string;
  /** Omitted: a free port. */
  port?: number;
  host?: string;
}

export interface GraphQLServerHandle {
  /** `http://host:port/subgraphs/name/<subgraphName>`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * Serves graph-node's HTTP query endpoint for one subgraph: POST JSON `{query, variables, operationName}` to
 * `/subgraphs/name/<name>` or `/subgraphs/id/<deployment>`; query errors are HTTP 200 with `errors`, bad
 * requests 400 with `{error}`, unknown routes 200 `{"message":"Not found"}`, as graph-node answers them.
 * A GET with `?query=` runs the query too (graph-node would redirect to GraphiQL), for curl.
 */
export async function startGraphQLServer(options: GraphQLServerOptions): Promise<GraphQLServerHandle> {
  if (options.schemaText !== undefined)
    assertSameSchema(options.store.schema, SubgraphSchema.parse(options.schemaText));
  const api = new GraphQueryApi({ reader: options.store, deployment: options.deployment });
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    handle(api, options, request, response).catch((error: unknown) => {
      send(response, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}/subgraphs/name/${options.subgraphName}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function handle(
  api: GraphQueryApi,
  options: GraphQLServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const method = request.method ?? 'GET';
  const isSubgraphRoute = segments[0] === 'subgraphs' && (segments[1] === 'name' || segments[1] === 'id');
  if (!isSubgraphRoute || segments.length < 3) return send(response, 200, { message: 'Not found' });
  if (method === 'OPTIONS') return send(response, 200, '');
  const target = segments.slice(2).join('/');
  const known = segments[1] === 'name' ? target === options.subgraphName : target === options.deployment;

  let query: GraphQueryRequest;
  if (method === 'POST') {
    if (!request.headers['content-type'])
      return send(response, 400, { error: 'Content-Type header is required' });
    const body = await readBody(request);
    if (body === undefined) return send(response, 413, { error: 'Request body is too large' });
    if (body.length === 0) return send(response, 400, { error: 'Body is required' });
    const parsed = parseRequest(body);
    if (typeof parsed === 'string') return send(response, 400, { error: parsed });
    query = parsed;
  } else if (method === 'GET') {
    const text = url.searchParams.get('query');
    if (text === null) return send(response, 400, { error: 'The "query" parameter is missing' });
    if (text.trim().toLowerCase().startsWith('mutation')) {
      return send(response, 400, { error: "Can't use mutations with GET method" });
    }
    let variables: Record<string, unknown> | null = null;
    const rawVariables = url.searchParams.get('variables');
    if (rawVariables) {
      try {
        variables = JSON.parse(rawVariables) as Record<string, unknown>;
      } catch {
        return send(response, 400, { error: 'Invalid query variables provided' });
      }
    }
    query = { query: text, variables, operationName: url.searchParams.get('operationName') };
  } else {
    return send(response, 200, { message: 'Not found' });
  }
  if (!known)
    return send(response, 200, { errors: [{ message: `deployment \`${target}\` does not exist` }] });
  send(response, 200, await api.execute(query));
}

/** graph-node's checks of a POST body, with its texts. */
function parseRequest(body: Buffer): GraphQueryRequest | string {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return 'Request data is not an object';
  const object = json as Record<string, unknown>;
  if (!('query' in object)) return 'The "query" field is missing in request data';
  if (typeof object.query !== 'string') return 'The "query" field is not a string';
  const variables = object.variables;
  if (
    variables !== undefined &&
    variables !== null &&
    (typeof variables !== 'object' || Array.isArray(variables))
  ) {
    return 'Invalid query variables provided';
  }
  const operationName = typeof object.operationName === 'string' ? object.operationName : null;
  return {
    query: object.query,
    variables: (variables as Record<string, unknown> | null) ?? null,
    operationName,
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json',
    'access-control-allow-origin': '*',
    'access-control-allow-headers': 'Content-Type, User-Agent',
    'access-control-allow-methods': 'GET, OPTIONS, POST',
  });
  response.end(text);
}

function assertSameSchema(store: SubgraphSchema, given: SubgraphSchema): void {
  const shape = (schema: SubgraphSchema): string =>
    JSON.stringify(
      [...schema.entityTypes.values()].map((t) => [
        t.name,
        t.fields.map((f) => [f.name, f.kind, f.typeName, f.list]),
      ]),
    );
  if (shape(store) !== shape(given)) {
    throw new Error(
      'startGraphQLServer: schemaText does not describe the entity types the store was built with',
    );
  }
}
