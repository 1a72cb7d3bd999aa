import {
  JsonRpcApiProvider,
  Network,
  type AbstractProvider,
  type JsonRpcError,
  type JsonRpcPayload,
  type JsonRpcResult,
} from 'ethers';
import { ConfigError, KeeperError } from '../errors/KeeperError.js';
import { redactUrl } from '../errors/redactUrl.js';
import type { HeadBlock } from '../model/HeadBlock.js';
import { classifyRpcFailure, type RpcFailure } from './classifyRpcFailure.js';
import { HeadSubscription, type SubscriptionState } from './HeadSubscription.js';
import { HEX, parseHeader } from './parseHeader.js';

/** A JSON-RPC error the node answered with (a revert, a bad request): failing over would not help. */
export class RpcAnswerError extends KeeperError {
  override readonly name = 'RpcAnswerError';
  constructor(
    message: string,
    readonly code: number | undefined,
    readonly data: string | undefined,
  ) {
    super(message, { details: { code } });
  }
}

export type { HeadBlock } from '../model/HeadBlock.js';
export { redactUrl } from '../errors/redactUrl.js';

/** One endpoint could not serve a request (down, HTTP error, rate limit, timeout): the pool tries the next. */
export class RpcEndpointError extends KeeperError {
  override readonly name = 'RpcEndpointError';
  constructor(
    readonly url: string,
    readonly failure: RpcFailure,
    options: { cause?: unknown } = {},
  ) {
    super(`RPC ${redactUrl(url)} failed (${describeFailure(failure)})`, { ...options, details: { failure } });
  }
}

/** No endpoint could serve a request. */
/** Methods that run the EVM: an internal error from them may be the call's own fault (see `send`). */
const EVM_METHODS = new Set(['eth_call', 'eth_estimateGas', 'eth_simulateV1', 'eth_createAccessList']);

export class RpcUnavailableError extends KeeperError {
  override readonly name = 'RpcUnavailableError';
}

/** An endpoint answers for another chain: it is never used again. */
export class WrongChainError extends KeeperError {
  override readonly name = 'WrongChainError';
  constructor(
    readonly url: string,
    readonly expected: number,
    readonly actual: bigint,
  ) {
    super(`RPC ${redactUrl(url)} is on chain ${actual}, not ${expected}`);
  }
}

function describeFailure(failure: RpcFailure): string {
  if (failure.kind === 'http') return `HTTP ${failure.status}`;
  if (failure.kind === 'rpc') return `JSON-RPC error ${failure.code}`;
  return failure.kind;
}

export interface RpcClientOptions {
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  /** An endpoint whose head is more than this many blocks behind the freshest is demoted. */
  lagToleranceBlocks?: number;
  /** Told when an endpoint or a head subscription changes state (demoted, back, wrong chain), for the log. */
  onEvent?: (event: { url: string; state: EndpointState | SubscriptionState; reason: string }) => void;
  /**
   * While a ws(s) endpoint pushes heads, how long to wait for the next push before polling anyway (a socket can
   * stay open and go silent); default 12 s, one mainnet block.
   */
  subscribedPollMs?: number;
  /** First reconnect delay of a dropped head subscription (ms); it doubles per failure up to 30 s. */
  subscriptionBackoffMs?: number;
  /** Injected clock (ms) for tests of the back-off. */
  now?: () => number;
}

export type EndpointState = 'healthy' | 'lagging' | 'failing' | 'wrong-chain';

/** One configured endpoint and what we learnt about it. */
class Endpoint {
  consecutiveFailures = 0;
  retryAtMs = 0;
  lagging = false;
  /** Set after a failure: the chain id is asked again before the endpoint is trusted. */
  chainChecked = false;
  wrongChain = false;
  headNumber = -1;

  constructor(
    readonly url: string,
    readonly index: number,
  ) {}

  get state(): EndpointState {
    if (this.wrongChain) return 'wrong-chain';
    if (this.consecutiveFailures > 0) return 'failing';
    return this.lagging ? 'lagging' : 'healthy';
  }
}

