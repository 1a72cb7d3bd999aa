import { Worker } from 'node:worker_threads';

/**
 * What the proxy does with each request:
 * - pass: forward; drop: reset the connection; http500: HTTP 500; rpc-error: HTTP 200 with a JSON-RPC error per
 *   call (-32603); rate-limit: HTTP 429 with JSON-RPC -32005 (what providers answer over quota);
 * - lag: an RPC that is `lagBlocks` behind (eth_blockNumber and `latest` block reads are moved back);
 * - hostile: a GraphQL endpoint answering generated malformed payloads (never the same twice in a row);
 * - endless: a GraphQL endpoint that forwards, then answers every list a full page (`first` entities, the last
 *   ones repeated with made-up ids greater than any asked for), so a pager that trusts "a full page means more"
 *   never stops.
 */
export type FaultMode =
  'pass' | 'drop' | 'http500' | 'rpc-error' | 'rate-limit' | 'lag' | 'hostile' | 'endless';

export interface FaultProxy {
  url: string;
  setMode(mode: FaultMode, options?: { lagBlocks?: number }): Promise<void>;
  /** Requests answered by the proxy itself (not forwarded) since the last call, and hostile payloads served. */
  takeCounts(): Promise<{ requests: number; faulted: number; hostile: number }>;
  stop(): Promise<void>;
}

// In a worker thread: the graph host runs on the test's thread and blocks it during handler eth_calls; a proxy
// there would stall the keeper's requests with it.
const PROXY_SOURCE = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
let mode = 'pass';
let lagBlocks = 0;
let counts = { requests: 0, faulted: 0, hostile: 0 };
let seed = 0x9e3779b9;
const rand = () => { seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0; return seed / 4294967296; };
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const junkValue = (depth) => {
  const kinds = [
    () => null, () => 0, () => -1, () => 1.5, () => 1e308, () => -1e308, () => Number.MAX_SAFE_INTEGER + 2,
    () => '', () => 'x', () => '-5', () => '0x', () => '1e999', () => '12.5', () => '9'.repeat(90),
    () => true, () => false, () => [], () => ({}),
    () => depth > 0 ? Array.from({ length: 1 + Math.floor(rand() * 3) }, () => junkValue(depth - 1)) : 'deep',
    () => depth > 0 ? junkObject(depth - 1) : 'deep',
  ];
  return pick(kinds)();
};
const FIELDS = ['_meta', 'block', 'number', 'hash', 'timestamp', 'positions', 'orders', 'pools', 'id', 'owner',
  'frozen', 'balances', 'amount', 'sqrtPriceX96', 'tick', 'liquidity', 'observations', 'hasIndexingErrors',
  'deployment', 'oracles', 'assets', 'token', 'collateral', 'order', 'deadline', 'interestRate'];
