import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Interface, toQuantity, type EventFragment } from 'ethers';
import type { RpcBlock, RpcLog, RpcTransaction } from '../../devnet/graph-host/runtime/rpcTypes.js';

const ABI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'abis');

export interface TestBlock {
  number: bigint;
  timestamp: bigint;
}

/** A log as the node would return it, with the block and transaction the host hands the handler. */
export interface TestEvent {
  log: RpcLog;
  block: RpcBlock;
  transaction: RpcTransaction;
}

export function blockHash(number: bigint): string {
  return `0x${number.toString(16).padStart(64, '0')}`;
}

/**
 * Builds real logs (topics and data ABI-encoded), so the host decodes them exactly as it decodes chain logs.
 * Arguments are checked against the ABI: a test cannot pass parameters the contract does not emit.
 */
export class EventFactory {
  private readonly abi: Interface;
  private logIndex = 0;

  constructor(
    abiFile: string,
    private readonly address: string,
  ) {
    this.abi = new Interface(JSON.parse(readFileSync(path.join(ABI_DIR, abiFile), 'utf8')) as never);
  }

  event(
    name: string,
    args: Record<string, unknown>,
    block: TestBlock,
    txHash: string,
    address = this.address,
  ): TestEvent {
    const fragment: EventFragment | null = this.abi.getEvent(name);
    if (fragment === null) throw new Error(`no event ${name} in the ABI`);
    const extra = Object.keys(args).filter((k) => !fragment.inputs.some((i) => i.name === k));
    if (extra.length > 0) throw new Error(`${name} has no parameter(s) ${extra.join(', ')}`);
    const values = fragment.inputs.map((input) => {
      if (!(input.name in args)) throw new Error(`${name}.${input.name} missing`);
      return args[input.name];
    });
    const { data, topics } = this.abi.encodeEventLog(fragment, values);
    const logIndex = this.logIndex++;
    return {
      log: {
        address,
        topics,
        data,
        blockNumber: toQuantity(block.number),
        blockHash: blockHash(block.number),
        transactionHash: txHash,
        transactionIndex: '0x0',
        logIndex: toQuantity(logIndex),
      },
      block: {
        number: toQuantity(block.number),
        hash: blockHash(block.number),
        parentHash: blockHash(block.number - 1n),
        timestamp: toQuantity(block.timestamp),
      },
      transaction: { hash: txHash, transactionIndex: '0x0', from: `0x${'00'.repeat(20)}`, to: address },
    };
  }
}
