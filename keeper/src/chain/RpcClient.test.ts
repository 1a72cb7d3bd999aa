import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyRpcFailure } from './classifyRpcFailure.js';
import { fakeWebSocketNode, header, notification } from './fakeWebSocketNode.js';
import { RpcAnswerError, RpcClient, RpcUnavailableError, redactUrl } from './RpcClient.js';

type Behaviour =
  | {
      kind: 'ok';
      chainId?: number;
      head?: number;
      /** How eth_call answers: a revert (default), a result, or an EVM fault as anvil reports it (-32603). */
      call?: 'revert' | 'result' | 'evm-fault';
    }
  | { kind: 'http'; status: number }
  | { kind: 'rpc-error'; code: number }
  | { kind: 'garbage' };

interface FakeRpc {
  url: string;
  behaviour: Behaviour;
  calls: string[];
  close(): Promise<void>;
}

const servers: FakeRpc[] = [];

/** A tiny JSON-RPC endpoint whose behaviour a test switches at will. */
async function fakeRpc(behaviour: Behaviour): Promise<FakeRpc> {
  const fake: FakeRpc = { url: '', behaviour, calls: [], close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      fake.calls.push(request.method);
      const b = fake.behaviour;
      if (b.kind === 'http') return res.writeHead(b.status).end('busy');
      if (b.kind === 'garbage') return res.writeHead(200).end('<html>not json');
      const reply = (payload: object) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ jsonrpc: '2.0', id: request.id, ...payload }));
      if (b.kind === 'rpc-error') return reply({ error: { code: b.code, message: 'nope' } });
      const head = b.head ?? 100;
      switch (request.method) {
        case 'eth_chainId':
          return reply({ result: `0x${(b.chainId ?? 31337).toString(16)}` });
        case 'eth_blockNumber':
          return reply({ result: `0x${head.toString(16)}` });
        case 'eth_getBlockByNumber':
          return reply({
            result: {
              number: `0x${head.toString(16)}`,
              hash: `0x${head.toString(16).padStart(64, '0')}`,
              timestamp: `0x${(1000 + head * 12).toString(16)}`,
              baseFeePerGas: '0x7',
            },
          });
        case 'eth_call':
          if (b.call === 'result') return reply({ result: '0x01' });
          if (b.call === 'evm-fault')
            return reply({ error: { code: -32603, message: 'EVM error InvalidFEOpcode' } });
          return reply({ error: { code: 3, message: 'execution reverted', data: '0x08c379a0' } });
        default:
          return reply({ result: null });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  servers.push(fake);
  return fake;
}

