import type { RpcErrorObject } from '../runtime/isExecutionError.js';
import { RpcError } from '../runtime/RpcError.js';

export interface RpcCall {
  method: string;
  params: unknown[];
}

interface RpcReply {
  id?: number;
  result?: unknown;
  error?: RpcErrorObject;
}

const MAX_BATCH = 100;

/**
 * A small JSON-RPC client for the indexer: one HTTP request per call or per batch, a timeout on each, and
 * every failure (transport, HTTP, JSON-RPC error, missing answer) thrown as RpcError. It never retries and
 * never turns an error into an empty answer: the indexer's loop owns retrying, with backoff.
 */
export class JsonRpcClient {
  private nextId = 0;
  private readonly timeoutMs: number;

  constructor(
    readonly url: string,
    options: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  async request<T>(method: string, params: unknown[]): Promise<T> {
    const [result] = await this.batch<T>([{ method, params }]);
    return result as T;
  }

  /** Answers in call order; any failed call fails the whole batch. */
  async batch<T>(calls: readonly RpcCall[]): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < calls.length; i += MAX_BATCH) {
      out.push(...(await this.send<T>(calls.slice(i, i + MAX_BATCH))));
    }
    return out;
  }

  private async send<T>(calls: readonly RpcCall[]): Promise<T[]> {
    if (calls.length === 0) return [];
    const ids = calls.map(() => ++this.nextId);
    const payload = calls.map((call, i) => ({ jsonrpc: '2.0', id: ids[i], ...call }));
    const what = calls.length === 1 ? (calls[0] as RpcCall).method : `batch of ${calls.length}`;
    let body: unknown;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(calls.length === 1 ? payload[0] : payload),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      body = await response.json();
    } catch (cause) {
      const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
      const detail = inner?.code ?? inner?.message;
      const reason = `${cause instanceof Error ? cause.message : String(cause)}${detail ? ` (${detail})` : ''}`;
      throw new RpcError(`${what} to ${this.url} failed: ${reason}`, { cause, details: { url: this.url } });
    }
    const replies = (Array.isArray(body) ? body : [body]) as RpcReply[];
    const byId = new Map(replies.map((reply) => [reply.id, reply]));
    return calls.map((call, i) => {
      const reply = byId.get(ids[i]);
      if (!reply) throw new RpcError(`${call.method} to ${this.url}: no answer in the response`);
      if (reply.error) {
        throw new RpcError(
          `${call.method} to ${this.url} failed: ${reply.error.message} (code ${reply.error.code})`,
          {
            details: { method: call.method, code: reply.error.code },
          },
        );
      }
      if (!('result' in reply)) throw new RpcError(`${call.method} to ${this.url}: the answer has no result`);
      return reply.result as T;
    });
  }
}
