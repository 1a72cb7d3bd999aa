import { toQuantity, type JsonRpcProvider } from 'ethers';
import type { NextBlock } from '../chain/BlockProducer.js';
import { AnvilPool } from './AnvilPool.js';
import type { Bundle } from './Bundle.js';
import type { BundleStore } from './BundleStore.js';
import { readParentBlock } from './readParentBlock.js';
import { identity, type DropReason, type PlacedBundle, type RelayLog } from './RelayLog.js';
import {
  simulateSequence,
  type InvalidKind,
  type SimulatedBlock,
  type TxOutcome,
} from './simulateSequence.js';
import type { SimTx } from './SimTx.js';

interface Scored {
  bundle: Bundle;
  /** What it pays the fee recipient per gas when it runs first in the block: the auction's bid. */
  feePerGasWei: bigint;
}

interface Drop {
  bundle: Bundle;
  reason: DropReason;
  detail: string;
}

type BlockCheck =
  | { ok: true; order: string[]; outcomes: Map<string, TxOutcome> }
  | { ok: false; culprit: Bundle | null; reason: DropReason; detail: string };

type CheckedOk = Extract<BlockCheck, { ok: true }>;

interface Round {
  accepted: Scored[];
  drops: Drop[];
  check: CheckedOk | null;
}

/** How often the relay rebuilds a block whose public transactions changed under it before giving up on it. */
const MAX_ATTEMPTS = 3;

/**
 * Places the bundles that target a block, right before the block producer mines it (its `onBeforeBlock`
 * hook). anvil cannot be told what to put in a block, in which order: it mines its pool, highest max fee per
 * gas first (earliest arrival on a tie), one sender's nonces in order. So the relay never *assumes* an order;
 * it hands the bundle's signed transactions to the pool, asks anvil for the block it would mine now (the
 * pending block, built by the same code as `evm_mine`), and checks that exact block before keeping them:
 *
 * 1. Auction. Each bundle that targets the block and whose [minTimestamp, maxTimestamp] holds the block's
 *    timestamp is simulated on its own at the top of the block (eth_simulateV1 on the head's state, at the
 *    block's number, timestamp, base fee and fee recipient). One that the node would refuse (nonce, fee cap,
 *    balance) or with a revert outside `revertingTxHashes` is dropped; the others are ranked by what they pay
 *    the fee recipient per gas, priority fees and coinbase transfers included (Flashbots' effective gas price).
 * 2. Greedy fill, best first. A bundle whose nonces follow another bundle's waits until that bundle is in;
 *    one whose nonce is already taken loses (this is how two bundles racing for one nonce are decided).
 *    A bundle whose senders have public transactions in the pool is not placed: their order is anvil's to
 *    choose, not the bundle's. For each bundle: its transactions go to the pool, then the pending block is
 *    read and the prefix up to the last bundle transaction (public transactions included, where anvil puts
 *    them) is simulated. Every bundle placed so far must still be whole, together, in order, and free of
 *    unexpected reverts; else the newcomer's transactions are taken back out (`anvil_dropTransaction`) and
 *    it is dropped with the reason.
 * 3. Last look. The pending block is read once more; if a public transaction arrived meanwhile the block is
 *    checked again, and rebuilt from scratch (up to three times) when a bundle would now fail.
 *
 * After the block is mined, `RelayLog.audit` holds the node to it through the receipts, and transactions of a
 * placement still in the pool (never expected) or of a block that was never mined are taken out before the
 * next block, so nothing of a bundle can land later or partly.
 *
 * Limits, all reported rather than silently broken:
 * - A public transaction that reaches the pool after the last look and before the producer's `evm_mine`
 *   (a window of one RPC round trip; the hook should be the producer's last) is not in the relay's
 *   simulation: under anvil's fee order it can land before a bundle and make it revert. The audit reports it
 *   as a violation.
 * - A bundle whose transactions pay different max fees per gas can be split or reordered by anvil's fee
 *   order, by a public transaction or by another bundle; such a bundle is dropped ('ordering'). Bundles of one
 *   sender with one fee (the keeper's) are never affected.
 * - Bundles are not necessarily at the top of the block: public transactions with a higher max fee run first,
 *   and the relay simulates the bundle after them. Ties go to the public transaction (it arrived first).
 * - A contract creation cannot be simulated (anvil's eth_simulateV1), so neither can a bundle that holds one
 *   or that anvil would put behind one ('unsupported').
 * - Blob and EIP-7702 transactions are refused at eth_sendBundle.
 */
