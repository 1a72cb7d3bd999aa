import type { ChainAccess } from './HostContext.js';
import { isExecutionError } from './isExecutionError.js';
import { RpcError } from './RpcError.js';
import type { SyncRpc } from './SyncRpc.js';

/**
 * Chain reads for handlers over the blocking bridge, all pinned to a block hash (EIP-1898): after a reorg
 * the old hash is unknown to the node, which is an RpcError (retried), never a read of the other branch.
 */
export class RpcChainAccess implements ChainAccess {
  constructor(private readonly rpc: SyncRpc) {}

  call(tx: { to: string; data: string }, blockHash: string): string | null {
    const answer = this.rpc.request('eth_call', [tx, { blockHash }]);
    if ('error' in answer) {
      if (isExecutionError(answer.error)) return null;
      throw this.failure('eth_call', answer.error, blockHash);
    }
    return String(answer.result);
  }

  getBalance(address: string, blockHash: string): bigint {
    return BigInt(this.read('eth_getBalance', address, blockHash));
  }

  getCode(address: string, blockHash: string): string {
    return this.read('eth_getCode', address, blockHash);
  }

  private read(method: string, address: string, blockHash: string): string {
    const answer = this.rpc.request(method, [address, { blockHash }]);
    if ('error' in answer) throw this.failure(method, answer.error, blockHash);
    return String(answer.result);
  }

  private failure(method: string, error: { code: number; message: string }, blockHash: string): RpcError {
    return new RpcError(`${method} at block ${blockHash} failed: ${error.message} (code ${error.code})`, {
      details: { method, blockHash, code: error.code },
    });
  }
}
