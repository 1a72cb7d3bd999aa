import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGraphHost, type GraphHost, type GraphHostOptions } from '../GraphHost.js';
import { IpfsStore } from './IpfsStore.js';
import { materializeDeployment } from './materializeDeployment.js';

export interface GraphNodeOptions extends Pick<
  GraphHostOptions,
  'rpcUrl' | 'chainId' | 'pollIntervalMs' | 'lagBlocks' | 'log' | 'onMappingLog'
> {
  port?: number;
  host?: string;
}

export interface GraphNode {
  /** graph-node's admin JSON-RPC (`graph create/deploy --node`), its IPFS API (`--ipfs`) and its queries, on one port. */
  url: string;
  /** Where a deployed subgraph is queried: `<url>/subgraphs/name/<name>`. */
  queryUrl(name: string): string;
  /** The graph host running each name's current deployment. */
  readonly deployments: ReadonlyMap<string, GraphHost>;
  stop(): Promise<void>;
}

/** JSON-RPC error codes graph-node's admin API answers with (it uses the server-error range). */
const INVALID_PARAMS = -32602;
const METHOD_NOT_FOUND = -32601;
const SERVER_ERROR = -32000;

class AdminError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new AdminError(SERVER_ERROR, 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * A stand-in for the parts of graph-node (and its IPFS) that deploying a subgraph touches, so the real graph-cli
 * can `create` and `deploy` our subgraph to the devnet: the admin JSON-RPC (`subgraph_create`,
 * `subgraph_deploy`, `subgraph_remove`), IPFS's `add`/`cat`/`pin/add`, and graph-node's query path by name,
 * each deployment run by a graph host of its own against the chain.
 */
export async function startGraphNode(options: GraphNodeOptions): Promise<GraphNode> {
  const ipfs = new IpfsStore();
  const names = new Set<string>();
  const deployments = new Map<string, GraphHost>();
  const workDir = mkdtempSync(path.join(tmpdir(), 'dex223-graph-node-'));
  let base = '';

  async function deploy(name: string, manifestCid: string): Promise<void> {
    const dir = path.join(workDir, manifestCid);
    materializeDeployment(ipfs, manifestCid, dir);
    const previous = deployments.get(name);
    // A redeploy replaces the running version (graph-node would sync the new one first; the devnet is small).
    if (previous) await previous.stop();
    deployments.delete(name);
    const host = await startGraphHost({
      rpcUrl: options.rpcUrl,
      chainId: options.chainId,
      buildDir: dir,
      subgraphName: name,
      deploymentId: manifestCid,
      pollIntervalMs: options.pollIntervalMs,
      lagBlocks: options.lagBlocks,
      log: options.log,
      onMappingLog: options.onMappingLog,
    });
    deployments.set(name, host);
  }

  async function admin(method: string, params: Record<string, unknown>): Promise<unknown> {
    const name = params.name;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(name)) {
      throw new AdminError(INVALID_PARAMS, `invalid subgraph name ${JSON.stringify(name)}`);
    }
    switch (method) {
      case 'subgraph_create':
        if (names.has(name)) throw new AdminError(SERVER_ERROR, `subgraph name already exists: ${name}`);
        names.add(name);
        return { id: name };
      case 'subgraph_deploy': {
        if (!names.has(name)) throw new AdminError(SERVER_ERROR, `subgraph name not found: ${name}`);
        const cid = params.ipfs_hash;
        if (typeof cid !== 'string') throw new AdminError(INVALID_PARAMS, 'ipfs_hash is required');
        try {
          await deploy(name, cid);
        } catch (cause) {
          throw new AdminError(SERVER_ERROR, `deployment ${cid} failed: ${(cause as Error).message}`);
        }
        return {
          playground: `${base}/subgraphs/name/${name}/graphql`,
          queries: `${base}/subgraphs/name/${name}`,
          subscriptions: `${base.replace(/^http/, 'ws')}/subgraphs/name/${name}`,
        };
      }
      case 'subgraph_remove':
        if (!names.delete(name)) throw new AdminError(SERVER_ERROR, `subgraph name not found: ${name}`);
        await deployments.get(name)?.stop();
        deployments.delete(name);
        return null;
      default:
        throw new AdminError(METHOD_NOT_FOUND, `Method not found: ${method}`);
    }
  }

  async function handleRpc(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let id: unknown = null;
    try {
      const body = JSON.parse((await readBody(request)).toString('utf8')) as {
        id?: unknown;
        method?: unknown;
        params?: unknown;
      };
      id = body.id ?? null;
      const params = typeof body.params === 'object' && body.params !== null ? body.params : {};
      const result = await admin(String(body.method), params as Record<string, unknown>);
      sendJson(response, 200, { jsonrpc: '2.0', id, result });
    } catch (error) {
      const code = error instanceof AdminError ? error.code : -32700;
      sendJson(response, 200, { jsonrpc: '2.0', id, error: { code, message: (error as Error).message } });
    }
  }

  async function handleIpfs(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const call = url.pathname.slice('/api/v0/'.length);
    if (call === 'add') {
      const form = await new Request('http://ipfs/add', {
        method: 'POST',
        headers: { 'content-type': request.headers['content-type'] ?? '' },
        body: new Uint8Array(await readBody(request)),
      }).formData();
      const lines: string[] = [];
      for (const value of form.values()) {
        if (typeof value === 'string' || value.type === 'application/x-directory') continue;
        const bytes = new Uint8Array(await value.arrayBuffer());
        lines.push(JSON.stringify({ Name: value.name, Hash: ipfs.add(bytes), Size: String(bytes.length) }));
      }
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.end(lines.map((l) => `${l}\n`).join(''));
      return;
    }
    const arg = url.searchParams.get('arg') ?? '';
    const bytes = ipfs.get(arg);
    if (bytes === undefined) {
      sendJson(response, 500, { Message: `no file for ${arg}`, Code: 0, Type: 'error' });
    } else if (call === 'cat') {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end(bytes);
    } else if (call === 'pin/add') {
      sendJson(response, 200, { Pins: [arg.replace(/^\/ipfs\//, '')] });
    } else {
      sendJson(response, 404, { Message: `unsupported IPFS call ${call}`, Code: 0, Type: 'error' });
    }
  }

  /** `/subgraphs/name/<name>[/graphql]` goes to the graph host serving that name's deployment. */
  async function handleQuery(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const name = url.pathname.slice('/subgraphs/name/'.length).replace(/\/graphql$/, '');
    const host = deployments.get(name);
    if (!host) {
      sendJson(response, 200, { message: 'Not found' });
      return;
    }
    const upstream = await fetch(`${host.url}${url.search}`, {
      method: request.method,
      headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
      body: request.method === 'POST' ? new Uint8Array(await readBody(request)) : undefined,
    });
    response.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    });
    response.end(Buffer.from(await upstream.arrayBuffer()));
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const route = url.pathname.startsWith('/api/v0/')
      ? handleIpfs(request, response, url)
      : url.pathname.startsWith('/subgraphs/name/')
        ? handleQuery(request, response, url)
        : request.method === 'POST'
          ? handleRpc(request, response)
          : Promise.resolve(sendJson(response, 200, { message: 'Not found' }));
    route.catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: (error as Error).message });
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  base = `http://${host}:${(server.address() as AddressInfo).port}`;
  let stopped: Promise<void> | undefined;
  return {
    url: base,
    queryUrl: (name) => `${base}/subgraphs/name/${name}`,
    deployments,
    stop: () =>
      (stopped ??= (async () => {
        for (const deployment of deployments.values()) await deployment.stop();
        deployments.clear();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        rmSync(workDir, { recursive: true, force: true });
      })()),
  };
}