const junkObject = (depth) => {
  const out = {};
  const n = Math.floor(rand() * 5);
  for (let i = 0; i < n; i++) out[pick(FIELDS)] = junkValue(depth);
  return out;
};
const hostileBody = (query) => {
  const head = Math.floor(rand() * 1e6);
  const generators = [
    () => '',
    () => 'not json',
    () => '<html><body>502 Bad Gateway</body></html>',
    () => '{"data":',
    () => 'null',
    () => '[]',
    () => '42',
    () => JSON.stringify({}),
    () => JSON.stringify({ data: null }),
    () => JSON.stringify({ data: [] }),
    () => JSON.stringify({ data: 'x' }),
    () => JSON.stringify({ errors: null }),
    () => JSON.stringify({ errors: [] }),
    () => JSON.stringify({ errors: [{ message: junkValue(1) }] }),
    () => JSON.stringify({ errors: 'boom', data: junkObject(2) }),
    () => JSON.stringify({ data: { _meta: null } }),
    () => JSON.stringify({ data: { _meta: { block: null } } }),
    () => JSON.stringify({ data: { _meta: { block: { number: junkValue(1), hash: junkValue(1) } } } }),
    () => JSON.stringify({ data: { _meta: { block: { number: head + 0.5, hash: '0x' + '1'.repeat(64) } } } }),
    () => JSON.stringify({ data: { _meta: { block: { number: -head, hash: '0x' } } } }),
    () => JSON.stringify({ data: junkObject(3) }),
    () => JSON.stringify({ data: { positions: junkValue(2), orders: junkValue(2), pools: junkValue(2) } }),
    () => JSON.stringify({ data: { positions: Array.from({ length: 3 }, () => junkObject(2)) } }),
    () => JSON.stringify({ data: { positions: [{ id: junkValue(0), balances: junkValue(2) }] } }),
    () => JSON.stringify(junkValue(3)),
  ];
  return pick(generators)();
};
const call = async (body) => {
  const upstream = await fetch(workerData.target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return upstream.json();
};
const lagged = async (calls) => {
  const answers = [];
  for (const c of calls) {
    if (c.method === 'eth_blockNumber') {
      const r = await call(c);
      const n = Math.max(0, Number(BigInt(r.result)) - lagBlocks);
      answers.push({ ...r, result: '0x' + n.toString(16) });
    } else if (c.method === 'eth_getBlockByNumber' && (c.params?.[0] === 'latest' || c.params?.[0] === 'pending')) {
      const head = await call({ jsonrpc: '2.0', id: 0, method: 'eth_blockNumber', params: [] });
      const n = Math.max(0, Number(BigInt(head.result)) - lagBlocks);
      answers.push(await call({ ...c, params: ['0x' + n.toString(16), ...c.params.slice(1)] }));
    } else answers.push(await call(c));
  }
  return answers;
};
const endless = (query, answer) => {
  const first = Number(/first:\\s*(\\d+)/.exec(query)?.[1] ?? 0);
  if (!answer?.data || first <= 0) return answer;
  for (const [key, value] of Object.entries(answer.data)) {
    if (!Array.isArray(value) || value.length === 0) continue;
    const last = value[value.length - 1];
    while (value.length < first) value.push({ ...last, id: String(last.id) + 'f'.repeat(value.length) });
  }
  return answer;
};
const server = http.createServer((req, res) => {
  counts.requests += 1;
  if (mode === 'drop') { counts.faulted += 1; req.socket.destroy(); return; }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const text = Buffer.concat(chunks).toString();
    let parsed;
    try { parsed = JSON.parse(text); } catch { parsed = {}; }
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    const reply = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(body); };
    const errorFor = (code, message) => {
      const errors = calls.map((c) => ({ jsonrpc: '2.0', id: c.id ?? null, error: { code, message } }));
      return JSON.stringify(Array.isArray(parsed) ? errors : errors[0]);
    };
    if (mode === 'http500') { counts.faulted += 1; reply(500, 'internal server error'); return; }
    if (mode === 'rpc-error') { counts.faulted += 1; reply(200, errorFor(-32603, 'internal error')); return; }
    if (mode === 'rate-limit') { counts.faulted += 1; reply(429, errorFor(-32005, 'too many requests')); return; }
    if (mode === 'hostile') { counts.faulted += 1; counts.hostile += 1; reply(200, hostileBody(parsed.query)); return; }
    try {
      if (mode === 'lag' && lagBlocks > 0) {
        counts.faulted += 1;
        const answers = await lagged(calls);
        reply(200, JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
        return;
      }
      // Headers pass through: the relay checks X-Flashbots-Signature.
      const headers = { ...req.headers };
      for (const h of ['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding']) delete headers[h];
      const upstream = await fetch(workerData.target, { method: 'POST', headers, body: text });
      const body = await upstream.text();
      if (mode === 'endless' && typeof parsed.query === 'string') {
        counts.faulted += 1;
        let answer;
        try { answer = JSON.parse(body); } catch { answer = undefined; }
        reply(upstream.status, answer === undefined ? body : JSON.stringify(endless(parsed.query, answer)));
        return;
      }
      reply(upstream.status, body);
    } catch (error) {
      res.writeHead(502);
      res.end(String(error));
    }
  });
});
server.keepAliveTimeout = 1000;
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (message) => {
  if (message.mode) {
    mode = message.mode;
    lagBlocks = message.lagBlocks ?? 0;
    if (mode === 'drop' || mode === 'hostile') server.closeAllConnections();
    parentPort.postMessage({ ack: message.seq });
  }
  if (message.take) { parentPort.postMessage({ ack: message.seq, counts }); counts = { requests: 0, faulted: 0, hostile: 0 }; }
  if (message.stop) { server.closeAllConnections(); server.close(() => parentPort.postMessage({ ack: message.seq })); }
});
`;

/** An HTTP proxy to `target` (a JSON-RPC node or a GraphQL endpoint) that a test switches between faults. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
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
    setMode: async (mode, options = {}) => {
      await ask({ mode, lagBlocks: options.lagBlocks ?? 0 });
    },
    takeCounts: async () =>
      (await ask<{ counts: { requests: number; faulted: number; hostile: number } }>({ take: true })).counts,
    stop: async () => {
      await ask({ stop: true });
      await worker.terminate();
    },
  };
}
