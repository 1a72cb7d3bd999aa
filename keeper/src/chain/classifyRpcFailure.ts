/**
 * What to do about a failed JSON-RPC request, decided by type, HTTP status and JSON-RPC code (never by the
 * text of a message): `answer` — the node answered and another node would answer the same (a revert, bad
 * params), so the error goes to the caller; `fail-over` — this endpoint cannot serve us now (down, rate
 * limited, overloaded, lacking the method), so the next endpoint is tried and this one is demoted.
 */
export type RpcFailureAction = 'answer' | 'fail-over';

export type RpcFailure =
  | { kind: 'network' }
  | { kind: 'timeout' }
  | { kind: 'http'; status: number }
  | { kind: 'malformed' }
  | { kind: 'rpc'; code: number };

/** JSON-RPC codes that say "this endpoint, not your request": limits, internal errors, missing methods. */
const ENDPOINT_CODES = new Set([
  -32005, // limit exceeded (EIP-1474)
  -32603, // internal error
  -32601, // method not found: another endpoint may serve it
  -32002, // resource unavailable (EIP-1474)
  -32004, // method not supported (EIP-1474)
  429, // some providers answer a rate limit as a JSON-RPC code
]);

export function classifyRpcFailure(failure: RpcFailure): RpcFailureAction {
  switch (failure.kind) {
    case 'network':
    case 'timeout':
    case 'malformed':
    case 'http':
      // Every HTTP failure is the endpoint's (rate limits, 5xx, auth, wrong path): a JSON-RPC answer comes as 200.
      return 'fail-over';
    case 'rpc':
      return ENDPOINT_CODES.has(failure.code) ? 'fail-over' : 'answer';
  }
}
