import { afterEach, describe, expect, it } from 'vitest';
import { HeadSubscription, type SubscriptionState } from './HeadSubscription.js';
import { fakeWebSocketNode as fakeNode, header, notification } from './fakeWebSocketNode.js';

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