export class BundlePlacer {
  private readonly pool: AnvilPool;
  /** The relay's transactions in the pool for the block being built. */
  private readonly inFlight = new Set<string>();
  private lastRound: { blockNumber: number; bundles: Bundle[] } | null = null;
  /** Per block being built: the senders' nonces on the parent state and public transactions read back. */
  private cache = { stateBlock: -1, nonces: new Map<string, number>(), publicTxs: new Map<string, SimTx>() };

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly store: BundleStore,
    private readonly log: RelayLog,
    /** This builder's name in the producer's schedule: it places bundles only into blocks it builds. */
    private readonly builderName: string | null = null,
  ) {
    this.pool = new AnvilPool(provider);
  }

  async placeFor(next: NextBlock): Promise<void> {
    await this.settlePrevious(next);
    const live: Bundle[] = [];
    const elsewhere =
      next.builder !== undefined && this.builderName !== null && next.builder !== this.builderName;
    for (const bundle of this.store.takeUpTo(next.number)) {
      const late = bundle.blockNumber < next.number;
      const window = late ? null : outsideWindow(bundle, next.timestampSec);
      if (late) {
        this.log.drop(
          bundle,
          'target-block-passed',
          `block ${bundle.blockNumber} was mined before it could be placed`,
          next.number,
        );
      } else if (elsewhere) {
        this.log.drop(
          bundle,
          'not-building',
          `block ${next.number} is built by ${next.builder}, not by ${this.builderName}`,
          next.number,
        );
      } else if (window) this.log.drop(bundle, 'timestamp-window', window, next.number);
      else live.push(bundle);
    }
    const privateTxs = this.store.privateFor(next.number);
    for (const bundle of privateTxs.expired) {
      this.log.drop(
        bundle,
        'target-block-passed',
        `private transaction: maxBlockNumber passed before block ${next.number}`,
        next.number,
      );
    }
    // Private transactions wait, unlogged, through blocks other builders build.
    if (!elsewhere) {
      for (const bundle of privateTxs.due) {
        const hash = bundle.txs[0]?.hash;
        if (hash && (await this.provider.send('eth_getTransactionReceipt', [hash])) !== null) {
          this.store.forgetPrivate(bundle.bundleHash);
        } else live.push(bundle);
      }
    }
    if (live.length === 0) return;

    const parent = await readParentBlock(this.provider, 'latest');
    const block: SimulatedBlock = {
      stateBlock: parent.number,
      number: next.number,
      timestampSec: next.timestampSec,
      baseFeeWei: parent.childBaseFeeWei,
      coinbase: parent.coinbase,
      gasLimit: parent.gasLimit,
    };
    let round: Round;
    try {
      this.cache = { stateBlock: parent.number, nonces: new Map(), publicTxs: new Map() };
      const nonces = await this.chainNonces(live);
      const { scored, drops } = await this.auction(live, block, nonces);
      round = await this.build(scored, block, nonces);
      round.drops.unshift(...drops);
    } catch (err) {
      // Take back whatever is in the pool before reporting: a half-built block must not be mined.
      await this.pool.remove([...this.inFlight]);
      this.inFlight.clear();
      const message = err instanceof Error ? err.message : String(err);
      this.log.error(`block ${next.number}: ${message}`);
      for (const bundle of live) this.log.drop(bundle, 'relay-error', message, next.number);
      return;
    }
    this.inFlight.clear();
    for (const drop of round.drops) this.log.drop(drop.bundle, drop.reason, drop.detail, next.number);
    if (round.accepted.length === 0 || !round.check) return;
    const outcomes = round.check.outcomes;
    const bundles: PlacedBundle[] = round.accepted.map(({ bundle }) => {
      const mine = bundle.txs.map((tx) => outcomes.get(tx.hash));
      const gas = mine.reduce((sum, o) => sum + (o?.gasUsed ?? 0n), 0n);
      const paid = mine.reduce((sum, o) => sum + (o?.coinbaseDiffWei ?? 0n), 0n);
      return {
        ...identity(bundle),
        status: 'pending',
        revertingTxHashes: [...bundle.revertingTxHashes],
        simulatedGasUsed: gas.toString(),
        gasUsed: null,
        effectivePriorityFeeWei: (gas > 0n ? paid / gas : 0n).toString(),
        firstTxIndex: null,
      };
    });
    this.log.placed({
      blockNumber: next.number,
      timestampSec: next.timestampSec,
      parentHash: parent.hash,
      bundles,
    });
    this.lastRound = { blockNumber: next.number, bundles: round.accepted.map((a) => a.bundle) };
  }

  /**
   * Audits what was placed, and makes sure nothing of an earlier placement can still land late: when the
   * producer failed to mine the block (or the chain was rewound below it), its bundles are taken back out
   * of the pool and queued again, so they compete for the block now being built if they still target it;
   * and a transaction the node left in the pool after mining the block (never expected) is removed.
   */
  private async settlePrevious(next: NextBlock): Promise<void> {
    await this.log.audit(this.provider);
    const last = this.lastRound;
    this.lastRound = null;
    if (!last) return;
    const hashes = last.bundles.flatMap((b) => b.txs.map((tx) => tx.hash));
    if (last.blockNumber >= next.number) {
      await this.pool.remove(hashes);
      this.log.withdraw(
        last.blockNumber,
        `block ${last.blockNumber} was not mined after the relay placed it; taken back out of the pool and queued again`,
      );
      this.store.restore(last.bundles);
      return;
    }
    const wanted = new Set(hashes);
    const left = (await this.pool.content()).filter((entry) => wanted.has(entry.hash)).map((e) => e.hash);
    if (left.length > 0) {
      await this.pool.remove(left);
      this.log.error(
        `block ${last.blockNumber}: ${left.join(', ')} stayed in the pool after the block was mined; removed`,
      );
    }
  }

  /** Takes the last placement's transactions back if its block has not been mined (for `Relay.clear`). */
  async reset(): Promise<void> {
    const last = this.lastRound;
    this.lastRound = null;
    if (!last) return;
    const hashes = new Set(last.bundles.flatMap((b) => b.txs.map((tx) => tx.hash)));
    const left = (await this.pool.content()).filter((entry) => hashes.has(entry.hash)).map((e) => e.hash);
    await this.pool.remove(left);
  }

  private async chainNonces(bundles: readonly Bundle[]): Promise<Map<string, number>> {
    const nonces = new Map<string, number>();
    for (const tx of bundles.flatMap((b) => b.txs)) nonces.set(tx.from, await this.nonceOf(tx.from));
    return nonces;
  }

  private async nonceOf(address: string): Promise<number> {
    let nonce = this.cache.nonces.get(address);
    if (nonce === undefined) {
      nonce = Number(
        await this.provider.send('eth_getTransactionCount', [address, toQuantity(this.cache.stateBlock)]),
      );
      this.cache.nonces.set(address, nonce);
    }
    return nonce;
  }

  private async publicTx(hash: string): Promise<SimTx> {
    let tx = this.cache.publicTxs.get(hash);
    if (!tx) {
      tx = await this.pool.publicTx(hash);
      this.cache.publicTxs.set(hash, tx);
    }
    return tx;
  }

  /** Step 1: each bundle alone at the top of the block; the survivors ranked by what they pay per gas. */
  private async auction(
    bundles: readonly Bundle[],
    block: SimulatedBlock,
    chainNonces: ReadonlyMap<string, number>,
  ): Promise<{ scored: Scored[]; drops: Drop[] }> {
    const scored: Scored[] = [];
    const drops: Drop[] = [];
    for (const bundle of bundles) {
      // A bundle that continues another bundle's nonces is judged as if that one had run first.
      const nonceFrom = new Map<string, number>();
      for (const tx of bundle.txs) {
        if (!nonceFrom.has(tx.from))
          nonceFrom.set(tx.from, Math.max(tx.nonce, chainNonces.get(tx.from) ?? 0));
      }
      const result = await simulateSequence(this.provider, bundle.txs, block, { nonceFrom });
      if (!result.ok) {
        const { hash, kind, reason } = result.invalid;
        drops.push({ bundle, reason: invalidReason(kind), detail: `${hash}: ${reason}` });
        continue;
      }
      const reverted = result.outcomes.find((o) => !o.success && !bundle.revertingTxHashes.has(o.hash));
      if (reverted) {
        drops.push({
          bundle,
          reason: 'reverted',
          detail: `${describeFailure(reverted)} at the top of block ${block.number}`,
        });
        continue;
      }
      const gas = result.outcomes.reduce((sum, o) => sum + o.gasUsed, 0n);
      const paid = result.outcomes.reduce((sum, o) => sum + o.coinbaseDiffWei, 0n);
      scored.push({ bundle, feePerGasWei: gas > 0n ? paid / gas : 0n });
    }
    scored.sort((a, b) =>
      a.feePerGasWei === b.feePerGasWei
        ? a.bundle.seq - b.bundle.seq
        : a.feePerGasWei > b.feePerGasWei
          ? -1
          : 1,
    );
    return { scored, drops };
  }

  /** Steps 2 and 3. */
  private async build(
    scored: readonly Scored[],
    block: SimulatedBlock,
    chainNonces: ReadonlyMap<string, number>,
  ): Promise<Round> {
    for (let attempt = 1; ; attempt++) {
      const round = await this.fill(scored, block, chainNonces);
      if (round.accepted.length === 0 || !round.check) return round;
      const placed = round.accepted.map((a) => a.bundle);
      const order = await this.pool.nextBlockOrder();
      if (sameOrder(order, round.check.order)) return round;
      const again = await this.checkBlock(placed, block);
      if (again.ok) return { ...round, check: again };
      await this.pool.remove(placed.flatMap((b) => b.txs.map((tx) => tx.hash)));
      for (const bundle of placed) for (const tx of bundle.txs) this.inFlight.delete(tx.hash);
      if (attempt === MAX_ATTEMPTS) {
        const detail = `public transactions kept arriving while block ${block.number} was checked (${MAX_ATTEMPTS} attempts); last: ${again.detail}`;
        return {
          accepted: [],
          check: null,
          drops: [
            ...round.drops,
            ...placed.map((bundle) => ({ bundle, reason: 'mempool-unstable' as const, detail })),
          ],
        };
      }
    }
  }

  private async fill(
    scored: readonly Scored[],
    block: SimulatedBlock,
    chainNonces: ReadonlyMap<string, number>,
  ): Promise<Round> {
    const accepted: Scored[] = [];
    const drops: Drop[] = [];
    let check: CheckedOk | null = null;
    const nextNonce = new Map(chainNonces);
    const takenBy = new Map<string, string>();
    const remaining = [...scored];
    for (;;) {
      const index = remaining.findIndex((c) => nonceState(c.bundle, nextNonce).state !== 'ahead');
      if (index < 0) break;
      const [candidate] = remaining.splice(index, 1);
      if (!candidate) break;
      const { bundle } = candidate;
      const withdrawn = this.store.withdrawn(bundle);
      if (withdrawn) {
        drops.push({
          bundle,
          reason: withdrawn,
          detail: `${withdrawn} while block ${block.number} was being built`,
        });
        continue;
      }
      const nonce = nonceState(bundle, nextNonce);
      if (nonce.state === 'low') {
        const owner = takenBy.get(`${nonce.from}/${nonce.nonce}`);
        drops.push({
          bundle,
          reason: 'conflict',
          detail: `nonce ${nonce.nonce} of ${nonce.from} is taken by bundle ${owner ?? '(unknown)'}, which pays more per gas`,
        });
        continue;
      }
      const tried = await this.tryPlace(
        bundle,
        accepted.map((a) => a.bundle),
        block,
      );
      if (!tried.ok) {
        drops.push(tried.drop);
        continue;
      }
      accepted.push(candidate);
      check = tried.check;
      for (const tx of bundle.txs) {
        nextNonce.set(tx.from, tx.nonce + 1);
        takenBy.set(`${tx.from}/${tx.nonce}`, bundle.bundleHash);
      }
    }
    for (const { bundle } of remaining) {
      const gap = nonceState(bundle, nextNonce);
      drops.push({
        bundle,
        reason: 'nonce-gap',
        detail: `${gap.from} is at nonce ${nextNonce.get(gap.from)} in this block and the bundle starts at ${gap.nonce}; no bundle in the block fills the gap`,
      });
    }
    return { accepted, drops, check };
  }

  private async tryPlace(
    bundle: Bundle,
    placed: readonly Bundle[],
    block: SimulatedBlock,
  ): Promise<{ ok: true; check: CheckedOk } | { ok: false; drop: Drop }> {
    const senders = new Set(bundle.txs.map((tx) => tx.from));
    const foreign = (await this.pool.content()).filter(
      (e) => senders.has(e.from) && !this.inFlight.has(e.hash),
    );
    const first = foreign[0];
    if (first) {
      return {
        ok: false,
        drop: {
          bundle,
          reason: 'conflict',
          detail: `${first.from} has public transaction(s) in the pool (nonce ${foreign
            .filter((e) => e.from === first.from)
            .map((e) => e.nonce)
            .join(', ')}); a bundle cannot share a sender's nonces with them`,
        },
      };
    }
    const hashes = bundle.txs.map((tx) => tx.hash);
    let check = await this.handOver(bundle, placed, block);
    if ('drop' in check) return { ok: false, drop: check.drop };
    if (!check.ok && check.reason === 'ordering' && check.culprit === bundle) {
      // A public transaction that arrived between two of the bundle's transactions splits a bundle whose
      // fees are equal (anvil breaks fee ties by arrival); handed over again, they arrive after it, together.
      await this.takeBack(hashes);
      check = await this.handOver(bundle, placed, block);
      if ('drop' in check) return { ok: false, drop: check.drop };
    }
    if (check.ok) return { ok: true, check };
    await this.takeBack(hashes);
    if (check.culprit === bundle || check.culprit === null) {
      return { ok: false, drop: { bundle, reason: check.reason, detail: check.detail } };
    }
    return {
      ok: false,
      drop: {
        bundle,
        reason: 'conflict',
        detail: `placing it would break bundle ${check.culprit.bundleHash}, which pays more per gas: ${check.detail}`,
      },
    };
  }

  /** Gives the bundle's transactions to the pool, in order, and checks the block with it. */
  private async handOver(
    bundle: Bundle,
    placed: readonly Bundle[],
    block: SimulatedBlock,
  ): Promise<BlockCheck | { drop: Drop }> {
    const submitted: string[] = [];
    for (const tx of bundle.txs) {
      const added = await this.pool.add(tx.raw);
      if (!added.ok) {
        await this.takeBack(submitted);
        return { drop: { bundle, reason: 'rejected-by-node', detail: `${tx.hash}: ${added.message}` } };
      }
      submitted.push(tx.hash);
      this.inFlight.add(tx.hash);
    }
    return this.checkBlock([...placed, bundle], block);
  }

  private async takeBack(hashes: readonly string[]): Promise<void> {
    await this.pool.remove(hashes);
    for (const hash of hashes) this.inFlight.delete(hash);
  }

  /** Reads the block anvil would mine now and holds every placed bundle to its promise in it. */
  private async checkBlock(bundles: readonly Bundle[], block: SimulatedBlock): Promise<BlockCheck> {
    const order = await this.pool.nextBlockOrder();
    const position = new Map(order.map((hash, i) => [hash, i]));
    let last = -1;
    for (const bundle of bundles) {
      const at = bundle.txs.map((tx) => position.get(tx.hash));
      const left = bundle.txs.filter((_, i) => at[i] === undefined).map((tx) => tx.hash);
      if (left.length > 0) {
        return {
          ok: false,
          culprit: bundle,
          reason: 'invalid',
          detail: `anvil would leave ${left.join(', ')} out of block ${block.number}`,
        };
      }
      const indices = at as number[];
      if (indices.some((p, i) => i > 0 && p !== (indices[i - 1] ?? -2) + 1)) {
        return {
          ok: false,
          culprit: bundle,
          reason: 'ordering',
          detail: `anvil orders its pool by max fee per gas and would put the bundle's transactions at block positions ${indices.join(', ')}, not together and in order`,
        };
      }
      last = Math.max(last, ...indices);
    }
    const ours = new Map(bundles.flatMap((b) => b.txs.map((tx) => [tx.hash, tx] as const)));
    const prefix = order.slice(0, last + 1);
    const txs: SimTx[] = [];
    for (const hash of prefix) txs.push(ours.get(hash) ?? (await this.publicTx(hash)));
    const nonceFrom = new Map<string, number>();
    for (const tx of txs) nonceFrom.set(tx.from, await this.nonceOf(tx.from));
    const result = await simulateSequence(this.provider, txs, block, { nonceFrom });
    if (!result.ok) {
      const { hash, kind, reason } = result.invalid;
      const owner = bundles.find((b) => b.txs.some((tx) => tx.hash === hash)) ?? null;
      const detail = owner
        ? `${hash}: ${reason}`
        : `public transaction ${hash} ahead of it in the block: ${reason}`;
      return { ok: false, culprit: owner, reason: invalidReason(kind), detail };
    }
    const outcomes = new Map(result.outcomes.map((o) => [o.hash, o]));
    for (const bundle of bundles) {
      for (const tx of bundle.txs) {
        const outcome = outcomes.get(tx.hash);
        if (outcome && !outcome.success && !bundle.revertingTxHashes.has(tx.hash)) {
          return {
            ok: false,
            culprit: bundle,
            reason: 'reverted',
            detail: `${describeFailure(outcome)} at block position ${position.get(tx.hash)}, behind what anvil puts ahead of it`,
          };
        }
      }
    }
    return { ok: true, order, outcomes };
  }
}

