import type { Logger } from 'pino';
import type { RpcClient } from '../chain/RpcClient.js';
import type { ActionKind, InFlightAction, Plan, PlannedAction } from '../decision/types.js';
import { KeeperError, formatErrorChain } from '../errors/KeeperError.js';
import type { BlockRef } from '../ingest/SubgraphMirror.js';
import type { Address, PositionState } from '../model/types.js';
import { nextBaseFee } from '../run/predictFees.js';
import { assignSenders } from './assignSenders.js';
import type { BundleRelay, PrivateTxSender } from './BundleRelay.js';
import type { BundleSimulator } from './BundleSimulator.js';
import { LocalSimulator } from './LocalSimulator.js';
import { classifyOutcome, takenBy, type ClassifiedOutcome } from './classifyOutcome.js';
import { droppedAction } from './droppedAction.js';
import type { ExecutionSettings } from './executionSettings.js';
import { findReceipt } from './findReceipt.js';
import { GasLedger } from './GasLedger.js';
import { KeyRing, type TxSigner } from './KeyRing.js';
import { NonceManager } from './NonceManager.js';
import { BundleSubmitter } from './BundleSubmitter.js';
import { OneByOneSubmitter } from './OneByOneSubmitter.js';
import type { Submitter } from './Submitter.js';
import { SubmissionBook, type Submission } from './SubmissionBook.js';
import type { ActionOutcome, BlockContext, ExecutionReport, SubmissionMode } from './types.js';

export type { TxSigner } from './KeyRing.js';

export interface ExecutorDeps {
  chainId: number;
  marginModule: Address;
  /** Raw JSON-RPC with failover: nonces, receipts, the head block, eth_call, eth_sendRawTransaction. */
  rpc: Pick<RpcClient, 'send'>;
  /** Our liquidator keys; the first is the primary. */
  signers: readonly TxSigner[];
  relays: readonly BundleRelay[];
  /** How bundles are simulated before sending; default local (our RPC), which costs no relay reputation. */
  simulator?: BundleSimulator;
  privateRpc: PrivateTxSender | null;
  settings: ExecutionSettings;
  /** The decision's view of our submissions (KeeperCore.inFlight): written here, read there. */
  inFlight: Map<bigint, InFlightAction>;
  /** The indexed position (the mirror), to tell a step someone else took from one that did not land. */
  positionOf: (positionId: bigint) => PositionState | undefined;
  /** Gas per position, shared with the decision (KeeperCore.ledger); a private one when not given. */
  ledger?: GasLedger;
  /**
   * The submission modes in fallback order; by default built from `settings.mode` and `settings.fallback`
   * over `relays` and `privateRpc`. Given, for tests, to put fakes in their place.
   */
  submitters?: (parts: SubmitterParts) => Submitter[];
  log: Logger;
}

/** What the executor shares with its submitters: they record in its book and take nonces from its manager. */
export interface SubmitterParts {
  keys: KeyRing;
  book: SubmissionBook;
  nonces: NonceManager;
  simulator: BundleSimulator;
}

/** Running totals since start, for the summary line and the "no gas lost" check. */
export interface ExecutionTotals {
  sent: number;
  included: number;
  reverted: number;
  beaten: number;
  dropped: number;
  cancelled: number;
  /** Gas paid by every transaction of ours that landed (cancellations included). */
  gasSpentWei: bigint;
  /** Gas paid by transactions of ours that landed and reverted. Bundles should keep this at 0. */
  gasLostWei: bigint;
  /** Gas paid on positions whose reward we have not earned (freezes whose completion never landed …). */
  wastedGasWei: bigint;
  /** Rewards of our completions that landed, in ETH wei at the pool price the plan valued them at. */
  rewardsWei: bigint;
}

interface RawBlock {
  baseFeePerGas?: string;
  gasUsed: string;
  gasLimit: string;
}

/**
 * Turns each block's plan into signed liquidation calls and hands them to its `Submitter`s in fallback order
 * (bundles to every relay and builder, a private RPC, the public mempool, as configured): what one leaves
 * unsent, its endpoints down or all refusing, goes to the next, and the report says which it took. Each block
 * it first settles earlier submissions from receipts and the indexed positions, clearing their in-flight
 * records, so the decision re-plans whatever did not land: that is how a bundle is resubmitted each block
 * until it lands or stops being worth it.
 */