let requestId = 0;

/**
 * The keeper's RPC endpoints with failover of our own: each request goes to the best endpoint (healthy before
 * lagging before failing, then configuration order); an endpoint that fails (down, HTTP error, rate limit,
 * endpoint-side JSON-RPC code) is backed off exponentially and the next one is tried at once; one that
 * answers (a revert, bad params) ends the request. A failed endpoint's chain id is re-checked before it is
 * trusted again, and an endpoint on another chain is never used. `readHead` asks every usable endpoint and
 * takes the freshest head, demoting endpoints that lag. `provider` is an ethers provider whose every request
 * goes through this pool.
 */
export class RpcClient {
  readonly provider: AbstractProvider;
  private readonly endpoints: Endpoint[];
  private readonly timeoutMs: number;
  private readonly lagToleranceBlocks: number;
  private readonly now: () => number;
  private readonly subscriptions: HeadSubscription[];
  private subscriptionsStarted = false;
  /** Where each head `readHead` returned came from: pushed by a subscription, or polled over HTTP. */
  readonly headsBy = { subscription: 0, polling: 0 };
  /** The highest head `readHead` has returned: a pushed head below it is checked against a poll. */
  private highestReturned = -1;

  constructor(
    readonly urls: string[],
    readonly chainId: number,
    private readonly options: RpcClientOptions = {},
  ) {
    if (urls.length === 0) throw new KeeperError('no RPC URL configured');
    // Requests go over HTTP (failover, timeouts and retries per request); a ws(s) endpoint pushes heads only.
    const http = urls.filter((url) => /^https?:/i.test(url));
    if (http.length === 0)
      throw new ConfigError('rpcUrls needs at least one http(s) URL (a ws(s) URL only carries newHeads)');
    this.subscriptions = urls
      .filter((u) => /^wss?:/i.test(u))
      .map(
        (url) =>
          new HeadSubscription(url, {
            chainId,
            timeoutMs: options.timeoutMs ?? 5000,
            backoffMs: options.subscriptionBackoffMs,
            onEvent: options.onEvent,
          }),
      );
    this.endpoints = http.map((url, i) => new Endpoint(url, i));
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.lagToleranceBlocks = options.lagToleranceBlocks ?? 1;
    this.now = options.now ?? Date.now;
    this.provider = new PooledProvider(this, Network.from(chainId));
  }

  /** Each endpoint's state, in configuration order (for health and tests). */
  states(): { url: string; state: EndpointState }[] {
    return this.endpoints.map((e) => ({ url: e.url, state: e.state }));
  }

  /**
   * Raw JSON-RPC with failover; an answered error is thrown as RpcAnswerError.
   *
   * An internal error (-32603) to a call that runs the EVM is ambiguous: some nodes (anvil among them) answer an
   * EVM fault such as an invalid opcode that way, others a node fault. The other endpoints are asked before this
   * one is blamed; when every endpoint that answered says the same, it is the call's answer and nobody is demoted.
   */
  async send(method: string, params: unknown[]): Promise<unknown> {
    const failures: RpcEndpointError[] = [];
    const ambiguous: { endpoint: Endpoint; err: RpcEndpointError }[] = [];
    for (const endpoint of this.ordered()) {
      try {
        await this.ensureChainOrFail(endpoint);
        const result = await this.request(endpoint, method, params);
        this.succeeded(endpoint);
        // Another endpoint ran the call: the internal errors were those endpoints' own.
        for (const { endpoint: other, err } of ambiguous) this.failed(other, err);
        return result;
      } catch (err) {
        if (err instanceof RpcAnswerError) {
          this.succeeded(endpoint);
          for (const { endpoint: other, err: theirs } of ambiguous) this.failed(other, theirs);
          throw err;
        }
        if (err instanceof WrongChainError) continue;
        if (!(err instanceof RpcEndpointError)) throw err;
        if (EVM_METHODS.has(method) && err.failure.kind === 'rpc' && err.failure.code === -32603) {
          ambiguous.push({ endpoint, err });
          continue;
        }
        this.failed(endpoint, err);
        failures.push(err);
      }
    }
    const answer = ambiguous[0]?.err.cause;
    if (answer instanceof RpcAnswerError) {
      for (const { endpoint } of ambiguous) this.succeeded(endpoint);
      throw answer;
    }
    throw new RpcUnavailableError(`every RPC failed for ${method}`, {
      cause: failures[failures.length - 1],
      details: { failures: failures.map((f) => f.message) },
    });
  }

