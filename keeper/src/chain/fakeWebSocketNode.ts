// Test support (not used by the keeper): a WebSocket JSON-RPC node of our own for the head subscription's tests.
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export const header = (n: number) => ({
  number: `0x${n.toString(16)}`,
  hash: `0x${n.toString(16).padStart(64, '0')}`,
  timestamp: `0x${(1000 + n).toString(16)}`,
  baseFeePerGas: '0x1',
  gasUsed: '0x0',
  gasLimit: '0x1c9c380',
});

/**
 * A WebSocket JSON-RPC node of our own: answers eth_chainId with `chainId` and eth_subscribe with "0xs1", then
 * sends what `afterSubscribe` returns as messages on that socket.
 */
export async function fakeWebSocketNode(chainId: string, afterSubscribe: () => string[]) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => {
    socket.on('error', () => socket.terminate());
    socket.on('message', (data) => {
      const request = JSON.parse(String(data)) as { id: number; method: string };
      const result = request.method === 'eth_chainId' ? chainId : '0xs1';
      socket.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, result }));
      if (request.method === 'eth_subscribe') for (const m of afterSubscribe()) socket.send(m);
    });
  });
  await new Promise<void>((r) => server.once('listening', r));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise((r) => server.close(r));
    },
  };
}

export const notification = (result: unknown, subscription = '0xs1') =>
  JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription, result } });