export class Executor {
  readonly totals: ExecutionTotals = {
    sent: 0,
    included: 0,
    reverted: 0,
    beaten: 0,
    dropped: 0,
    cancelled: 0,
    gasSpentWei: 0n,
    gasLostWei: 0n,
    wastedGasWei: 0n,
    rewardsWei: 0n,
  };
  readonly ledger: GasLedger;
  private readonly keys: KeyRing;
  private readonly book: SubmissionBook;
  private readonly nonces = new NonceManager();
  private readonly simulator: BundleSimulator;
  /** The configured mode first, then its fallbacks in order. */
  private readonly submitters: readonly Submitter[];
  /**
   * The modes last found passing a block on (their endpoints down, or all refusing) and why, so an outage is
   * logged once and its end too.
   */
  private readonly passing = new Map<SubmissionMode, 'down' | 'refused'>();

  constructor(private readonly deps: ExecutorDeps) {
    this.keys = new KeyRing(deps.signers);
    this.book = new SubmissionBook(deps.inFlight);
    this.ledger = deps.ledger ?? new GasLedger();
    this.simulator = deps.simulator ?? new LocalSimulator(deps.rpc);
    const parts = { keys: this.keys, book: this.book, nonces: this.nonces, simulator: this.simulator };
    this.submitters = (deps.submitters ?? defaultSubmitters(deps))(parts);
  }

  /** Our keys' addresses, primary first: the decision's `ourAddresses`. */
  get addresses(): [Address, ...Address[]] {
    return this.keys.addresses;
  }

  /** Submissions that may still land. */
  get pendingCount(): number {
    return this.book.size;
  }

  /**
   * One head block: settle what earlier blocks sent, then send the plan for the next block. A null plan (the
   * keeper is not acting) only settles.
   */
  async onBlock(head: BlockRef, plan: Plan | null): Promise<ExecutionReport> {
    const headBlock = BigInt(head.number);
    const { outcomes, landedNow } = await this.settle(headBlock);
    const report: ExecutionReport = {
      headBlock,
      mode: null,
      sent: [],
      dropped: [],
      outcomes,
      fallback: null,
    };
    if (plan === null || plan.actions.length === 0) return report;

    // A plan from a mirror that lags the chain may still ask for a step of ours that has just landed.
    const fresh: PlannedAction[] = [];
    for (const action of plan.actions) {
      const landed = landedNow.get(action.positionId);
      if (landed !== undefined && sameStep(landed, action.kind)) {
        report.dropped.push(
          droppedAction(action, action.sender, `our ${landed} has just landed; the plan predates it`),
        );
      } else fresh.push(action);
    }
    const { bySender, dropped } = assignSenders(fresh, this.addresses);
    report.dropped.push(...dropped);
    const context = await this.blockContext(head, headBlock, plan);

    // Down the fallback list: each submitter gets what the ones before it passed on, never an action already
    // sent this block (so a submitter that both sent and passed on an action cannot have it sent twice).
    const sentNow = new Set<bigint>();
    let pending = bySender;
    for (const [i, submitter] of this.submitters.entries()) {
      if (pending.size === 0) break;
      report.mode = submitter.mode;
      const result = await submitter.submit(pending, context);
      for (const sent of result.sent) sentNow.add(sent.positionId);
      report.sent.push(...result.sent);
      report.dropped.push(...result.dropped);
      pending = withoutSent(result.unsent, sentNow);
      if (result.passOn === null) {
        const was = this.passing.get(submitter.mode);
        if (was !== undefined) {
          const again = was === 'down' ? 'reachable' : 'taking our submissions';
          this.deps.log.info({ mode: submitter.mode }, `${submitter.mode} endpoints ${again} again`);
          this.passing.delete(submitter.mode);
        }
        break;
      }
      const next = this.submitters[i + 1]?.mode ?? null;
      const what = describePassOn(submitter.mode, result.passOn.cause);
      report.fallback =
        next === null
          ? `${what} (${result.passOn.reason}): no fallback configured, not sending`
          : `${what} (${result.passOn.reason}) → falling back to ${next}`;
      const cause = result.passOn.cause;
      if (this.passing.get(submitter.mode) !== cause)
        this.deps.log.warn({ mode: submitter.mode, fallback: next }, report.fallback);
      this.passing.set(submitter.mode, cause);
      if (next === null) {
        for (const [sender, actions] of pending)
          for (const action of actions) report.dropped.push(droppedAction(action, sender, report.fallback));
      }
    }
    this.totals.sent += report.sent.length;
    return report;
  }

