import { keccak256, toQuantity } from 'ethers';
import type { Logger } from 'pino';
import type { Address, PositionState } from '../model/types.js';
import { bumpFees } from './bumpFees.js';
import { takenBy, type ClassifiedOutcome } from './classifyOutcome.js';
import { SubmissionError } from './ExecutionError.js';
import type { ExecutionSettings } from './executionSettings.js';
import type { KeyRing } from './KeyRing.js';
import { nonceAt } from './nonceAt.js';
import { sendRaw, type OneByOneDeps } from './sendOneByOne.js';
import type { Submission, SubmissionBook } from './SubmissionBook.js';

const CANCEL_GAS = 21_000n;

export interface PublicTenderDeps extends Pick<OneByOneDeps, 'rpc' | 'privateRpc'> {
  keys: KeyRing;
  book: SubmissionBook;
  settings: ExecutionSettings;
  log: Logger;
}

/**
 * A public-mempool transaction with no receipt yet. Settled as dropped once its nonce is used by something we
 * do not track. When someone else took the step, replaced by a no-op to ourselves at higher fees: 21,000 gas,
 * less than a revert costs. When it has waited `bumpAfterBlocks`, replaced by itself at higher fees. Either
 * replacement, if refused, is tried again next block. Null while it stays pending.
 */
export async function tendPublicTx(
  deps: PublicTenderDeps,
  submission: Submission,
  position: PositionState | undefined,
  ours: ReadonlySet<Address>,
  headBlock: bigint,
): Promise<ClassifiedOutcome | null> {
  const used = await nonceAt(deps.rpc, submission.sender, toQuantity(headBlock));
  if (used > submission.nonce) {
    return {
      outcome: 'dropped',
      blockNumber: null,
      gasCostWei: 0n,
      detail: `nonce ${submission.nonce} used by another transaction`,
    };
  }
  const taken = takenBy(submission.kind, position, ours);
  const lastFees = submission.cancelFees ?? {
    maxFeePerGas: submission.request.maxFeePerGas,
    maxPriorityFeePerGas: submission.request.maxPriorityFeePerGas,
  };
  const { bumpBps, bumpAfterBlocks, fees } = deps.settings;
  const about = { positionId: submission.positionId.toString(), nonce: submission.nonce };
  try {
    if (taken !== null && submission.cancelHash === null) {
      const cancelFees = bumpFees(lastFees, bumpBps, fees.maxGasPriceWei);
      if (cancelFees === null) {
        deps.log.warn(about, `${taken}: cannot outbid our own pending transaction under the max gas price`);
      } else {
        const noOp = {
          ...submission.request,
          to: submission.sender,
          data: '0x',
          gasLimit: CANCEL_GAS,
          ...cancelFees,
        };
        const [raw] = await deps.keys.sign([noOp], submission.sender);
        await sendRaw(deps, 'public', raw as string, headBlock);
        submission.cancelHash = keccak256(raw as string);
        submission.cancelFees = cancelFees;
        deps.log.info(about, `${taken}: cancelling our ${submission.kind}`);
      }
    } else if (taken === null && headBlock - submission.lastSentBlock >= BigInt(bumpAfterBlocks)) {
      const bumped = bumpFees(lastFees, bumpBps, fees.maxGasPriceWei);
      if (bumped !== null) {
        const request = { ...submission.request, ...bumped };
        const [raw] = await deps.keys.sign([request], submission.sender);
        await sendRaw(deps, 'public', raw as string, headBlock);
        submission.request = request;
        submission.txHashes.push(keccak256(raw as string));
        submission.lastSentBlock = headBlock;
        deps.log.info(
          { ...about, maxFeePerGas: bumped.maxFeePerGas.toString() },
          `our ${submission.kind} is stuck: fees raised`,
        );
      }
    }
  } catch (err) {
    if (!(err instanceof SubmissionError)) throw err;
    deps.log.warn(about, err.message);
  }
  deps.book.extend(submission, headBlock + 2n);
  return null;
}