function outsideWindow(bundle: Bundle, timestampSec: number): string | null {
  if (bundle.minTimestampSec !== null && timestampSec < bundle.minTimestampSec) {
    return `block ${bundle.blockNumber} has timestamp ${timestampSec}, before minTimestamp ${bundle.minTimestampSec}`;
  }
  if (bundle.maxTimestampSec !== null && timestampSec > bundle.maxTimestampSec) {
    return `block ${bundle.blockNumber} has timestamp ${timestampSec}, after maxTimestamp ${bundle.maxTimestampSec}`;
  }
  return null;
}

/** Where a bundle's nonces stand against the senders' next nonces in the block being built. */
function nonceState(
  bundle: Bundle,
  nextNonce: ReadonlyMap<string, number>,
): { state: 'ok' | 'low' | 'ahead'; from: string; nonce: number } {
  const local = new Map<string, number>();
  for (const tx of bundle.txs) {
    const expected = local.get(tx.from) ?? nextNonce.get(tx.from) ?? 0;
    if (tx.nonce < expected) return { state: 'low', from: tx.from, nonce: tx.nonce };
    if (tx.nonce > expected) return { state: 'ahead', from: tx.from, nonce: tx.nonce };
    local.set(tx.from, expected + 1);
  }
  const first = bundle.txs[0];
  return { state: 'ok', from: first?.from ?? '', nonce: first?.nonce ?? 0 };
}

function invalidReason(kind: InvalidKind): DropReason {
  return kind === 'unsupported' ? 'unsupported' : 'invalid';
}

function describeFailure(outcome: TxOutcome): string {
  return `${outcome.hash} failed (${outcome.error ?? 'failed'}${outcome.revert ? `: ${outcome.revert}` : ''})`;
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((hash, i) => hash === b[i]);
}
