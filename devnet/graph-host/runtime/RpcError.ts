import { GraphHostError } from '../GraphHostError.js';

/**
 * The node could not answer (connection refused, timeout, HTTP or JSON-RPC failure other than a revert):
 * graph-node's non-deterministic error. The block is aborted and retried with backoff; it never turns into
 * an indexing error or an empty answer.
 */
export class RpcError extends GraphHostError {
  override readonly name: string = 'RpcError';
}
