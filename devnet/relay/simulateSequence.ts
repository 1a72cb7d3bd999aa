import { AbiCoder, dataSlice, getAddress, toQuantity, type JsonRpcProvider } from 'ethers';
import { tipPerGas, type SimTx } from './SimTx.js';

/** The block a sequence of transactions is simulated in. */
export interface SimulatedBlock {
  /** Post-state of this block is where the sequence starts. */
  stateBlock: number;
  number: number;
  timestampSec: number;
  baseFeeWei: bigint;
  coinbase: string;
  gasLimit: bigint;
}

/** One transaction's result, with what it paid the fee recipient split as Flashbots reports it. */
export interface TxOutcome {
  hash: string;
  gasUsed: bigint;
  success: boolean;
  /** Return data on success, revert data when it reverted. */
  output: string;
  /** geth's wording: "execution reverted", or why execution halted. */
  error: string | null;
  /** The decoded `Error(string)` / `Panic(uint256)`, else the revert data as hex (null when there is none). */
  revert: string | null;
  tipPerGasWei: bigint;
  /** gasUsed × tip: what the fee recipient earns from gas. */
  gasFeesWei: bigint;
  /** Net ether moved to the fee recipient by the transaction itself (a "coinbase transfer"). */
  sentToCoinbaseWei: bigint;
  coinbaseDiffWei: bigint;
}

export type InvalidKind =
  'nonce-too-low' | 'nonce-too-high' | 'fee-cap' | 'block-gas' | 'unsupported' | 'rejected';

/** A transaction the node would refuse to execute at all (it would never be in a block, not even reverted). */
export interface InvalidTx {
  index: number;
  hash: string;
  kind: InvalidKind;
  /** geth's wording without its "err: " prefix, e.g. "nonce too low: address 0x…, tx: 4 state: 5". */
  reason: string;
}

export type SequenceResult = { ok: true; outcomes: TxOutcome[] } | { ok: false; invalid: InvalidTx };

interface SimulatedCall {
  status: string;
  gasUsed: string;
  returnData: string;
  logs?: { address: string; topics: string[]; data: string }[];
}

// eth_simulateV1 reports every ether transfer as an ERC-20-style Transfer log from this pseudo-address.
const TRANSFER_LOG_ADDRESS = '0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee';
const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const ERROR_STRING = '0x08c379a0';
const PANIC_UINT = '0x4e487b71';

/**
 * Runs transactions one after another on a block's state, as if they were the first transactions of the
 * next block, without changing the chain (anvil's eth_simulateV1 with block overrides). Anvil's simulation
 * checks balances but neither nonces nor the fee cap, so those are checked here, in order, as a block
 * builder does; a transaction that would be refused is reported with geth's message instead of a result.
 *
 * `nonceFrom` lets a sender start at a later nonce than its on-chain one: the relay scores a bundle whose
 * nonces follow another bundle's as if that bundle had already run.
 *
 * Limit: anvil cannot simulate a contract creation (it refuses a call without `to`), so a sequence with one
 * is reported as unsupported.
 */
export async function simulateSequence(
  provider: JsonRpcProvider,
  txs: readonly SimTx[],
  block: SimulatedBlock,
  options: { nonceFrom?: ReadonlyMap<string, number> } = {},
): Promise<SequenceResult> {
  const stateTag = toQuantity(block.stateBlock);
  const nonces = new Map<string, number>();
  for (const tx of txs) {
    if (nonces.has(tx.from)) continue;
    const override = options.nonceFrom?.get(tx.from);
    nonces.set(
      tx.from,
      override ?? Number(await provider.send('eth_getTransactionCount', [tx.from, stateTag])),
    );
  }
  const start = new Map(nonces);
  for (const [index, tx] of txs.entries()) {
    const invalid = precheck(tx, index, nonces, block.baseFeeWei);
    if (invalid) return { ok: false, invalid };
    nonces.set(tx.from, tx.nonce + 1);
  }

  const calls = await runCalls(provider, txs, block, start);
  if (!Array.isArray(calls)) {
    const culprit = await firstRefused(provider, txs, block, start);
    return {
      ok: false,
      invalid: culprit ?? { index: 0, hash: txs[0]?.hash ?? '', kind: 'rejected', reason: calls.message },
    };
  }
  const outcomes: TxOutcome[] = [];
  let cumulativeGas = 0n;
  for (const [index, tx] of txs.entries()) {
    const call = calls[index];
    if (!call) throw new Error(`eth_simulateV1 returned ${calls.length} results for ${txs.length} calls`);
    // anvil skips a transaction whose gas limit does not fit in what is left of the block.
    if (cumulativeGas + tx.gasLimit > block.gasLimit) {
      return {
        ok: false,
        invalid: {
          index,
          hash: tx.hash,
          kind: 'block-gas',
          reason: `gas limit reached: ${tx.gasLimit} does not fit in the block's remaining ${block.gasLimit - cumulativeGas}`,
        },
      };
    }
    const outcome = toOutcome(tx, call, block);
    cumulativeGas += outcome.gasUsed;
    outcomes.push(outcome);
  }
  return { ok: true, outcomes };
}

