import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EthValue, TestBlock, TestEvent } from './MappingHost.js';

const ABI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'abis');

interface AbiParam {
  name: string;
  type: string;
}
interface AbiEntry {
  type: string;
  name?: string;
  inputs?: AbiParam[];
}

export function ethValue(type: string, value: unknown): EthValue {
  if (type.endsWith('[]')) {
    return { kind: 'array', value: (value as unknown[]).map((v) => ethValue(type.slice(0, -2), v)) };
  }
  if (type === 'address') return { kind: 'address', value: value as string };
  if (type === 'bool') return { kind: 'bool', value: value as boolean };
  if (type.startsWith('bytes'))
    return { kind: type === 'bytes' ? 'bytes' : 'fixedBytes', value: value as string };
  if (type.startsWith('uint')) return { kind: 'uint', value: BigInt(value as bigint) };
  if (type.startsWith('int')) return { kind: 'int', value: BigInt(value as bigint) };
  throw new Error(`type ${type} not supported by the test event builder`);
}

/** Builds events in ABI parameter order, so a test cannot pass arguments the contract does not emit. */
export class EventFactory {
  private readonly events = new Map<string, AbiParam[]>();
  private logIndex = 0;

  constructor(
    abiFile: string,
    private readonly address: string,
  ) {
    const abi = JSON.parse(readFileSync(path.join(ABI_DIR, abiFile), 'utf8')) as AbiEntry[];
    for (const entry of abi) {
      if (entry.type === 'event' && entry.name) this.events.set(entry.name, entry.inputs ?? []);
    }
  }

  event(
    name: string,
    args: Record<string, unknown>,
    block: TestBlock,
    txHash: string,
    address = this.address,
  ): TestEvent {
    const inputs = this.events.get(name);
    if (inputs === undefined) throw new Error(`no event ${name} in the ABI`);
    const extra = Object.keys(args).filter((k) => !inputs.some((i) => i.name === k));
    if (extra.length > 0) throw new Error(`${name} has no parameter(s) ${extra.join(', ')}`);
    const params = inputs.map((input) => {
      if (!(input.name in args)) throw new Error(`${name}.${input.name} missing`);
      return { name: input.name, value: ethValue(input.type, args[input.name]) };
    });
    return { address, logIndex: this.logIndex++, block, txHash, params };
  }
}
