import type { JsonRpcProvider } from 'ethers';
import type { Bundle } from './Bundle.js';

export type DropReason =
  /** Its target block was mined before the relay saw it (or it arrived late). */
  | 'target-block-passed'
  /** The target block's timestamp is outside [minTimestamp, maxTimestamp]. */
  | 'timestamp-window'
  /** A transaction the node would refuse: nonce, fee cap, balance, block gas. */
  | 'invalid'
  /** A transaction reverted and is not in revertingTxHashes. */
  | 'reverted'
  /** It cannot share the block with a better-paying bundle or with public transactions of its senders. */
  | 'conflict'
  /** Its nonces follow transactions that no bundle in this block provides. */
  | 'nonce-gap'
  /** anvil's fee-ordered pool would split it or reorder its transactions. */
  | 'ordering'
  /** The node refused a transaction when the relay handed it over. */
  | 'rejected-by-node'
  /** The devnet cannot simulate it (a contract creation in or before it). */
  | 'unsupported'
  /** Public transactions kept arriving while the relay checked the block. */
  | 'mempool-unstable'
  | 'replaced'
  | 'cancelled'
  /** The relay failed while placing it; its transactions were taken back out of the pool. */
  | 'relay-error'
  /** Its target block was built by another builder, which never had it (several builders on the devnet). */
  | 'not-building';

interface BundleIdentity {
  bundleHash: string;
  replacementUuid: string | null;
  signer: string;
  targetBlock: number;
  txHashes: string[];
}

export interface DroppedBundle extends BundleIdentity {
  reason: DropReason;
  detail: string;
  /** The block the relay was building when it dropped the bundle (null: dropped on request). */
  atBlock: number | null;
}

/**
 * - `pending`: handed to the node for the block, which has not been checked yet;
 * - `landed`: in its block, whole, contiguous, in order, with no revert other than allowed ones;
 * - `missing`: none of its transactions is on chain (the chain was rewound, or the node lost them) —
 *   harmless, nothing ran;
 * - `violated`: the node did something else with it (see `violations`): a relay bug or a race with a public
 *   transaction that reached the pool after the relay's last check;
 * - `withdrawn`: its block was not mined (the producer failed after the relay's hook, or the chain was
 *   rewound); the relay took it back out of the pool and queued it again.
 */
export type PlacementStatus = 'pending' | 'landed' | 'missing' | 'violated' | 'withdrawn';

export interface PlacedBundle extends BundleIdentity {
  status: PlacementStatus;
  /** The transactions allowed to revert (lowercase hashes). */
  revertingTxHashes: string[];
  /** Gas the relay's simulation of the block predicted, and what the receipts say once landed. */
  simulatedGasUsed: string;
  gasUsed: string | null;
  /** What the bundle pays the fee recipient per gas (priority fees and coinbase transfers), in wei. */
  effectivePriorityFeeWei: string;
  /** Index of its first transaction in the block, once landed. */
  firstTxIndex: number | null;
  /** Why it was withdrawn. */
  note?: string;
}

export interface PlacedBlock {
  blockNumber: number;
  timestampSec: number;
  /** The head the relay built on. */
  parentHash: string;
  bundles: PlacedBundle[];
}

export interface Violation {
  blockNumber: number;
  bundleHash: string;
  detail: string;
}

/** What `GET /debug/landed` and `Relay.landed()` return. Wei amounts are decimal strings (JSON has no bigint). */
export interface RelayReport {
  blocks: PlacedBlock[];
  dropped: DroppedBundle[];
  violations: Violation[];
  /** Failures of the relay itself while building a block (its transactions were withdrawn). */
  errors: string[];
}

interface Receipt {
  blockNumber: string;
  transactionIndex: string;
  status: string;
  gasUsed: string;
}

export function identity(bundle: Bundle): BundleIdentity {
  return {
    bundleHash: bundle.bundleHash,
    replacementUuid: bundle.replacementUuid,
    signer: bundle.signer,
    targetBlock: bundle.blockNumber,
    txHashes: bundle.txs.map((tx) => tx.hash),
  };
}

/**
 * Everything the relay did, for tests and for the debug endpoint, and the check of each block it placed
 * bundles into: the audit reads the receipts after the block is mined and holds the node to what the relay
 * promised (all of a bundle or none, in order, together, no unexpected revert).
 */