function precheck(
  tx: SimTx,
  index: number,
  nonces: Map<string, number>,
  baseFeeWei: bigint,
): InvalidTx | undefined {
  const state = nonces.get(tx.from) ?? 0;
  const at = { index, hash: tx.hash };
  if (tx.to === null) {
    return {
      ...at,
      kind: 'unsupported',
      reason: 'contract creation cannot be simulated on the devnet (anvil refuses a call without "to")',
    };
  }
  if (tx.nonce < state) {
    return {
      ...at,
      kind: 'nonce-too-low',
      reason: `nonce too low: address ${tx.from}, tx: ${tx.nonce} state: ${state}`,
    };
  }
  if (tx.nonce > state) {
    return {
      ...at,
      kind: 'nonce-too-high',
      reason: `nonce too high: address ${tx.from}, tx: ${tx.nonce} state: ${state}`,
    };
  }
  if (tx.maxPriorityFeePerGas > tx.maxFeePerGas) {
    return {
      ...at,
      kind: 'fee-cap',
      reason: `max priority fee per gas higher than max fee per gas: address ${tx.from}, maxPriorityFeePerGas: ${tx.maxPriorityFeePerGas}, maxFeePerGas: ${tx.maxFeePerGas}`,
    };
  }
  if (tx.maxFeePerGas < baseFeeWei) {
    return {
      ...at,
      kind: 'fee-cap',
      reason: `max fee per gas less than block base fee: address ${tx.from}, maxFeePerGas: ${tx.maxFeePerGas}, baseFee: ${baseFeeWei}`,
    };
  }
  return undefined;
}

function toCall(tx: SimTx): Record<string, unknown> {
  const call: Record<string, unknown> = {
    from: tx.from,
    to: tx.to,
    nonce: toQuantity(tx.nonce),
    gas: toQuantity(tx.gasLimit),
    value: toQuantity(tx.value),
    input: tx.data,
  };
  if (tx.type >= 2) {
    call.maxFeePerGas = toQuantity(tx.maxFeePerGas);
    call.maxPriorityFeePerGas = toQuantity(tx.maxPriorityFeePerGas);
  } else {
    call.gasPrice = toQuantity(tx.maxFeePerGas);
  }
  if (tx.accessList) call.accessList = tx.accessList;
  return call;
}

/** The simulated calls, or the node's error when it refused the whole request. */
async function runCalls(
  provider: JsonRpcProvider,
  txs: readonly SimTx[],
  block: SimulatedBlock,
  nonces: ReadonlyMap<string, number>,
): Promise<SimulatedCall[] | { message: string }> {
  const stateOverrides = Object.fromEntries(
    [...nonces].map(([address, nonce]) => [address, { nonce: toQuantity(nonce) }]),
  );
  const request = {
    blockStateCalls: [
      {
        blockOverrides: {
          number: toQuantity(block.number),
          time: toQuantity(block.timestampSec),
          baseFeePerGas: toQuantity(block.baseFeeWei),
          feeRecipient: block.coinbase,
          gasLimit: toQuantity(block.gasLimit),
        },
        stateOverrides,
        calls: txs.map(toCall),
      },
    ],
    validation: true,
    traceTransfers: true,
  };
  try {
    const blocks = (await provider.send('eth_simulateV1', [request, toQuantity(block.stateBlock)])) as {
      calls: SimulatedCall[];
    }[];
    return blocks[0]?.calls ?? [];
  } catch (err) {
    const rpc = (err as { error?: { code?: number; message?: string } }).error;
    // Only the node's refusal of a transaction (insufficient funds, intrinsic gas, …) is an answer; anything
    // else (the node is gone, a malformed request) is a fault of the relay and is thrown.
    if (rpc?.message === undefined || rpc.code === -32601) throw err;
    return { message: rpc.message };
  }
}

