import { id, toQuantity, type Signer } from 'ethers';
import { SubmissionError } from './ExecutionError.js';
import { RateLimiter } from './RateLimiter.js';

/** A JSON-RPC error object a relay or builder answered with: it read the request and refused it. */
export class BundleRpcError extends SubmissionError {
  constructor(
    readonly method: string,
    endpoint: string,
    readonly code: number,
    readonly rpcMessage: string,
    readonly data: unknown,
  ) {
    super(`${endpoint} refused ${method}: ${rpcMessage} (${code})`, endpoint, true, {
      details: { method, code, data },
    });
  }
}

/** Our own limit on an endpoint would hold the request past its deadline: it is not sent. */
export class RateLimitedError extends SubmissionError {
  constructor(
    readonly method: string,
    endpoint: string,
    readonly waitMs: number,
  ) {
    super(`${method} to ${endpoint} not sent: rate limit would delay it ${waitMs} ms`, endpoint, true, {
      details: { method, waitMs },
    });
  }
}

export interface SendBundleRequest {
  /** Signed raw transactions, in order. */
  txs: readonly string[];
  blockNumber: bigint;
  minTimestampSec?: bigint | null;
  maxTimestampSec?: bigint | null;
  revertingTxHashes?: readonly string[];
  replacementUuid?: string | null;
  /** Builders a relay should share the bundle with (their names in Flashbots' list). */
  builders?: readonly string[];
}

export interface PrivateTxRequest {
  signedTx: string;
  maxBlockNumber: bigint;
  /** Fast mode: shared with every builder Flashbots knows. */
  fast?: boolean;
  /** Builders to share the transaction with (Flashbots' `preferences.privacy.builders`). */
  builders?: readonly string[];
}

export interface CallBundleRequest {
  txs: readonly string[];
  blockNumber: bigint;
  stateBlockNumber: bigint | 'latest';
  timestampSec?: bigint;
}

export interface BundleClientOptions {
  /** For errors and logs: our name for the endpoint. */
  name: string;
  url: string;
  /** The auth key: identifies us (reputation) and holds no funds. */
  authSigner: Signer;
  timeoutMs: number;
  requestsPerSecond: number;
  /** Injected for tests; default the global fetch and clock. */
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * A client of our own for one Flashbots-compatible relay or builder: the bundle API the keeper needs, every
 * field included (`builders`, which `@flashbots/ethers-provider-bundle` 1.0.0 drops), signed with
 * `X-Flashbots-Signature: <auth address>:<EIP-191 signature of the hex string keccak256(body)>` over the
 * exact bytes sent. Each request has a deadline (`timeoutMs`) covering both our rate-limit wait and the
 * round trip; a request our own limit would delay past it is not sent. Every failure is a `SubmissionError`:
 * `BundleRpcError` when the endpoint answered with an error, `reachable: false` when it did not answer.
 *
 * Why not `@flashbots/ethers-provider-bundle` (1.0.0, unmaintained): its `sendRawBundle` builds the params
 * object itself and has no `builders`; its `sendPrivateTransaction` sends neither `preferences` nor a hex
 * `maxBlockNumber`; it has no `flashbots_setFeeRefundRecipient`; it reads `result.bundleHash` unguarded
 * (builders that answer otherwise throw a TypeError) and reports HTTP failures only inside a message. What
 * it still does that we use — signing — is one `signMessage(id(body))` line here. The executor sends through
 * this client (`BundleEndpoint`); the library stays only as `FlashbotsRelay` for tests, an independent client
 * proving that the devnet relay speaks what real searchers send. It can go once those tests no longer need it.
 */
export class BundleClient {
  readonly name: string;
  readonly url: string;
  private readonly limiter: RateLimiter;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;
  private nextId = 1;

  constructor(private readonly options: BundleClientOptions) {
    this.name = options.name;
    this.url = options.url;
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.now = options.now ?? Date.now;
    this.limiter = new RateLimiter(options.requestsPerSecond, undefined, this.now());
  }

  /** eth_sendBundle; returns the bundle hash the endpoint reports. */
  async sendBundle(request: SendBundleRequest): Promise<string> {
    const params: Record<string, unknown> = {
      txs: [...request.txs],
      blockNumber: toQuantity(request.blockNumber),
    };
    // Flashbots reads timestamps as JSON numbers; seconds since the epoch fit a double exactly.
    if (request.minTimestampSec != null) params.minTimestamp = Number(request.minTimestampSec);
    if (request.maxTimestampSec != null) params.maxTimestamp = Number(request.maxTimestampSec);
    if (request.revertingTxHashes?.length) params.revertingTxHashes = [...request.revertingTxHashes];
    if (request.replacementUuid) params.replacementUuid = request.replacementUuid;
    if (request.builders?.length) params.builders = [...request.builders];
    const result = await this.call('eth_sendBundle', [params]);
    const hash = (result as { bundleHash?: unknown } | null)?.bundleHash;
    // Some builders answer without a hash; the bundle was still taken.
    return typeof hash === 'string' ? hash : '';
  }