  /**
   * The chain id each endpoint answers (checked endpoints only; errors per endpoint), for the startup check:
   * it must fail with "wrong chain" only when no endpoint is on ours.
   */
  async checkChains(): Promise<{ url: string; chainId?: bigint; error?: KeeperError }[]> {
    return Promise.all(
      this.endpoints.map(async (endpoint) => {
        try {
          await this.ensureChain(endpoint);
          return { url: endpoint.url, chainId: BigInt(this.chainId) };
        } catch (err) {
          if (err instanceof WrongChainError) return { url: endpoint.url, chainId: err.actual, error: err };
          if (err instanceof RpcEndpointError) this.failed(endpoint, err);
          return { url: endpoint.url, error: err instanceof KeeperError ? err : new KeeperError('failed') };
        }
      }),
    );
  }

  /**
   * The freshest head across usable endpoints (asked in parallel); endpoints more than the tolerance behind
   * it are demoted, those within it promoted again. Throws RpcUnavailableError when none answers.
   */
  async readHead(): Promise<HeadBlock> {
    this.startSubscriptions();
    const pushed = this.takePushedHead();
    // A push behind what we returned before comes from a lagging socket (or a reorg to a shorter chain, which a
    // poll shows as well): the polled head decides, so a lagging ws endpoint can never keep the keeper behind.
    if (pushed && pushed.number >= this.highestReturned) return this.returned(pushed, 'subscription');
    const polled = await this.pollHead();
    if (pushed && pushed.number > polled.number) return this.returned(pushed, 'subscription');
    return this.returned(polled, 'polling');
  }

  private returned(head: HeadBlock, source: keyof RpcClient['headsBy']): HeadBlock {
    this.headsBy[source] += 1;
    this.highestReturned = Math.max(this.highestReturned, head.number);
    return head;
  }

