import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotActingError } from './NotActingError.js';
import { SubgraphClient } from './SubgraphClient.js';

// An operator's two commonest mistakes with subgraphUrl must read as what they are, not as a subgraph catching up.
describe('SubgraphClient names a wrong subgraph URL', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    // graph-node's answer for a name it does not serve.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Not found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('an unknown subgraph name: answered without data, check subgraphUrl', async () => {
    const client = new SubgraphClient(`${base}/subgraphs/name/nobody/here`, 2000);
    const failure = await client.meta().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NotActingError);
    expect((failure as Error).message).toMatch(
      /answered without data at http:\/\/127\.0\.0\.1:\d+\/… .*check subgraphUrl/,
    );
  });

  it('nothing listening: unreachable, with the reason', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const failure = await new SubgraphClient(`http://127.0.0.1:${port}/subgraphs/name/x`, 2000)
      .meta()
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(NotActingError);
    expect((failure as Error).message).toMatch(/^subgraph unreachable at http:\/\/127\.0\.0\.1:\d+/);
  });
});
