// Test support (not used by the keeper): a WebSocket JSON-RPC node of our own for the head subscription's tests.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseFrame } from './WebSocketConnection.js';

export const header = (n: number) => ({
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
export async function fakeWebSocketNode(chainId: string, afterSubscribe: () => string[]) {
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

export const notification = (result: unknown, subscription = '0xs1') =>
  JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription, result } });
