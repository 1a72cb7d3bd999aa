import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HeadSubscription, type SubscriptionState } from './HeadSubscription.js';
import { parseFrame } from './WebSocketConnection.js';

const header = (n: number) => ({
  number: `0x${n.toString(16)}`,
  hash: `0x${n.toString(16).padStart(64, '0')}`,
  timestamp: `0x${(1000 + n).toString(16)}`,
  baseFeePerGas: '0x1',
  gasUsed: '0x0',
  gasLimit: '0x1c9c380',
});

/** An unmasked text frame, as a server sends it (short payloads only). */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const size = payload.length;
  const head = size < 126 ? Buffer.from([0x81, size]) : Buffer.from([0x81, 126, size >> 8, size & 0xff]);
  return Buffer.concat([head, payload]);
}

/**
 * A WebSocket JSON-RPC node of our own: answers eth_chainId with `chainId` and eth_subscribe with "0xs1", then
 * sends what `afterSubscribe` returns as messages on that socket.
 */
async function fakeNode(chainId: string, afterSubscribe: () => string[]) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((_, res) => res.writeHead(426).end());
  server.on('upgrade', (req, socket: Socket) => {
    sockets.add(socket);
    const accept = createHash('sha1')
      .update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    let buffer = Buffer.alloc(0);
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const frame = parseFrame(buffer);
        if (typeof frame !== 'object') return;
        buffer = buffer.subarray(frame.length);
        if (frame.opcode !== 1) continue;
        const request = JSON.parse(frame.payload.toString()) as { id: number; method: string };
        const result = request.method === 'eth_chainId' ? chainId : '0xs1';
        socket.write(textFrame(JSON.stringify({ jsonrpc: '2.0', id: request.id, result })));
        if (request.method === 'eth_subscribe') for (const m of afterSubscribe()) socket.write(textFrame(m));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const notification = (result: unknown, subscription = '0xs1') =>
  JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription, result } });

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** Resolves at the first reported state in `wanted`. */
function subscribe(url: string, chainId: number, wanted: SubscriptionState[]) {
  let resolveState: (s: SubscriptionState) => void = () => {};
  const reached = new Promise<SubscriptionState>((r) => (resolveState = r));
  const subscription = new HeadSubscription(url, {
    chainId,
    backoffMs: 10,
    onEvent: (e) => {
      if (wanted.includes(e.state)) resolveState(e.state);
    },
  });
  cleanup.push(() => subscription.stop());
  subscription.start();
  return { subscription, reached };
}

describe('HeadSubscription', () => {
  it('keeps the newest valid header pushed; ignores malformed ones, other subscriptions and non-JSON never crash it', async () => {
    const node = await fakeNode('0x7a69', () => [
      notification(header(5)),
      notification({ number: 'six' }),
      notification(header(99), '0xother'),
      notification(header(7)),
      notification(header(6)),
    ]);
    cleanup.push(node.close);
    const { subscription, reached } = subscribe(node.url, 31337, ['subscribed']);
    expect(await reached).toBe('subscribed');
    const stop = new AbortController();
    while (subscription.received < 3) await subscription.waitForHead(60_000, stop.signal);
    expect(subscription.take()?.number).toBe(7);
    expect(subscription.take()).toBeUndefined();
    expect(subscription.received).toBe(3);
  });

  it('a node on another chain is dropped for good', async () => {
    const node = await fakeNode('0x1', () => []);
    cleanup.push(node.close);
    const { subscription, reached } = subscribe(node.url, 31337, ['wrong-chain', 'subscribed']);
    expect(await reached).toBe('wrong-chain');
    expect(subscription.current).toBe('wrong-chain');
  });

  it('a message that is not JSON drops the socket, which is reconnected', async () => {
    let connections = 0;
    const node = await fakeNode('0x7a69', () => (++connections === 1 ? ['not json'] : []));
    cleanup.push(node.close);
    const { subscription, reached } = subscribe(node.url, 31337, ['down']);
    expect(await reached).toBe('down');
    let resolveAgain: () => void = () => {};
    const again = new Promise<void>((r) => (resolveAgain = r));
    const poll = setInterval(() => {
      if (subscription.current === 'subscribed') resolveAgain();
    }, 5);
    cleanup.push(() => clearInterval(poll));
    await again;
    expect(connections).toBe(2);
  });
});
