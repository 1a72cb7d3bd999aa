import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { BlockPtr, EntityData, StoreValue } from '../../../devnet/graph-host/store/types.js';

export const SUBGRAPH_SCHEMA_TEXT = readFileSync(
  fileURLToPath(new URL('../../../subgraph/schema.graphql', import.meta.url)),
  'utf8',
);

/**
 * A deterministic block pointer on `branch`; the first block of a fork names the branch it forks from as
 * `parentBranch`.
 */
export function blockPtr(number: number, branch = 'a', parentBranch = branch): BlockPtr {
  return {
    number,
    hash: blockHash(number, branch),
    parentHash: number === 0 ? `0x${'0'.repeat(64)}` : blockHash(number - 1, parentBranch),
    timestampSec: 1_700_000_000 + number * 12,
  };
}

export function blockHash(number: number, branch = 'a'): string {
  const body = `${branch.charCodeAt(0).toString(16)}${number.toString(16).padStart(8, '0')}`;
  return `0x${body.padStart(64, '0')}`;
}

export const v = {
  str: (value: string): StoreValue => ({ kind: 'string', value }),
  int: (value: number): StoreValue => ({ kind: 'int', value }),
  int8: (value: bigint): StoreValue => ({ kind: 'int8', value }),
  big: (value: bigint | number): StoreValue => ({ kind: 'bigint', value: BigInt(value) }),
  dec: (value: string): StoreValue => ({ kind: 'bigdecimal', value }),
  bool: (value: boolean): StoreValue => ({ kind: 'bool', value }),
  bytes: (value: string): StoreValue => ({ kind: 'bytes', value }),
  ts: (value: bigint): StoreValue => ({ kind: 'timestamp', value }),
  list: (...value: StoreValue[]): StoreValue => ({ kind: 'array', value }),
  null: (): StoreValue => ({ kind: 'null' }),
};

export function entity(fields: Record<string, StoreValue>): EntityData {
  return new Map(Object.entries(fields));
}

/** Plain values of an entity, for readable assertions. */
export function plain(data: EntityData | undefined): Record<string, unknown> | undefined {
  if (!data) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, value] of data) out[name] = plainValue(value);
  return out;
}

function plainValue(value: StoreValue): unknown {
  if (value.kind === 'array') return value.value.map(plainValue);
  if (value.kind === 'null') return null;
  return value.value;
}
