import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Wallet, keccak256, toUtf8Bytes, verifyMessage } from 'ethers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BundleClient, BundleRpcError, RateLimitedError } from './BundleClient.js';
import { SubmissionError } from './ExecutionError.js';

interface Seen {
  body: Buffer;
  json: { method: string; params: unknown[]; id: number; jsonrpc: string };
  signature: string | undefined;
}

const auth = new Wallet(keccak256(toUtf8Bytes('bundle client unit test key')));
const TX = '0x02f86c0180843b9aca00850ba43b740082520894000000000000000000000000000000000000000101808080a0aa';
let server: Server;
let url: string;
let seen: Seen[] = [];
/** What the stand-in endpoint answers next: a JSON-RPC reply body, or raw HTTP, or nothing (hang). */
let answer: (seen: Seen, res: ServerResponse) => void;

function ok(result: unknown) {
  return (s: Seen, res: ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: s.json.id, result }));
  };
}

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const header = req.headers['x-flashbots-signature'];
      const entry: Seen = {
        body,
        json: JSON.parse(body.toString('utf8')) as Seen['json'],
        signature: Array.isArray(header) ? header[0] : header,
      };
      seen.push(entry);
      answer(entry, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen = [];
  answer = ok(null);
});

function client(overrides: Partial<ConstructorParameters<typeof BundleClient>[0]> = {}): BundleClient {
  return new BundleClient({
    name: 'stand-in',
    url,
    authSigner: auth,
    timeoutMs: 2_000,
    requestsPerSecond: 100,
    ...overrides,
  });
}

function only(): Seen {
  expect(seen).toHaveLength(1);
  return seen[0] as Seen;
}

describe('BundleClient requests', () => {
  it('eth_sendBundle carries every field, builders included, and returns the bundle hash', async () => {
    answer = ok({ bundleHash: '0x' + 'ab'.repeat(32) });
    const hash = await client().sendBundle({
      txs: [TX],
      blockNumber: 21_000_000n,
      minTimestampSec: 1_800_000_000n,
      maxTimestampSec: 1_800_000_012n,
      revertingTxHashes: ['0x' + '11'.repeat(32)],
      replacementUuid: '8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
      builders: ['flashbots', 'beaverbuild.org', 'Titan', 'rsync'],
    });
    expect(hash).toBe('0x' + 'ab'.repeat(32));
    const { json } = only();
    expect(json.jsonrpc).toBe('2.0');
    expect(json.method).toBe('eth_sendBundle');
    expect(json.params).toEqual([
      {
        txs: [TX],
        blockNumber: '0x1406f40',
        minTimestamp: 1_800_000_000,
        maxTimestamp: 1_800_000_012,
        revertingTxHashes: ['0x' + '11'.repeat(32)],
        replacementUuid: '8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f',
        builders: ['flashbots', 'beaverbuild.org', 'Titan', 'rsync'],
      },
    ]);
  });

  it('leaves optional eth_sendBundle fields out rather than sending empty ones', async () => {
    answer = ok({ bundleHash: '0x' + 'cd'.repeat(32) });
    await client().sendBundle({ txs: [TX], blockNumber: 5n, builders: [], revertingTxHashes: [] });
    expect(only().json.params).toEqual([{ txs: [TX], blockNumber: '0x5' }]);
  });

  it('signs the exact body: <auth address>:<personal-sign of the hex keccak256 of the bytes sent>', async () => {
    await client().cancelBundle('8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f');
    const { body, signature } = only();
    const [address, sig] = (signature ?? '').split(':');
    expect(address).toBe(auth.address);
    expect(verifyMessage(keccak256(body), sig as string)).toBe(auth.address);
    // Not the bytes' hash signed as bytes: Flashbots signs the hex string.
    expect(verifyMessage(toUtf8Bytes('x'), sig as string)).not.toBe(auth.address);
  });

  it('eth_cancelBundle, flashbots_setFeeRefundRecipient and eth_sendPrivateTransaction params', async () => {
    const c = client();
    await c.cancelBundle('8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f');
    const recipient = '0x000000000000000000000000000000000000bEEF';
    await c.setFeeRefundRecipient(recipient);
    answer = ok('0x' + '22'.repeat(32));
    const txHash = await c.sendPrivateTransaction({
      signedTx: TX,
      maxBlockNumber: 100n,
      fast: true,
      builders: ['flashbots', 'Titan'],
    });
    expect(txHash).toBe('0x' + '22'.repeat(32));
    answer = ok(true);
    await c.sendPrivateTransaction({ signedTx: TX, maxBlockNumber: 101n });
    expect(seen.map((s) => [s.json.method, s.json.params])).toEqual([
      ['eth_cancelBundle', [{ replacementUuid: '8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f' }]],
      ['flashbots_setFeeRefundRecipient', [auth.address, recipient]],
      [
        'eth_sendPrivateTransaction',
        [
          {
            tx: TX,
            maxBlockNumber: '0x64',
            preferences: { fast: true, privacy: { builders: ['flashbots', 'Titan'] } },
          },
        ],
      ],
      ['eth_sendPrivateTransaction', [{ tx: TX, maxBlockNumber: '0x65', preferences: { fast: false } }]],
    ]);
    // Each request has its own id.
    expect(new Set(seen.map((s) => s.json.id)).size).toBe(4);
  });
});