  private async blockContext(head: BlockRef, headBlock: bigint, plan: Plan): Promise<BlockContext> {
    const block = (await this.deps.rpc.send('eth_getBlockByHash', [head.hash, false])) as RawBlock | null;
    // A head the node no longer has was reorged away: fees and nonces from it would be guesses.
    if (block === null) throw new KeeperError(`block ${head.number} (${head.hash}) is no longer on chain`);
    const baseFee = nextBaseFee(
      BigInt(block.baseFeePerGas ?? 0),
      BigInt(block.gasUsed),
      BigInt(block.gasLimit),
    );
    const { settings, chainId, marginModule } = this.deps;
    return {
      head,
      headBlock,
      nextBlock: plan.blockNumber,
      nextTimestampSec: plan.timestampSec,
      bundle: {
        chainId,
        marginModule,
        nextBlock: plan.blockNumber,
        nextBaseFeePerGasWei: baseFee,
        targetBlocks: settings.targetBlocks,
        fees: settings.fees,
        gasLimitMarginBps: settings.gasLimitMarginBps,
        rewardReceiver: settings.rewardReceiver,
      },
    };
  }

  private async settle(
    headBlock: bigint,
  ): Promise<{ outcomes: ActionOutcome[]; landedNow: Map<bigint, ActionKind> }> {
    const outcomes: ActionOutcome[] = [];
    const landedNow = new Map<bigint, ActionKind>();
    const ours = new Set(this.addresses);
    const { log } = this.deps;
    for (const [id, submission] of this.book.entries()) {
      if (headBlock < submission.firstTargetBlock) continue;
      // Per-position boundary: a submission we cannot settle now stays in the book (still in flight for the
      // decision) and is tried again next block; the others settle.
      let classified: ClassifiedOutcome | null;
      try {
        classified = await this.classify(submission, headBlock, ours);
        if (classified !== null && submission.companionHashes.length > 0)
          classified = await this.withCompanions(submission, classified);
      } catch (err) {
        log.error(
          {
            positionId: submission.positionId.toString(),
            kind: submission.kind,
            error: formatErrorChain(err),
          },
          'cannot settle this submission this block; trying again next block',
        );
        continue;
      }
      if (classified === null) continue;
      this.book.settle(id);
      this.nonces.settle(submission.sender, submission.nonce);
      if (classified.outcome === 'included') landedNow.set(submission.positionId, submission.kind);
      if (classified.outcome === 'beaten' && headBlock < submission.lastTargetBlock)
        await this.submitterOf(submission)?.cancel(submission);
      this.count(classified);
      this.ledger.record(submission.positionId, submission.kind, classified.outcome, classified.gasCostWei);
      this.totals.wastedGasWei = this.ledger.wastedWei;
      const rewardWei =
        classified.outcome === 'included' && submission.kind === 'complete'
          ? (submission.rewardValueWei ?? 0n)
          : 0n;
      this.totals.rewardsWei += rewardWei;
      outcomes.push({
        positionId: submission.positionId,
        kind: submission.kind,
        sender: submission.sender,
        txHash: submission.txHashes[submission.txHashes.length - 1] ?? id,
        ...classified,
        sentAtBlock: submission.sentAtBlock,
        endpoints: submission.endpoints,
        ...(rewardWei > 0n ? { rewardWei } : {}),
      });
    }
    return { outcomes, landedNow };
  }

