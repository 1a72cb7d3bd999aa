import { redactUrl } from '../errors/redactUrl.js';
import type { HeadBlock } from '../model/HeadBlock.js';
import { HEX, parseHeader } from './parseHeader.js';
import { WebSocketConnection } from './WebSocketConnection.js';

export type SubscriptionState = 'connecting' | 'subscribed' | 'down' | 'wrong-chain' | 'stopped';

export interface HeadSubscriptionOptions {
  chainId: number;
  /** Connect and answer timeout (ms). */
  timeoutMs?: number;
  /** First reconnect delay (ms); doubles per failed attempt up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Told when the subscription changes state, for the log. */
  onEvent?: (event: { url: string; state: SubscriptionState; reason: string }) => void;
}

/**
 * `eth_subscribe("newHeads")` over one ws(s) endpoint: the newest header it pushed, and a wake-up for whoever waits
 * for one. The chain id is checked on every (re)connect; an endpoint on another chain is dropped for good. A
 * dropped socket is reconnected with exponential back-off, forever and without throwing: the caller polls over
 * HTTP meanwhile.
 */
export class HeadSubscription {
  /** Headers received (counted for health and tests). */
  received = 0;
  reconnects = 0;
  private state: SubscriptionState = 'connecting';
  private pending: HeadBlock | undefined;
  private connection: WebSocketConnection | undefined;
  private waiters = new Set<() => void>();
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private nextId = 1;

  constructor(
    readonly url: string,
    private readonly options: HeadSubscriptionOptions,
  ) {}

  get current(): SubscriptionState {
    return this.state;
  }

  /** Connects (in the background); never rejects. */
  start(): void {
    if (this.state === 'stopped' || this.state === 'wrong-chain') return;
    void this.connect();
  }

  stop(): void {
    this.setState('stopped', 'stopped');
    clearTimeout(this.retryTimer);
    this.connection?.close('stopped');
    this.wake();
  }

  /** The newest pushed header not yet taken, once. */
  take(): HeadBlock | undefined {
    const head = this.pending;
    this.pending = undefined;
    return head;
  }

  /** Resolves when a header arrives (or one is already waiting), after `ms`, or on abort. */
  waitForHead(ms: number, signal: AbortSignal): Promise<void> {
    if (this.pending || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private setState(state: SubscriptionState, reason: string): void {
    if (this.state === state || this.state === 'stopped') return;
    this.state = state;
    this.options.onEvent?.({ url: redactUrl(this.url), state, reason });
  }

  private async connect(): Promise<void> {
    const timeoutMs = this.options.timeoutMs ?? 5000;
    let connection: WebSocketConnection;
    try {
      connection = await WebSocketConnection.connect(this.url, timeoutMs);
    } catch (err) {
      this.retry(err instanceof Error ? err.message : String(err));
      return;
    }
    if (this.state === 'stopped') {
      connection.close('stopped');
      return;
    }
    this.connection = connection;
    const chainRequest = this.nextId++;
    const subscribeRequest = this.nextId++;
    let subscription: string | undefined;
    const answerTimer = setTimeout(
      () => connection.close(`no subscription within ${timeoutMs} ms`),
      timeoutMs,
    );
    connection.onClose = (reason) => {
      clearTimeout(answerTimer);
      if (this.connection === connection) this.connection = undefined;
      this.retry(reason);
    };
    connection.onMessage = (text) => {
      let message: { id?: unknown; result?: unknown; error?: unknown; method?: unknown; params?: unknown };
      try {
        message = JSON.parse(text) as typeof message;
      } catch {
        connection.close('a message that is not JSON');
        return;
      }
      if (typeof message !== 'object' || message === null) return;
      if (message.id === chainRequest) {
        const chain =
          typeof message.result === 'string' && HEX.test(message.result)
            ? Number(BigInt(message.result))
            : NaN;
        if (chain !== this.options.chainId) {
          this.setState(
            'wrong-chain',
            `answers chain ${String(message.result)}, configured ${this.options.chainId}: never used`,
          );
          connection.close('wrong chain');
          return;
        }
        connection.send(
          JSON.stringify({
            jsonrpc: '2.0',
            id: subscribeRequest,
            method: 'eth_subscribe',
            params: ['newHeads'],
          }),
        );
        return;
      }
      if (message.id === subscribeRequest) {
        if (typeof message.result !== 'string') {
          connection.close(`eth_subscribe refused: ${JSON.stringify(message.error ?? message.result)}`);
          return;
        }
        clearTimeout(answerTimer);
        subscription = message.result;
        this.failures = 0;
        this.setState('subscribed', 'newHeads subscribed');
        return;
      }
      const params = message.params as { subscription?: unknown; result?: unknown } | undefined;
      if (message.method !== 'eth_subscription' || !params || params.subscription !== subscription) return;
      const head = parseHeader(params.result);
      // A malformed header is not a head: polling will still see the block.
      if (head === null) return;
      this.received += 1;
      if (!this.pending || head.number >= this.pending.number) this.pending = head;
      this.wake();
    };
    connection.send(JSON.stringify({ jsonrpc: '2.0', id: chainRequest, method: 'eth_chainId', params: [] }));
  }

  private retry(reason: string): void {
    if (this.state === 'stopped' || this.state === 'wrong-chain') return;
    this.setState('down', `${reason}; polling meanwhile`);
    this.failures += 1;
    const base = this.options.backoffMs ?? 250;
    const delay = Math.min(this.options.maxBackoffMs ?? 30_000, base * 2 ** Math.min(this.failures - 1, 10));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.reconnects += 1;
      this.setState('connecting', 'reconnecting');
      void this.connect();
    }, delay);
    // Reconnecting must never be what keeps a stopping process alive.
    this.retryTimer.unref();
    // A keeper waiting for a pushed head must poll now instead.
    this.wake();
  }
}