describe('BundleClient failures', () => {
  it('a JSON-RPC error is a BundleRpcError: reachable, with the code and message', async () => {
    answer = (s, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: s.json.id, error: { code: -32602, message: 'bad txs' } }));
    };
    const err = await client()
      .sendBundle({ txs: [TX], blockNumber: 1n })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleRpcError);
    expect(err).toBeInstanceOf(SubmissionError);
    expect(err).toMatchObject({ reachable: true, code: -32602, rpcMessage: 'bad txs', endpoint: 'stand-in' });
  });

  it('a non-JSON answer: 5xx and 429 mean unusable now (unreachable), another 4xx means refused', async () => {
    answer = (_s, res) => {
      res.writeHead(503);
      res.end('upstream down');
    };
    await expect(client().cancelBundle('8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f')).rejects.toMatchObject({
      reachable: false,
      message: expect.stringContaining('HTTP 503') as unknown,
    });
    answer = (_s, res) => {
      res.writeHead(429);
      res.end('slow down');
    };
    await expect(client().cancelBundle('8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f')).rejects.toMatchObject({
      reachable: false,
    });
    answer = (_s, res) => {
      res.writeHead(415);
      res.end('header Content-Type must be application/json');
    };
    await expect(client().cancelBundle('8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f')).rejects.toMatchObject({
      reachable: true,
    });
  });

  it('an endpoint that does not answer within the deadline is unreachable (timed out)', async () => {
    answer = () => undefined;
    const err = await client({ timeoutMs: 150 })
      .sendBundle({ txs: [TX], blockNumber: 1n })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubmissionError);
    expect(err).toMatchObject({ reachable: false, message: 'eth_sendBundle to stand-in: timed out' });
  });

  it('a closed port is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      client({ url: `http://127.0.0.1:${port}` }).sendBundle({ txs: [TX], blockNumber: 1n }),
    ).rejects.toMatchObject({ reachable: false, message: 'eth_sendBundle to stand-in: unreachable' });
  });

  it('does not send what its own rate limit would hold past the deadline', async () => {
    const clock = 1_000_000;
    const c = client({ requestsPerSecond: 2, timeoutMs: 400, now: () => clock });
    await c.cancelBundle('8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f');
    await c.cancelBundle('8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f');
    // The burst of two is spent and the clock stands still: the third would wait 500 ms > 400 ms.
    const err = await c.cancelBundle('8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err).toMatchObject({ reachable: true, waitMs: 500 });
    expect(seen).toHaveLength(2);
  });
});
