import type { IncomingMessage, ServerResponse } from 'node:http';
import { JsonRpcError, RPC_ERROR } from './JsonRpcError.js';
import type { RelayReport } from './RelayLog.js';
import type { RelayRpc } from './RelayRpc.js';
import { verifyFlashbotsSignature } from './verifyFlashbotsSignature.js';

/** Bundles are at most 300 kB of transactions; this leaves room for JSON around them and nothing more. */
export const MAX_BODY_BYTES = 1_000_000;

export const DEBUG_LANDED_PATH = '/debug/landed';
/** How many signed requests each method received, e.g. `{ "eth_sendBundle": 3 }`. */
export const DEBUG_CALLS_PATH = '/debug/calls';

type Id = string | number | null;

/**
 * HTTP front of the relay, behaving as Flashbots' JSON-RPC server does: only a POST of `application/json`
 * is a request (else a plain-text HTTP 405/415); everything after that is answered with HTTP 200 and a
 * JSON-RPC body, errors included, so clients read the error object rather than a status. The signature is
 * checked on the raw bytes before the body is even parsed, and a request that fails it is answered with a
 * null id. `GET /debug/landed` (unsigned) reports what the relay placed and dropped, for tests, and
 * `GET /debug/calls` how many requests each method received.
 */
export function relayRequestHandler(deps: {
  rpc: RelayRpc;
  report(): Promise<RelayReport>;
}): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    handle(deps, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendText(res, 500, err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  };
}

async function handle(
  deps: { rpc: RelayRpc; report(): Promise<RelayReport> },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://relay').pathname;
  if (req.method === 'GET' && path === DEBUG_LANDED_PATH) {
    sendJson(res, 200, await deps.report());
    return;
  }
  if (req.method === 'GET' && path === DEBUG_CALLS_PATH) {
    sendJson(res, 200, deps.rpc.calls());
    return;
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    sendText(res, 405, 'only POST method is allowed');
    return;
  }
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    sendText(res, 415, 'header Content-Type must be application/json');
    return;
  }
  const body = await readBody(req);
  if (body === null)
    return reply(
      res,
      null,
      error(RPC_ERROR.invalidRequest, `request body is too big, max size: ${MAX_BODY_BYTES}`),
    );

  const header = req.headers['x-flashbots-signature'];
  const signature = verifyFlashbotsSignature(Array.isArray(header) ? header[0] : header, body);
  if (!signature.ok) return reply(res, null, error(RPC_ERROR.invalidRequest, signature.message));

  let request: unknown;
  try {
    request = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (cause) {
    return reply(
      res,
      null,
      error(RPC_ERROR.parse, `parse error: ${cause instanceof Error ? cause.message : String(cause)}`),
    );
  }
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return reply(
      res,
      null,
      error(
        RPC_ERROR.invalidRequest,
        'invalid request: expected one JSON-RPC request object (batches are not supported)',
      ),
    );
  }
  const { id, jsonrpc, method, params } = request as Record<string, unknown>;
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    return reply(res, null, error(RPC_ERROR.invalidRequest, 'invalid id type'));
  }
  const replyId: Id = id ?? null;
  if (jsonrpc !== '2.0')
    return reply(res, replyId, error(RPC_ERROR.invalidRequest, 'invalid jsonrpc version'));
  if (typeof method !== 'string')
    return reply(res, replyId, error(RPC_ERROR.invalidRequest, 'invalid request: method must be a string'));
  if (!deps.rpc.has(method)) return reply(res, replyId, error(RPC_ERROR.methodNotFound, 'method not found'));
  try {
    const result = await deps.rpc.call(method, params, signature.signer);
    sendJson(res, 200, { jsonrpc: '2.0', id: replyId, result });
  } catch (err) {
    if (err instanceof JsonRpcError) return reply(res, replyId, err);
    reply(
      res,
      replyId,
      error(RPC_ERROR.internal, `internal error: ${err instanceof Error ? err.message : String(err)}`),
    );
  }
}

function error(code: number, message: string): JsonRpcError {
  return new JsonRpcError(code, message);
}

function reply(res: ServerResponse, id: Id, err: JsonRpcError): void {
  sendJson(res, 200, { jsonrpc: '2.0', id, error: { code: err.code, message: err.message } });
}

/** The raw body, or null when it is larger than the relay accepts. */
async function readBody(req: IncomingMessage): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Keep reading to the end so the connection stays usable, but stop keeping what is too much.
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return size > MAX_BODY_BYTES ? null : new Uint8Array(Buffer.concat(chunks));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