/** A URL nothing listens on: a port we held and released. */
async function deadUrl(): Promise<string> {
  const fake = await fakeRpc({ kind: 'ok' });
  await fake.close();
  servers.splice(servers.indexOf(fake), 1);
  return fake.url;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('classifyRpcFailure', () => {
  it.each([
    [{ kind: 'network' } as const, 'fail-over'],
    [{ kind: 'timeout' } as const, 'fail-over'],
    [{ kind: 'malformed' } as const, 'fail-over'],
    [{ kind: 'http', status: 429 } as const, 'fail-over'],
    [{ kind: 'http', status: 500 } as const, 'fail-over'],
    [{ kind: 'http', status: 403 } as const, 'fail-over'],
    [{ kind: 'rpc', code: -32005 } as const, 'fail-over'],
    [{ kind: 'rpc', code: -32603 } as const, 'fail-over'],
    [{ kind: 'rpc', code: -32601 } as const, 'fail-over'],
    [{ kind: 'rpc', code: 429 } as const, 'fail-over'],
    [{ kind: 'rpc', code: 3 } as const, 'answer'],
    [{ kind: 'rpc', code: -32000 } as const, 'answer'],
    [{ kind: 'rpc', code: -32602 } as const, 'answer'],
  ])('%j → %s', (failure, action) => {
    expect(classifyRpcFailure(failure)).toBe(action);
  });
});

describe('RpcClient failover', () => {
  it.each<[string, () => Promise<string>]>([
    ['down', deadUrl],
    ['HTTP 500', async () => (await fakeRpc({ kind: 'http', status: 500 })).url],
    ['HTTP 429', async () => (await fakeRpc({ kind: 'http', status: 429 })).url],
    ['rate-limit JSON-RPC code', async () => (await fakeRpc({ kind: 'rpc-error', code: -32005 })).url],
    ['garbage', async () => (await fakeRpc({ kind: 'garbage' })).url],
  ])('a first endpoint that is %s fails over to the second, which then comes first', async (_, first) => {
    const bad = await first();
    const good = await fakeRpc({ kind: 'ok', head: 42 });
    const rpc = new RpcClient([bad, good.url], 31337);
    try {
      expect(await rpc.send('eth_blockNumber', [])).toBe('0x2a');
      expect(rpc.states().map((s) => s.state)).toEqual(['failing', 'healthy']);
      expect(await rpc.provider.getBlockNumber()).toBe(42);
      expect((await rpc.readHead()).number).toBe(42);
      const checks = await rpc.checkChains();
      expect(checks[1]?.error).toBeUndefined();
    } finally {
      rpc.destroy();
    }
  });

  it('an endpoint whose eth_chainId answers an error is failed over, not taken as the answer', async () => {
    const first = await fakeRpc({ kind: 'rpc-error', code: -32000 });
    const second = await fakeRpc({ kind: 'ok', head: 9 });
    const rpc = new RpcClient([first.url, second.url], 31337);
    try {
      expect(await rpc.send('eth_blockNumber', [])).toBe('0x9');
      expect(rpc.states()[0]?.state).toBe('failing');
    } finally {
      rpc.destroy();
    }
  });

  it('an answered error (a revert) is thrown to the caller without failing over', async () => {
    const first = await fakeRpc({ kind: 'ok' });
    const second = await fakeRpc({ kind: 'ok' });
    const rpc = new RpcClient([first.url, second.url], 31337);
    try {
      const err = await rpc.send('eth_call', [{}, 'latest']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RpcAnswerError);
      expect((err as RpcAnswerError).code).toBe(3);
      expect(second.calls).not.toContain('eth_call');
      expect(rpc.states()[0]?.state).toBe('healthy');
    } finally {
      rpc.destroy();
    }
  });

  it('an internal error to an EVM call is the answer when every endpoint gives it (anvil: invalid opcode), nobody demoted', async () => {
    const first = await fakeRpc({ kind: 'ok', call: 'evm-fault' });
    const second = await fakeRpc({ kind: 'ok', call: 'evm-fault' });
    const rpc = new RpcClient([first.url, second.url], 31337);
    try {
      const err = await rpc.send('eth_call', [{}, 'latest']).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RpcAnswerError);
      expect((err as RpcAnswerError).code).toBe(-32603);
      expect(rpc.states().map((s) => s.state)).toEqual(['healthy', 'healthy']);
      // Not an endpoint failure for any other method.
      first.behaviour = { kind: 'rpc-error', code: -32603 };
      expect(await rpc.send('eth_blockNumber', [])).toBe('0x64');
      expect(rpc.states()[0]?.state).toBe('failing');
    } finally {
      rpc.destroy();
    }
  });

  it.each([
    ['a result', 'result'],
    ['a revert', 'revert'],
  ] as const)(
    "an internal error to an EVM call that another endpoint answers with %s is the first endpoint's fault",
    async (_, second) => {
      const first = await fakeRpc({ kind: 'ok', call: 'evm-fault' });
      const other = await fakeRpc({ kind: 'ok', call: second });
      const rpc = new RpcClient([first.url, other.url], 31337);
      try {
        const outcome = await rpc.send('eth_call', [{}, 'latest']).catch((e: unknown) => e);
        if (second === 'result') expect(outcome).toBe('0x01');
        else expect((outcome as RpcAnswerError).code).toBe(3);
        expect(rpc.states().map((s) => s.state)).toEqual(['failing', 'healthy']);
      } finally {
        rpc.destroy();
      }
    },
  );

  it('all endpoints failing is an RpcUnavailableError with the cause chain', async () => {
    const rpc = new RpcClient([await deadUrl(), (await fakeRpc({ kind: 'http', status: 503 })).url], 31337);
    try {
      const err = await rpc.send('eth_blockNumber', []).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RpcUnavailableError);
      expect((err as RpcUnavailableError).walk()).toBeDefined();
      await expect(rpc.readHead()).rejects.toBeInstanceOf(RpcUnavailableError);
    } finally {
      rpc.destroy();
    }
  });

  it('an endpoint on another chain is never used, and a recovered endpoint is re-checked', async () => {
    const wrong = await fakeRpc({ kind: 'ok', chainId: 1, head: 500 });
    const flaky = await fakeRpc({ kind: 'ok', head: 10 });
    const rpc = new RpcClient([wrong.url, flaky.url], 31337);
    try {
      expect((await rpc.readHead()).number).toBe(10);
      expect(rpc.states()[0]?.state).toBe('wrong-chain');
      const callsBefore = wrong.calls.length;
      await rpc.send('eth_blockNumber', []);
      expect(wrong.calls.length).toBe(callsBefore);

      flaky.behaviour = { kind: 'http', status: 502 };
      await expect(rpc.send('eth_blockNumber', [])).rejects.toBeInstanceOf(RpcUnavailableError);
      // It comes back as another chain (a misrouted balancer): the re-check refuses it.
      flaky.behaviour = { kind: 'ok', chainId: 5, head: 11 };
      flaky.calls.length = 0;
      await expect(rpc.send('eth_blockNumber', [])).rejects.toBeInstanceOf(RpcUnavailableError);
      expect(flaky.calls).toEqual(['eth_chainId']);
      expect(rpc.states()[1]?.state).toBe('wrong-chain');
    } finally {
      rpc.destroy();
    }
  });

  it('the head is the freshest across endpoints, and a lagging endpoint is demoted behind a fresh one', async () => {
    const behind = await fakeRpc({ kind: 'ok', head: 95 });
    const fresh = await fakeRpc({ kind: 'ok', head: 100 });
    const events: string[] = [];
    const rpc = new RpcClient([behind.url, fresh.url], 31337, {
      onEvent: (e) => events.push(e.state),
    });
    try {
      const head = await rpc.readHead();
      expect(head).toMatchObject({ number: 100, timestampSec: 2200, baseFeePerGasWei: 7n });
      expect(rpc.states().map((s) => s.state)).toEqual(['lagging', 'healthy']);
      expect(events).toContain('lagging');
      behind.calls.length = 0;
      expect(await rpc.send('eth_blockNumber', [])).toBe('0x64');
      expect(behind.calls).toEqual([]);
      // Caught up: promoted back, configuration order again.
      behind.behaviour = { kind: 'ok', head: 100 };
      await rpc.readHead();
      expect(rpc.states().map((s) => s.state)).toEqual(['healthy', 'healthy']);
      expect(await rpc.send('eth_blockNumber', [])).toBe('0x64');
      expect(behind.calls).toContain('eth_blockNumber');
    } finally {
      rpc.destroy();
    }
  });

  it('backs a failing endpoint off instead of asking it first on every request', async () => {
    let nowMs = 1_000_000;
    const bad = await fakeRpc({ kind: 'http', status: 500 });
    const good = await fakeRpc({ kind: 'ok' });
    const rpc = new RpcClient([bad.url, good.url], 31337, { now: () => nowMs });
    try {
      await rpc.send('eth_blockNumber', []);
      const callsAfterFirstFailure = bad.calls.length;
      await rpc.send('eth_blockNumber', []);
      await rpc.readHead();
      expect(bad.calls.length).toBe(callsAfterFirstFailure);
      nowMs += 60_000;
      bad.behaviour = { kind: 'ok' };
      // The head read probes it once its back-off is over; back in front, configuration order again.
      await rpc.readHead();
      expect(rpc.states()[0]?.state).toBe('healthy');
      bad.calls.length = 0;
      await rpc.send('eth_blockNumber', []);
      expect(bad.calls).toEqual(['eth_blockNumber']);
    } finally {
      rpc.destroy();
    }
  });

  it('sends requests over http(s) only; a ws one that cannot connect leaves heads to polling; a list without http(s) is refused', async () => {
    const good = await fakeRpc({ kind: 'ok', head: 3 });
    let reportDown: (reason: string) => void = () => {};
    const down = new Promise<string>((resolve) => (reportDown = resolve));
    const rpc = new RpcClient(['ws://127.0.0.1:1', good.url], 31337, {
      onEvent: (e) => {
        if (e.url.startsWith('ws:') && e.state === 'down') reportDown(e.reason);
      },
    });
    try {
      expect(rpc.states().map((s) => s.url)).toEqual([good.url]);
      expect((await rpc.readHead()).number).toBe(3);
      expect(await down).toMatch(/cannot connect; polling meanwhile/);
      expect((await rpc.readHead()).number).toBe(3);
      expect(rpc.headsBy).toEqual({ subscription: 0, polling: 2 });
    } finally {
      rpc.destroy();
    }
    expect(() => new RpcClient(['wss://node.example/key'], 1)).toThrow(/at least one http\(s\) URL/);
  });

  it('a pushed head behind one already returned (a lagging socket) is checked against a poll, which wins', async () => {
    const http = await fakeRpc({ kind: 'ok', head: 9 });
    const ws = await fakeWebSocketNode('0x7a69', () => [notification(header(5))]);
    const rpc = new RpcClient([`ws://${new URL(ws.url).host}`, http.url], 31337);
    const stop = new AbortController();
    try {
      expect((await rpc.readHead()).number).toBe(9);
      while ((rpc.subscriptionStates()[0]?.received ?? 0) < 1) await rpc.waitForHead(60_000, stop.signal);
      expect((await rpc.readHead()).number).toBe(9);
      expect(rpc.headsBy).toEqual({ subscription: 0, polling: 2 });
    } finally {
      stop.abort();
      rpc.destroy();
      await ws.close();
    }
  });

  it('never prints the path or query of an endpoint URL (API keys live there)', () => {
    expect(redactUrl('https://eth.example/v3/abcdef0123')).toBe('https://eth.example/…');
    expect(redactUrl('http://127.0.0.1:8545')).toBe('http://127.0.0.1:8545');
    expect(redactUrl('not a url')).toBe('(unparseable URL)');
  });
});