  /**
   * Waits for the next head: until a subscription pushes one (up to `subscribedPollMs` while one is live, since the
   * caller polls when this returns), or `ms` while none is (polling, as without ws endpoints), or the abort.
   */
  async waitForHead(ms: number, signal: AbortSignal): Promise<void> {
    this.startSubscriptions();
    if (this.subscriptions.length === 0) return abortableSleep(ms, signal);
    const live = this.subscriptions.some((s) => s.current === 'subscribed');
    const waitMs = live ? Math.max(ms, this.options.subscribedPollMs ?? 12_000) : ms;
    const done = new AbortController();
    const onAbort = () => done.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race(this.subscriptions.map((s) => s.waitForHead(waitMs, done.signal)));
    } finally {
      signal.removeEventListener('abort', onAbort);
      done.abort();
    }
  }

  /** Each head subscription's state (for health and tests). */
  subscriptionStates(): { url: string; state: SubscriptionState; received: number }[] {
    return this.subscriptions.map((s) => ({ url: redactUrl(s.url), state: s.current, received: s.received }));
  }

  private startSubscriptions(): void {
    if (this.subscriptionsStarted) return;
    this.subscriptionsStarted = true;
    for (const subscription of this.subscriptions) subscription.start();
  }

  /** The freshest head pushed since the last read, if any (every subscription's pending head is taken). */
  private takePushedHead(): HeadBlock | undefined {
    let freshest: HeadBlock | undefined;
    for (const subscription of this.subscriptions) {
      const head = subscription.take();
      if (head && (!freshest || head.number > freshest.number)) freshest = head;
    }
    return freshest;
  }

  private async pollHead(): Promise<HeadBlock> {
    // Failing endpoints are probed here once their back-off is over: this is how a primary gets back in front.
    const now = this.now();
    const usable = this.ordered().filter((e) => e.consecutiveFailures === 0 || e.retryAtMs <= now);
    if (usable.length === 0) usable.push(...this.ordered());
    const answers = await Promise.all(
      usable.map(async (endpoint) => {
        try {
          await this.ensureChain(endpoint);
          const header = parseHeader(await this.request(endpoint, 'eth_getBlockByNumber', ['latest', false]));
          if (header === null) throw new RpcEndpointError(endpoint.url, { kind: 'malformed' });
          this.succeeded(endpoint);
          endpoint.headNumber = header.number;
          return header;
        } catch (err) {
          if (err instanceof RpcEndpointError) this.failed(endpoint, err);
          else if (err instanceof RpcAnswerError)
            this.failed(
              endpoint,
              new RpcEndpointError(endpoint.url, { kind: 'rpc', code: err.code ?? 0 }, { cause: err }),
            );
          else if (!(err instanceof WrongChainError)) throw err;
          return null;
        }
      }),
    );
    let freshest: HeadBlock | null = null;
    for (const header of answers)
      if (header && (!freshest || header.number > freshest.number)) freshest = header;
    if (!freshest) throw new RpcUnavailableError('cannot read the chain head from any RPC');
    for (const endpoint of usable) {
      if (endpoint.consecutiveFailures > 0) continue;
      const lagging = freshest.number - endpoint.headNumber > this.lagToleranceBlocks;
      if (lagging !== endpoint.lagging) {
        endpoint.lagging = lagging;
        this.options.onEvent?.({
          url: redactUrl(endpoint.url),
          state: endpoint.state,
          reason: lagging
            ? `head ${endpoint.headNumber} is ${freshest.number - endpoint.headNumber} blocks behind ${freshest.number}`
            : 'caught up',
        });
      }
    }
    return freshest;
  }

  destroy(): void {
    for (const subscription of this.subscriptions) subscription.stop();
    this.provider.destroy();
  }

  /** Healthy first, then lagging, then failing ones whose back-off is over, then the rest; never wrong-chain. */
  private ordered(): Endpoint[] {
    const now = this.now();
    const rank = (e: Endpoint) =>
      e.consecutiveFailures === 0 ? (e.lagging ? 1 : 0) : e.retryAtMs <= now ? 2 : 3;
    return this.endpoints.filter((e) => !e.wrongChain).sort((a, b) => rank(a) - rank(b) || a.index - b.index);
  }

  /** As ensureChain, but an answered error to eth_chainId is the endpoint's failure, not the caller's answer. */
  private async ensureChainOrFail(endpoint: Endpoint): Promise<void> {
    try {
      await this.ensureChain(endpoint);
    } catch (err) {
      if (!(err instanceof RpcAnswerError)) throw err;
      throw new RpcEndpointError(endpoint.url, { kind: 'rpc', code: err.code ?? 0 }, { cause: err });
    }
  }

  private async ensureChain(endpoint: Endpoint): Promise<void> {
    if (endpoint.wrongChain) throw new WrongChainError(endpoint.url, this.chainId, -1n);
    if (endpoint.chainChecked) return;
    const answer = await this.request(endpoint, 'eth_chainId', []);
    if (typeof answer !== 'string' || !HEX.test(answer))
      throw new RpcEndpointError(endpoint.url, { kind: 'malformed' });
    const actual = BigInt(answer);
    if (actual !== BigInt(this.chainId)) {
      endpoint.wrongChain = true;
      this.options.onEvent?.({
        url: redactUrl(endpoint.url),
        state: 'wrong-chain',
        reason: `answers chain ${actual}, configured ${this.chainId}: never used`,
      });
      throw new WrongChainError(endpoint.url, this.chainId, actual);
    }
    endpoint.chainChecked = true;
  }

  private succeeded(endpoint: Endpoint): void {
    if (endpoint.consecutiveFailures === 0) return;
    endpoint.consecutiveFailures = 0;
    this.options.onEvent?.({
      url: redactUrl(endpoint.url),
      state: endpoint.state,
      reason: 'answering again',
    });
  }

  private failed(endpoint: Endpoint, err: RpcEndpointError): void {
    endpoint.consecutiveFailures += 1;
    // A node that went away may come back as another chain (a misrouted load balancer): ask again.
    endpoint.chainChecked = false;
    const backoffMs = Math.min(30_000, 250 * 2 ** Math.min(endpoint.consecutiveFailures - 1, 7));
    endpoint.retryAtMs = this.now() + backoffMs;
    if (endpoint.consecutiveFailures === 1)
      this.options.onEvent?.({ url: redactUrl(endpoint.url), state: 'failing', reason: err.message });
  }

  /** One HTTP JSON-RPC request to one endpoint, its failure classified. */
  private async request(endpoint: Endpoint, method: string, params: unknown[]): Promise<unknown> {
    const body = JSON.stringify({ jsonrpc: '2.0', id: ++requestId, method, params });
    let response: Response;
    try {
      response = await fetch(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (cause) {
      const timedOut = cause instanceof DOMException && cause.name === 'TimeoutError';
      throw new RpcEndpointError(endpoint.url, { kind: timedOut ? 'timeout' : 'network' }, { cause });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new RpcEndpointError(endpoint.url, { kind: 'http', status: response.status });
    }
    let payload: unknown;
    try {
      payload = await response.json();
    } catch (cause) {
      throw new RpcEndpointError(endpoint.url, { kind: 'malformed' }, { cause });
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      throw new RpcEndpointError(endpoint.url, { kind: 'malformed' });
    const { result, error } = payload as { result?: unknown; error?: unknown };
    if (error !== undefined && error !== null) {
      const e = error as { code?: unknown; message?: unknown; data?: unknown };
      const code = typeof e.code === 'number' ? e.code : undefined;
      const message = typeof e.message === 'string' ? e.message : 'JSON-RPC error';
      const data = typeof e.data === 'string' ? e.data : undefined;
      if (code === undefined) throw new RpcEndpointError(endpoint.url, { kind: 'malformed' });
      if (classifyRpcFailure({ kind: 'rpc', code }) === 'fail-over')
        throw new RpcEndpointError(
          endpoint.url,
          { kind: 'rpc', code },
          { cause: new RpcAnswerError(message, code, data) },
        );
      throw new RpcAnswerError(message, code, data);
    }
    if (!('result' in payload)) throw new RpcEndpointError(endpoint.url, { kind: 'malformed' });
    return result;
  }
}

/** An ethers provider over the pool: ethers' own errors (CALL_EXCEPTION …) come from the answered errors. */
class PooledProvider extends JsonRpcApiProvider {
  constructor(
    private readonly pool: RpcClient,
    network: Network,
  ) {
    super(network, { staticNetwork: network, batchMaxCount: 1, pollingInterval: 250 });
  }

  override async _send(
    payload: JsonRpcPayload | JsonRpcPayload[],
  ): Promise<(JsonRpcResult | JsonRpcError)[]> {
    const requests = Array.isArray(payload) ? payload : [payload];
    return Promise.all(
      requests.map(async (request) => {
        try {
          const result = await this.pool.send(request.method, request.params as unknown[]);
          return { id: request.id, result } as JsonRpcResult;
        } catch (err) {
          if (!(err instanceof RpcAnswerError)) throw err;
          return {
            id: request.id,
            error: { code: err.code ?? -32000, message: err.message, data: err.data },
          } as JsonRpcError;
        }
      }),
    );
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