export class RelayLog {
  private readonly blocks: PlacedBlock[] = [];
  private readonly dropped: DroppedBundle[] = [];
  private readonly violations: Violation[] = [];
  private readonly errors: string[] = [];
  private auditing: Promise<void> = Promise.resolve();

  drop(bundle: Bundle, reason: DropReason, detail: string, atBlock: number | null): void {
    this.dropped.push({ ...identity(bundle), reason, detail, atBlock });
  }

  placed(block: PlacedBlock): void {
    this.blocks.push(block);
  }

  error(message: string): void {
    this.errors.push(message);
  }

  /** Marks the placements for a block that was not mined after all as withdrawn. */
  withdraw(blockNumber: number, detail: string): void {
    for (const block of this.blocks.filter((b) => b.blockNumber === blockNumber)) {
      for (const placed of block.bundles.filter((p) => p.status === 'pending')) {
        placed.status = 'withdrawn';
        placed.note = detail;
      }
    }
  }

  report(): RelayReport {
    return structuredClone({
      blocks: this.blocks,
      dropped: this.dropped,
      violations: this.violations,
      errors: this.errors,
    });
  }

  /** Checks every placement whose block is mined; calls are serialized so two callers never race. */
  audit(provider: JsonRpcProvider): Promise<void> {
    const run = this.auditing.then(() => this.auditNow(provider));
    this.auditing = run.catch(() => undefined);
    return run;
  }

  forget(): void {
    this.blocks.length = 0;
    this.dropped.length = 0;
    this.violations.length = 0;
    this.errors.length = 0;
  }

  private async auditNow(provider: JsonRpcProvider): Promise<void> {
    const waiting = this.blocks.filter((b) => b.bundles.some((p) => p.status === 'pending'));
    if (waiting.length === 0) return;
    const head = Number(await provider.send('eth_blockNumber', []));
    for (const block of waiting) {
      if (block.blockNumber > head) continue;
      for (const placed of block.bundles) {
        if (placed.status !== 'pending') continue;
        const receipts = await Promise.all(
          placed.txHashes.map(
            (h) => provider.send('eth_getTransactionReceipt', [h]) as Promise<Receipt | null>,
          ),
        );
        const problem = this.judge(block.blockNumber, placed, receipts);
        if (problem === 'missing') placed.status = 'missing';
        else if (problem) {
          placed.status = 'violated';
          this.violations.push({
            blockNumber: block.blockNumber,
            bundleHash: placed.bundleHash,
            detail: problem,
          });
        } else {
          placed.status = 'landed';
          placed.gasUsed = receipts.reduce((sum, r) => sum + BigInt(r?.gasUsed ?? 0), 0n).toString();
          placed.firstTxIndex = Number(receipts[0]?.transactionIndex);
        }
      }
    }
  }

  /** null when the bundle landed as promised, 'missing' when nothing of it ran, else what went wrong. */
  private judge(
    blockNumber: number,
    placed: PlacedBundle,
    receipts: (Receipt | null)[],
  ): string | null | 'missing' {
    const found = receipts.filter((r): r is Receipt => r !== null);
    if (found.length === 0) return 'missing';
    if (found.length < receipts.length) {
      return `only ${found.length} of its ${receipts.length} transactions are on chain`;
    }
    const blocks = new Set(found.map((r) => Number(r.blockNumber)));
    if (blocks.size !== 1 || !blocks.has(blockNumber)) {
      return `its transactions are in block(s) ${[...blocks].join(', ')}, not in block ${blockNumber}`;
    }
    const indices = found.map((r) => Number(r.transactionIndex));
    if (indices.some((index, i) => i > 0 && index !== (indices[i - 1] ?? -2) + 1)) {
      return `its transactions are at block positions ${indices.join(', ')}, not together and in order`;
    }
    const allowed = new Set(placed.revertingTxHashes);
    const reverted = placed.txHashes.filter((hash, i) => found[i]?.status !== '0x1' && !allowed.has(hash));
    if (reverted.length > 0) return `transaction(s) ${reverted.join(', ')} reverted on chain`;
    return null;
  }
}
