import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { RpcErrorObject } from './isExecutionError.js';
import { RpcError } from './RpcError.js';

export type SyncRpcAnswer = { result: unknown } | { error: RpcErrorObject };

interface WorkerReply {
  id: number;
  text?: string;
  transportError?: string;
}

export interface SyncRpcOptions {
  /** Per request; a node that does not answer in time is a transport failure (the block is retried). */
  timeoutMs?: number;
}

/**
 * Blocking JSON-RPC for host functions, which WASM calls synchronously. A worker thread does the HTTP
 * request; this thread sleeps in `Atomics.wait` on a shared counter until the worker has posted the answer on
 * a MessagePort, then takes it with `receiveMessageOnPort` (no event-loop turn needed). The counter only
 * grows, so a wake-up can never be lost between checking the port and going to sleep. While a call waits,
 * this thread does nothing else (the GraphQL server in it included), so calls are short: one request each.
 */
export class SyncRpc {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly counter: Int32Array;
  private readonly timeoutMs: number;
  private nextId = 0;
  private closed = false;

  constructor(
    readonly url: string,
    options: SyncRpcOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const shared = new SharedArrayBuffer(4);
    this.counter = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL('./syncRpcWorker.mjs', import.meta.url), {
      workerData: { url, counter: shared, port: port2 },
      transferList: [port2],
    });
    // An idle bridge must not keep the process alive; close() ends it explicitly.
    this.worker.unref();
    this.port.unref();
  }

  /** Sends one request and blocks until its answer; throws RpcError when no JSON-RPC answer came back. */
  request(method: string, params: unknown[]): SyncRpcAnswer {
    if (this.closed) throw new RpcError(`${method}: the RPC bridge is closed`);
    const id = ++this.nextId;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, params });
    this.worker.postMessage({ id, body, timeoutMs: this.timeoutMs });
    const reply = this.awaitReply(id, method);
    if (reply.transportError !== undefined) {
      throw new RpcError(`${method} to ${this.url} failed: ${reply.transportError}`, {
        details: { method, url: this.url },
      });
    }
    let parsed: { result?: unknown; error?: RpcErrorObject };
    try {
      parsed = JSON.parse(reply.text ?? '') as typeof parsed;
    } catch (cause) {
      throw new RpcError(`${method} to ${this.url}: the answer is not JSON`, { cause });
    }
    if (parsed.error) return { error: parsed.error };
    if (!('result' in parsed)) throw new RpcError(`${method} to ${this.url}: the answer has no result`);
    return { result: parsed.result };
  }

  private awaitReply(id: number, method: string): WorkerReply {
    // The worker's own timeout fires first; this one only guards against a worker that died.
    const deadline = Date.now() + this.timeoutMs + 2_000;
    for (;;) {
      const seen = Atomics.load(this.counter, 0);
      for (
        let message = receiveMessageOnPort(this.port);
        message;
        message = receiveMessageOnPort(this.port)
      ) {
        const reply = message.message as WorkerReply;
        if (reply.id === id) return reply;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new RpcError(`${method} to ${this.url}: no answer from the RPC worker`, {
          details: { method },
        });
      }
      Atomics.wait(this.counter, 0, seen, remaining);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    await this.worker.terminate();
  }
}
