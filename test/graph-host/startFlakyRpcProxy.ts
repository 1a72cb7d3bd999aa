import { Worker } from 'node:worker_threads';

/**
 * pass: forward everything; drop: reset every connection; hang: accept and never answer; fail-calls: HTTP 502
 * for anything with eth_call.
 */
export type ProxyMode = 'pass' | 'drop' | 'hang' | 'fail-calls';

export interface FlakyRpcProxy {
  url: string;
  setMode(mode: ProxyMode): Promise<void>;
  /** JSON-RPC methods seen since the last call, in order (batches flattened). */
  takeMethods(): Promise<string[]>;
  stop(): Promise<void>;
}

// The proxy lives in a worker thread with its own event loop: the graph host blocks its thread during
// handler eth_calls, and a proxy on that thread could never answer them.
const PROXY_SOURCE = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
let mode = 'pass';
let methods = [];
const server = http.createServer((req, res) => {
  if (mode === 'drop') { req.socket.destroy(); return; }
  if (mode === 'hang') return;
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks).toString();
    let parsed;
    try { parsed = JSON.parse(body); } catch { parsed = []; }
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    methods.push(...calls.map((c) => c.method));
    if (mode === 'fail-calls' && calls.some((c) => c.method === 'eth_call')) {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('bad gateway');
      return;
    }
    try {
      const upstream = await fetch(workerData.target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
    } catch (error) {
      res.writeHead(502);
      res.end(String(error));
    }
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message.mode) { mode = message.mode; parentPort.postMessage({ ack: message.seq }); }
  if (message.take) { parentPort.postMessage({ ack: message.seq, methods }); methods = []; }
  if (message.stop) { server.closeAllConnections(); server.close(() => parentPort.postMessage({ ack: message.seq })); }
});
`;

/** An HTTP JSON-RPC proxy to `target` that a test can make drop connections or fail eth_calls. */
export async function startFlakyRpcProxy(target: string): Promise<FlakyRpcProxy> {
  const worker = new Worker(PROXY_SOURCE, { eval: true, workerData: { target } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port: number }) => resolve(message.port));
    worker.once('error', reject);
  });
  let seq = 0;
  const ask = <T>(message: Record<string, unknown>): Promise<T> => {
    const id = ++seq;
    return new Promise<T>((resolve) => {
      const onMessage = (reply: { ack?: number } & T) => {
        if (reply.ack !== id) return;
        worker.off('message', onMessage);
        resolve(reply);
      };
      worker.on('message', onMessage);
      worker.postMessage({ ...message, seq: id });
    });
  };
  return {
    url: `http://127.0.0.1:${port}`,
    setMode: async (mode) => {
      await ask({ mode });
    },
    takeMethods: async () => (await ask<{ methods: string[] }>({ take: true })).methods,
    stop: async () => {
      await ask({ stop: true });
      await worker.terminate();
    },
  };
}