  /** eth_cancelBundle: withdraws our bundles sent with this replacement uuid from this endpoint. */
  async cancelBundle(replacementUuid: string): Promise<void> {
    await this.call('eth_cancelBundle', [{ replacementUuid }]);
  }

  /** flashbots_setFeeRefundRecipient: fee refunds owed to our auth address go to `recipient`. */
  async setFeeRefundRecipient(recipient: string): Promise<unknown> {
    const signer = await this.options.authSigner.getAddress();
    return this.call('flashbots_setFeeRefundRecipient', [signer, recipient]);
  }

  /** eth_sendPrivateTransaction; returns the transaction hash when the endpoint gives one. */
  async sendPrivateTransaction(request: PrivateTxRequest): Promise<string | null> {
    const preferences: Record<string, unknown> = { fast: request.fast ?? false };
    if (request.builders?.length) preferences.privacy = { builders: [...request.builders] };
    const result = await this.call('eth_sendPrivateTransaction', [
      { tx: request.signedTx, maxBlockNumber: toQuantity(request.maxBlockNumber), preferences },
    ]);
    return typeof result === 'string' ? result : null;
  }

  /** eth_cancelPrivateTransaction: stops trying a private transaction in later blocks; true when it did. */
  async cancelPrivateTransaction(txHash: string): Promise<boolean> {
    return (await this.call('eth_cancelPrivateTransaction', [{ txHash }])) === true;
  }

  /** eth_callBundle: simulation at the relay. Costs reputation at Flashbots; only when configured. */
  async callBundle(request: CallBundleRequest): Promise<unknown> {
    const params: Record<string, unknown> = {
      txs: [...request.txs],
      blockNumber: toQuantity(request.blockNumber),
      stateBlockNumber:
        request.stateBlockNumber === 'latest' ? 'latest' : toQuantity(request.stateBlockNumber),
    };
    if (request.timestampSec !== undefined) params.timestamp = Number(request.timestampSec);
    return this.call('eth_callBundle', [params]);
  }

  /** One signed JSON-RPC request; the result, or a `SubmissionError`. */
  async call(method: string, params: unknown[]): Promise<unknown> {
    const started = this.now();
    const wait = this.limiter.reserve(started);
    if (wait >= this.options.timeoutMs) {
      this.limiter.release();
      throw new RateLimitedError(method, this.name, wait);
    }
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = JSON.stringify({ jsonrpc: '2.0', id: this.nextId++, method, params });
    const signature = await this.sign(body);
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-flashbots-signature': signature },
        body,
        signal: AbortSignal.timeout(Math.max(1, this.options.timeoutMs - wait)),
      });
      text = await response.text();
    } catch (cause) {
      const why = cause instanceof Error && cause.name === 'TimeoutError' ? 'timed out' : 'unreachable';
      throw new SubmissionError(`${method} to ${this.name}: ${why}`, this.name, false, {
        cause,
        details: { method },
      });
    }
    let reply: { result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };
    try {
      reply = JSON.parse(text) as typeof reply;
    } catch (cause) {
      // A non-JSON answer: a proxy's error page, a 5xx, a throttle. The endpoint is not usable right now.
      throw new SubmissionError(
        `${method} to ${this.name}: HTTP ${response.status} ${text.slice(0, 120)}`,
        this.name,
        response.status >= 400 && response.status < 500 && response.status !== 429,
        { cause, details: { method, status: response.status } },
      );
    }
    if (reply.error) {
      const code = typeof reply.error.code === 'number' ? reply.error.code : 0;
      const message = typeof reply.error.message === 'string' ? reply.error.message : 'JSON-RPC error';
      throw new BundleRpcError(method, this.name, code, message, reply.error.data);
    }
    if (!response.ok) {
      throw new SubmissionError(`${method} to ${this.name}: HTTP ${response.status}`, this.name, false, {
        details: { method, status: response.status },
      });
    }
    return reply.result;
  }

  /** The X-Flashbots-Signature header for a body: the auth key personal-signs the hex of keccak256(body). */
  async sign(body: string): Promise<string> {
    const address = await this.options.authSigner.getAddress();
    return `${address}:${await this.options.authSigner.signMessage(id(body))}`;
  }
}
