import { AbiCoder, type EventFragment } from 'ethers';
import type { AscHeap } from './AscHeap.js';
import { hexToBytes } from './byteCodecs.js';
import { newBigInt } from './entityCodec.js';
import { ethValueFromAbi, newEthValue, type EthValue } from './ethValueCodec.js';
import type { RpcBlock, RpcLog, RpcTransaction } from './rpcTypes.js';

const coder = AbiCoder.defaultAbiCoder();

export interface EventParam {
  name: string;
  value: EthValue;
}

/**
 * A log's parameters in ABI order, as graph-node's ethabi decodes them. Indexed parameters of dynamic type
 * (string, bytes, arrays, tuples) only exist as their topic hash, which the mapping receives as bytes32.
 */
export function decodeEventParams(fragment: EventFragment, log: RpcLog): EventParam[] {
  const indexedCount = fragment.inputs.filter((input) => input.indexed).length;
  if (log.topics.length !== indexedCount + 1) {
    throw new RangeError(
      `log has ${log.topics.length} topics; ${fragment.format('sighash')} needs ${indexedCount + 1}`,
    );
  }
  const dataInputs = fragment.inputs.filter((input) => !input.indexed);
  const data = coder.decode(dataInputs, log.data);
  let topic = 1;
  let dataIndex = 0;
  return fragment.inputs.map((input) => {
    if (!input.indexed) return { name: input.name, value: ethValueFromAbi(input, data[dataIndex++]) };
    const word = log.topics[topic++] as string;
    const hashed =
      input.isArray() || input.isTuple() || input.baseType === 'string' || input.baseType === 'bytes';
    return {
      name: input.name,
      value: hashed
        ? { kind: 'fixedBytes', value: word.toLowerCase() }
        : ethValueFromAbi(input, coder.decode([input], word)[0]),
    };
  });
}

function quantity(hex: string | undefined | null): bigint {
  return hex === undefined || hex === null || hex === '0x' ? 0n : BigInt(hex);
}

function newFixed(heap: AscHeap, hex: string | undefined, length: number): number {
  return heap.newBytes(hex === undefined ? new Uint8Array(length) : hexToBytes(hex));
}

/** ethereum.Block (15 pointer fields, apiVersion ≥ 0.0.6). */
export function newEthereumBlock(heap: AscHeap, block: RpcBlock): number {
  const big = (hex: string | undefined) => newBigInt(heap, quantity(hex));
  const optionalBig = (hex: string | null | undefined) => (hex === undefined || hex === null ? 0 : big(hex));
  return heap.newPointerObject(
    [
      newFixed(heap, block.hash, 32),
      newFixed(heap, block.parentHash, 32),
      newFixed(heap, block.sha3Uncles, 32),
      newFixed(heap, block.miner, 20),
      newFixed(heap, block.stateRoot, 32),
      newFixed(heap, block.transactionsRoot, 32),
      newFixed(heap, block.receiptsRoot, 32),
      big(block.number),
      big(block.gasUsed),
      big(block.gasLimit),
      big(block.timestamp),
      big(block.difficulty),
      big(block.totalDifficulty),
      optionalBig(block.size),
      optionalBig(block.baseFeePerGas),
    ],
    'EthereumBlock',
  );
}

/** ethereum.Transaction (9 pointer fields). */
export function newEthereumTransaction(heap: AscHeap, tx: RpcTransaction): number {
  const big = (hex: string | undefined) => newBigInt(heap, quantity(hex));
  return heap.newPointerObject(
    [
      newFixed(heap, tx.hash, 32),
      big(tx.transactionIndex),
      newFixed(heap, tx.from, 20),
      tx.to === null ? 0 : newFixed(heap, tx.to, 20),
      big(tx.value),
      big(tx.gas),
      big(tx.gasPrice),
      heap.newBytes(hexToBytes(tx.input ?? '0x')),
      big(tx.nonce),
    ],
    'EthereumTransaction',
  );
}

/**
 * ethereum.Event: address, logIndex, transactionLogIndex, logType, block, transaction, parameters, receipt.
 * Nodes no longer report a log's index within its transaction; graph-node then passes the block log index.
 */
export function newEthereumEvent(
  heap: AscHeap,
  log: RpcLog,
  params: readonly EventParam[],
  block: RpcBlock,
  tx: RpcTransaction,
): number {
  const parameters = heap.newPointerArray(
    params.map((param) =>
      heap.newPointerObject([heap.newString(param.name), newEthValue(heap, param.value)], 'EventParam'),
    ),
    'ArrayEventParam',
  );
  const logIndex = quantity(log.logIndex);
  return heap.newPointerObject(
    [
      heap.newBytes(hexToBytes(log.address)),
      newBigInt(heap, logIndex),
      newBigInt(heap, logIndex),
      0,
      newEthereumBlock(heap, block),
      newEthereumTransaction(heap, tx),
      parameters,
      0,
    ],
    'EthereumEvent',
  );
}