/** The first transaction whose prefix the node refuses: the one it would not execute. */
async function firstRefused(
  provider: JsonRpcProvider,
  txs: readonly SimTx[],
  block: SimulatedBlock,
  nonces: ReadonlyMap<string, number>,
): Promise<InvalidTx | undefined> {
  let lo = 1;
  let hi = txs.length;
  let message: string | undefined;
  // Refusal is monotone in the prefix length: once a refused transaction is in, every longer prefix fails.
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const answer = await runCalls(provider, txs.slice(0, mid), block, nonces);
    if (Array.isArray(answer)) lo = mid + 1;
    else {
      hi = mid;
      message = answer.message;
    }
  }
  const tx = txs[lo - 1];
  if (!tx) return undefined;
  if (message === undefined) {
    const answer = await runCalls(provider, txs.slice(0, lo), block, nonces);
    if (Array.isArray(answer)) return undefined;
    message = answer.message;
  }
  const text = message.charAt(0).toLowerCase() + message.slice(1);
  return { index: lo - 1, hash: tx.hash, kind: 'rejected', reason: `${text}: address ${tx.from}` };
}

function toOutcome(tx: SimTx, call: SimulatedCall, block: SimulatedBlock): TxOutcome {
  const gasUsed = BigInt(call.gasUsed);
  const success = call.status === '0x1';
  const tip = tipPerGas(tx, block.baseFeeWei);
  const coinbase = block.coinbase.toLowerCase();
  let sent = 0n;
  for (const log of call.logs ?? []) {
    if (log.address.toLowerCase() !== TRANSFER_LOG_ADDRESS || log.topics[0] !== TRANSFER_TOPIC) continue;
    const from = topicAddress(log.topics[1]);
    const to = topicAddress(log.topics[2]);
    const amount = BigInt(log.data);
    if (to === coinbase) sent += amount;
    if (from === coinbase) sent -= amount;
  }
  let error: string | null = null;
  let revert: string | null = null;
  if (!success) {
    // anvil answers every failure with the same "execution failed"; a REVERT hands back unused gas, a halt
    // (out of gas, invalid opcode) burns all of it.
    error = gasUsed < tx.gasLimit ? 'execution reverted' : 'out of gas or invalid opcode: all gas used';
    revert = decodeRevert(call.returnData);
  }
  const gasFees = gasUsed * tip;
  return {
    hash: tx.hash,
    gasUsed,
    success,
    output: call.returnData,
    error,
    revert,
    tipPerGasWei: tip,
    gasFeesWei: gasFees,
    sentToCoinbaseWei: sent,
    coinbaseDiffWei: gasFees + sent,
  };
}

function topicAddress(topic: string | undefined): string {
  return topic ? getAddress(dataSlice(topic, 12)).toLowerCase() : '';
}

function decodeRevert(data: string): string | null {
  if (data === '0x' || data === '') return null;
  const coder = AbiCoder.defaultAbiCoder();
  try {
    if (data.startsWith(ERROR_STRING)) return coder.decode(['string'], dataSlice(data, 4))[0] as string;
    if (data.startsWith(PANIC_UINT)) {
      const code = coder.decode(['uint256'], dataSlice(data, 4))[0] as bigint;
      return `panic: 0x${code.toString(16).padStart(2, '0')}`;
    }
    return data;
  } catch {
    // A selector followed by malformed data: the bytes themselves are the most honest answer.
    return data;
  }
}
