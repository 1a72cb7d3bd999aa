import { keccak256 } from 'ethers';
import type { BundleRelay } from './BundleRelay.js';
import { SubmissionError } from './ExecutionError.js';
import type { BlockContext } from './types.js';

/** A bundle's simulated fate: one error (null: it succeeds) per transaction, in order. */
export type Simulated =
  | { kind: 'ok'; errors: (string | null)[] }
  | { kind: 'refused'; reason: string }
  | { kind: 'down'; reason: string };

/** Runs a bundle's signed transactions in order at the next block before it is sent. */
export interface BundleSimulator {
  /** For logs: 'local' or 'relay'. */
  readonly where: 'local' | 'relay';
  simulate(signed: readonly string[], context: BlockContext): Promise<Simulated>;
}

/**
 * eth_callBundle at the first relay that answers. Flashbots scores a searcher on everything it sends, calls
 * included, so this is used only when `execution.simulation` is 'relay'.
 */
export class RelaySimulator implements BundleSimulator {
  readonly where = 'relay';
  constructor(private readonly relays: readonly BundleRelay[]) {}

  async simulate(signed: readonly string[], context: BlockContext): Promise<Simulated> {
    const unreachable: string[] = [];
    for (const relay of this.relays) {
      try {
        const simulation = await relay.simulate(
          signed,
          context.nextBlock,
          context.headBlock,
          context.nextTimestampSec,
        );
        const byHash = new Map(simulation.results.map((r) => [r.txHash.toLowerCase(), r]));
        const errors = signed.map((raw, i) => {
          const result = byHash.get(keccak256(raw)) ?? simulation.results[i];
          return result === undefined ? 'no simulation result' : result.error;
        });
        return { kind: 'ok', errors };
      } catch (err) {
        if (!(err instanceof SubmissionError)) throw err;
        if (err.reachable) return { kind: 'refused', reason: err.message };
        unreachable.push(err.message);
      }
    }
    return { kind: 'down', reason: unreachable.join('; ') || 'no relay configured' };
  }
}
