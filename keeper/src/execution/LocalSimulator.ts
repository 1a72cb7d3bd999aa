import { Transaction, toQuantity } from 'ethers';
import { RpcUnavailableError, type RpcClient } from '../chain/RpcClient.js';
import { formatErrorChain } from '../errors/KeeperError.js';
import type { BundleSimulator, Simulated } from './BundleSimulator.js';
import type { BlockContext } from './types.js';

interface SimulatedCall {
  status?: string;
  error?: { message?: string; data?: string };
}

/**
 * Simulation on our own RPC, nothing sent to a relay (no reputation spent): the bundle's signed transactions
 * as calls from their senders, in order, on the head block's state, as the next block (its number, timestamp
 * and predicted base fee as block overrides).
 *
 * `eth_simulateV1` carries state from one call to the next, as a builder would; anvil (1.x), geth and reth
 * have it. A node without it gets one `eth_call` per transaction with the same block override: each sees the
 * head's state only, not the earlier transactions' effects. Our bundles put one key's calls on distinct
 * positions, which do not depend on each other, so that is close, but not equal, to the real thing; the
 * fallback is chosen once per node and logged by the caller through `mode`.
 */
export class LocalSimulator implements BundleSimulator {
  readonly where = 'local';
  /** Null until the node has answered eth_simulateV1 once (or refused it). */
  private simulateV1: boolean | null = null;

  constructor(private readonly rpc: Pick<RpcClient, 'send'>) {}

  /** 'eth_simulateV1', 'eth_call' (the fallback) or null before the first simulation. */
  get mode(): 'eth_simulateV1' | 'eth_call' | null {
    return this.simulateV1 === null ? null : this.simulateV1 ? 'eth_simulateV1' : 'eth_call';
  }

  async simulate(signed: readonly string[], context: BlockContext): Promise<Simulated> {
    const calls = signed.map(callOf);
    const overrides = {
      number: toQuantity(context.nextBlock),
      time: toQuantity(context.nextTimestampSec),
      baseFeePerGas: toQuantity(context.bundle.nextBaseFeePerGasWei),
    };
    const state = toQuantity(context.headBlock);
    if (this.simulateV1 !== false) {
      try {
        const blocks = (await this.rpc.send('eth_simulateV1', [
          // No validation: the node would otherwise check fees against its own idea of the block, which we
          // override; nonces and balances are what our signing already fixed.
          { blockStateCalls: [{ blockOverrides: overrides, calls }], validation: false },
          state,
        ])) as { calls?: SimulatedCall[] }[];
        this.simulateV1 = true;
        const results = blocks[0]?.calls ?? [];
        return {
          kind: 'ok',
          errors: calls.map((_, i) => {
            const r = results[i];
            if (r === undefined) return 'no simulation result';
            if (r.status === '0x1') return null;
            return r.error?.message ?? 'reverted';
          }),
        };
      } catch (err) {
        if (this.simulateV1 === true)
          return { kind: 'down', reason: `eth_simulateV1: ${formatErrorChain(err)}` };
        this.simulateV1 = false;
      }
    }
    const errors: (string | null)[] = [];
    for (const call of calls) {
      try {
        await this.rpc.send('eth_call', [call, state, {}, overrides]);
        errors.push(null);
      } catch (err) {
        if (err instanceof RpcUnavailableError) return { kind: 'down', reason: formatErrorChain(err) };
        errors.push(formatErrorChain(err).slice(0, 300));
      }
    }
    return { kind: 'ok', errors };
  }
}

function callOf(raw: string): Record<string, string> {
  const tx = Transaction.from(raw);
  const call: Record<string, string> = {
    from: tx.from as string,
    to: tx.to as string,
    data: tx.data,
    value: toQuantity(tx.value),
    gas: toQuantity(tx.gasLimit),
    nonce: toQuantity(tx.nonce),
  };
  if (tx.maxFeePerGas !== null) call.maxFeePerGas = toQuantity(tx.maxFeePerGas);
  if (tx.maxPriorityFeePerGas !== null) call.maxPriorityFeePerGas = toQuantity(tx.maxPriorityFeePerGas);
  return call;
}
