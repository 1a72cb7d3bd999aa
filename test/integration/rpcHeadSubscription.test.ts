import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type Anvil } from '../../devnet/chain/startAnvil.js';
import { RpcClient } from '../../keeper/src/chain/RpcClient.js';
import type { SubscriptionState } from '../../keeper/src/chain/HeadSubscription.js';

/**
 * A TCP proxy in front of anvil's port that we can cut and restore: the ws URL goes through it, HTTP goes to
 * anvil directly, so cutting it drops the subscription only.
 */
class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.upstreamPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('RpcClient with a ws:// URL: newHeads by subscription, polling while the socket is down', () => {
  let anvil: Anvil;
  let proxy: CuttableProxy;
  let rpc: RpcClient;
  const stop = new AbortController();
  /** Subscription states in the order they were reported, and whoever waits for the next one of a kind. */
  const states: SubscriptionState[] = [];
  let waiting: { state: string; resolve: () => void } | undefined;
  const reached = (state: SubscriptionState) =>
    new Promise<void>((resolve) => {
      waiting = { state, resolve };
    });

  const mine = async () => {
    const response = await fetch(anvil.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'evm_mine', params: [] }),
    });
    expect(((await response.json()) as { error?: unknown }).error).toBeUndefined();
  };

  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337 });
    proxy = new CuttableProxy(anvil.port);
    await proxy.open();
    rpc = new RpcClient([`ws://127.0.0.1:${proxy.port}`, anvil.rpcUrl], 31337, {
      // Long enough that a wait only ends on a pushed head: a head that came by polling would fail the counts.
      subscribedPollMs: 120_000,
      subscriptionBackoffMs: 20,
      onEvent: (event) => {
        if (event.url.startsWith('ws:')) {
          states.push(event.state as SubscriptionState);
          if (waiting?.state === event.state) waiting.resolve();
        }
      },
    });
  });
  afterAll(async () => {
    stop.abort();
    rpc?.destroy();
    await proxy?.cut();
    await anvil?.stop();
  });

  it('heads arrive by subscription; a dropped socket falls back to polling and is reconnected', async () => {
    const subscribed = reached('subscribed');
    // The first read starts the subscription; the head it returns is polled (nothing was pushed yet).
    const start = await rpc.readHead();
    expect(rpc.headsBy).toEqual({ subscription: 0, polling: 1 });
    await subscribed;

    for (let i = 1; i <= 5; i++) {
      await mine();
      await rpc.waitForHead(1000, stop.signal);
      expect((await rpc.readHead()).number).toBe(start.number + i);
    }
    expect(rpc.headsBy).toEqual({ subscription: 5, polling: 1 });
    expect(rpc.subscriptionStates()[0]).toMatchObject({ state: 'subscribed', received: 5 });

    // The socket drops and cannot reconnect: heads keep coming, by polling, and nothing throws.
    const down = reached('down');
    await proxy.cut();
    await down;
    for (let i = 6; i <= 8; i++) {
      await mine();
      await rpc.waitForHead(10, stop.signal);
      expect((await rpc.readHead()).number).toBe(start.number + i);
    }
    expect(rpc.headsBy).toEqual({ subscription: 5, polling: 4 });
    expect(rpc.subscriptionStates()[0]?.state).not.toBe('subscribed');

    // Back: the subscription reconnects (with back-off) and pushes again.
    const again = reached('subscribed');
    await proxy.open();
    await again;
    await mine();
    await rpc.waitForHead(1000, stop.signal);
    expect((await rpc.readHead()).number).toBe(start.number + 9);
    expect(rpc.headsBy).toEqual({ subscription: 6, polling: 4 });
    expect(states.filter((s) => s === 'subscribed')).toHaveLength(2);
    expect(states).toContain('connecting');
  });

  it('a ws endpoint on another chain is dropped for good, never reconnected', async () => {
    const seen: string[] = [];
    let client: RpcClient | undefined;
    try {
      await new Promise<void>((resolve) => {
        // Configured for chain 1: anvil answers 31337 on both URLs.
        client = new RpcClient([`ws://127.0.0.1:${anvil.port}`, anvil.rpcUrl], 1, {
          subscriptionBackoffMs: 20,
          onEvent: (event) => {
            seen.push(event.state);
            if (event.state === 'wrong-chain' && event.url.startsWith('ws:')) resolve();
          },
        });
        void client.readHead().catch(() => undefined);
      });
      expect(client?.subscriptionStates()[0]?.state).toBe('wrong-chain');
      expect(seen).not.toContain('subscribed');
    } finally {
      client?.destroy();
    }
  });
});
