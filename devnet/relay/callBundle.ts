import type { JsonRpcProvider } from 'ethers';
import type { BlockProducer } from '../chain/BlockProducer.js';
import { bundleHashOf } from './Bundle.js';
import { JsonRpcError, RPC_ERROR } from './JsonRpcError.js';
import type { CallBundleRequest } from './parseCallBundle.js';
import { readParentBlock } from './readParentBlock.js';
import { simulateSequence, type TxOutcome } from './simulateSequence.js';

/** One transaction's entry in eth_callBundle's `results`, as Flashbots (mev-geth) writes it. */
export interface CallBundleTxResult {
  txHash: string;
  gasUsed: number;
  /** The priority fee per gas the fee recipient gets (decimal wei), not the full gas price. */
  gasPrice: string;
  gasFees: string;
  fromAddress: string;
  /** "0x" for a contract creation, as mev-geth writes it. */
  toAddress: string;
  coinbaseDiff: string;
  ethSentToCoinbase: string;
  /** Return data (hex) when the transaction succeeded. */
  value?: string;
  /** "execution reverted" (or why execution halted) when it failed, with the revert reason. */
  error?: string;
  revert?: string;
}

/**
 * eth_callBundle's result. Wei amounts are decimal strings and gas and block numbers are JSON numbers,
 * exactly as Flashbots answers: `FlashbotsBundleProvider.simulate` parses the amounts with `BigInt` and adds
 * up `gasUsed` as numbers.
 */
export interface CallBundleResult {
  bundleGasPrice: string;
  bundleHash: string;
  coinbaseDiff: string;
  ethSentToCoinbase: string;
  gasFees: string;
  results: CallBundleTxResult[];
  stateBlockNumber: number;
  totalGasUsed: number;
}

/**
 * Simulates a bundle on a block's state as block `blockNumber` at `timestamp`, without changing the chain.
 * Without a timestamp the simulated block gets the timestamp the devnet's producer will give the block after
 * the state block when that is the next block to be mined (what a keeper simulating for H+1 on H wants), else
 * the state block's plus the producer's block interval. The base fee is the one the node will charge the
 * state block's child; the fee recipient is the state block's unless `coinbase` is given.
 * A transaction the node would refuse fails the whole call with mev-geth's "err: …; txhash …" message
 * (FlashbotsBundleProvider recognizes "err: nonce too low:" by that prefix); a revert is reported in the
 * transaction's result and the call succeeds.
 */
export async function callBundle(
  provider: JsonRpcProvider,
  producer: BlockProducer,
  request: CallBundleRequest,
): Promise<CallBundleResult> {
  let parent;
  try {
    parent = await readParentBlock(provider, request.stateBlock);
  } catch (cause) {
    throw new JsonRpcError(RPC_ERROR.server, `state block ${request.stateBlock} not found`, { cause });
  }
  let timestampSec = request.timestampSec;
  if (timestampSec === undefined) {
    const next = await producer.next();
    timestampSec =
      next.number === parent.number + 1 ? next.timestampSec : parent.timestampSec + producer.secondsPerBlock;
  }
  const result = await simulateSequence(provider, request.txs, {
    stateBlock: parent.number,
    number: request.blockNumber,
    timestampSec,
    baseFeeWei: parent.childBaseFeeWei,
    coinbase: request.coinbase ?? parent.coinbase,
    gasLimit: parent.gasLimit,
  });
  if (!result.ok) {
    throw new JsonRpcError(RPC_ERROR.server, `err: ${result.invalid.reason}; txhash ${result.invalid.hash}`);
  }
  const results = result.outcomes.map((outcome, i) =>
    txResult(outcome, request.txs[i]?.from ?? '', request.txs[i]?.to ?? null),
  );
  const sum = (pick: (o: TxOutcome) => bigint): bigint =>
    result.outcomes.reduce((acc, o) => acc + pick(o), 0n);
  const totalGas = sum((o) => o.gasUsed);
  const coinbaseDiff = sum((o) => o.coinbaseDiffWei);
  return {
    bundleGasPrice: (totalGas > 0n ? coinbaseDiff / totalGas : 0n).toString(),
    bundleHash: bundleHashOf(request.txs.map((tx) => tx.hash)),
    coinbaseDiff: coinbaseDiff.toString(),
    ethSentToCoinbase: sum((o) => o.sentToCoinbaseWei).toString(),
    gasFees: sum((o) => o.gasFeesWei).toString(),
    results,
    stateBlockNumber: parent.number,
    totalGasUsed: Number(totalGas),
  };
}

function txResult(outcome: TxOutcome, from: string, to: string | null): CallBundleTxResult {
  const entry: CallBundleTxResult = {
    txHash: outcome.hash,
    gasUsed: Number(outcome.gasUsed),
    gasPrice: outcome.tipPerGasWei.toString(),
    gasFees: outcome.gasFeesWei.toString(),
    fromAddress: from,
    toAddress: to ?? '0x',
    coinbaseDiff: outcome.coinbaseDiffWei.toString(),
    ethSentToCoinbase: outcome.sentToCoinbaseWei.toString(),
  };
  if (outcome.success) entry.value = outcome.output;
  else {
    entry.error = outcome.error ?? 'execution failed';
    if (outcome.revert !== null) entry.revert = outcome.revert;
  }
  return entry;
}