  /** What became of one submission, from its receipts and the indexed position; null while it may still land. */
  private async classify(
    submission: Submission,
    headBlock: bigint,
    ours: ReadonlySet<Address>,
  ): Promise<ClassifiedOutcome | null> {
    const found = await findReceipt(this.deps.rpc, [
      ...submission.txHashes,
      ...(submission.cancelHash ? [submission.cancelHash] : []),
    ]);
    const position = this.deps.positionOf(submission.positionId);
    if (found !== null && found.hash === submission.cancelHash) {
      const why = takenBy(submission.kind, position, ours) ?? 'no longer needed';
      return {
        outcome: 'cancelled',
        blockNumber: found.receipt.blockNumber,
        gasCostWei: found.receipt.gasUsed * found.receipt.effectiveGasPriceWei,
        detail: `replaced by a no-op in block ${found.receipt.blockNumber}: ${why}`,
      };
    }
    const receipt = found?.receipt ?? null;
    const submitter = this.submitterOf(submission);
    if (submitter === undefined) return classifyOutcome(submission, receipt, position, ours, headBlock);
    return submitter.settle({ submission, receipt, position, ours, headBlock });
  }

  private submitterOf(submission: Submission): Submitter | undefined {
    return this.submitters.find((s) => s.mode === submission.mode);
  }

  /**
   * The marginSwaps sent before a completion in its bundle: their gas is the completion's cost (a landed one that
   * reverted is gas lost too, which a whole-or-nothing bundle should never show).
   */
  private async withCompanions(
    submission: Submission,
    classified: ClassifiedOutcome,
  ): Promise<ClassifiedOutcome> {
    let gasCostWei = classified.gasCostWei;
    for (const hash of submission.companionHashes) {
      const found = await findReceipt(this.deps.rpc, [hash]);
      if (found === null) continue;
      const cost = found.receipt.gasUsed * found.receipt.effectiveGasPriceWei;
      gasCostWei += cost;
      if (found.receipt.status !== 1 && classified.outcome !== 'reverted') this.totals.gasLostWei += cost;
    }
    return { ...classified, gasCostWei };
  }

  private count(outcome: ClassifiedOutcome): void {
    this.totals[outcome.outcome] += 1;
    this.totals.gasSpentWei += outcome.gasCostWei;
    if (outcome.outcome === 'reverted') this.totals.gasLostWei += outcome.gasCostWei;
  }
}

function sameStep(landed: ActionKind, planned: ActionKind): boolean {
  const freezing = (kind: ActionKind) => kind === 'freeze' || kind === 'refreeze';
  return landed === planned || (freezing(landed) && freezing(planned));
}

/** The actions still to send, minus any already sent this block (by position: one step per position per block). */
function withoutSent(
  unsent: Map<Address, PlannedAction[]>,
  sentNow: ReadonlySet<bigint>,
): Map<Address, PlannedAction[]> {
  const rest = new Map<Address, PlannedAction[]>();
  for (const [sender, actions] of unsent) {
    const left = actions.filter((action) => !sentNow.has(action.positionId));
    if (left.length > 0) rest.set(sender, left);
  }
  return rest;
}

function describePassOn(mode: SubmissionMode, cause: 'down' | 'refused'): string {
  if (mode === 'bundle') return cause === 'down' ? 'relay is down' : 'every relay refused';
  return cause === 'down' ? `${mode} endpoint is down` : `${mode} endpoint refused`;
}

/** The configured modes, in order: bundles to `relays`, then the private RPC and the public mempool as listed. */
function defaultSubmitters(deps: ExecutorDeps): (parts: SubmitterParts) => Submitter[] {
  return ({ keys, book, nonces, simulator }) => {
    const { rpc, relays, privateRpc, settings, log } = deps;
    return [settings.mode, ...settings.fallback].map((mode) =>
      mode === 'bundle'
        ? new BundleSubmitter({ rpc, relays, simulator, keys, book, log })
        : new OneByOneSubmitter(mode, {
            rpc,
            privateRpc,
            keys,
            book,
            nonces,
            targetBlocks: settings.targetBlocks,
            settings,
            log,
          }),
    );
  };
}
