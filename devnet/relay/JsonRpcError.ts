/**
 * Error codes the relay answers with. They follow JSON-RPC 2.0 and Flashbots' own JSON-RPC server
 * (flashbots/go-utils rpcserver): a bad or missing signature is an invalid request, a body that is not JSON
 * (or not JSON-RPC 2.0) is a parse error, and a bundle the node would refuse is the generic server error.
 */
export const RPC_ERROR = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  server: -32000,
} as const;

/** A JSON-RPC error object to send back; thrown by handlers and turned into the response's `error`. */
export class JsonRpcError extends Error {
  override readonly name = 'JsonRpcError';

  constructor(
    readonly code: number,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }

  static invalidParams(message: string): JsonRpcError {
    return new JsonRpcError(RPC_ERROR.invalidParams, `invalid params: ${message}`);
  }
}
