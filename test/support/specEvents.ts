import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared beside the repository: the spec and the golden vectors are read from there at test time. */
export const sharedDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared');

export interface SpecEvent {
  name: string;
  /** Canonical signature, e.g. `OrderAliveStatus(uint256,bool)`. */
  signature: string;
  indexed: boolean[];
}

function parseParams(name: string, params: string, indexedMark: (words: string[]) => boolean): SpecEvent {
  const parts = params
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const types: string[] = [];
  const indexed: boolean[] = [];
  for (const part of parts) {
    const words = part.split(/\s+/);
    const type = words[0];
    if (!type) throw new Error(`cannot parse parameter "${part}" of ${name}`);
    types.push(type);
    indexed.push(indexedMark(words));
  }
  return { name, signature: `${name}(${types.join(',')})`, indexed };
}

/**
 * The events the spec names, parsed from its markdown: the MarginModule table (`| Name | uint256 i id, … |`,
 * where `i` marks indexed) and the Dex223 pool/factory signatures written in the prose.
 */
export function readSpecEvents(): { marginModule: SpecEvent[]; factory: SpecEvent[]; pool: SpecEvent[] } {
  const spec = readFileSync(join(sharedDir, 'spec', 'margin-module.md'), 'utf8');
  const marginModule: SpecEvent[] = [];
  const tableStart = spec.indexOf('| event | parameters |');
  if (tableStart < 0) throw new Error('the spec has no event table');
  for (const line of spec.slice(tableStart).split('\n').slice(2)) {
    const row = /^\|\s*(\w+)\s*\|\s*([^|]*)\|/.exec(line);
    if (!row) break;
    const params = (row[2] ?? '').replace(/—.*$/, '');
    marginModule.push(parseParams(row[1] ?? '', params, (w) => w[1] === 'i'));
  }
  // Pool and factory events are written as Solidity-ish signatures in backticks.
  const prose = [...spec.matchAll(/`(\w+)\(([^`]*)\)`/g)];
  const solidity = (m: RegExpMatchArray) =>
    parseParams(m[1] ?? '', m[2] ?? '', (w) => w.includes('indexed') || (w.length === 3 && w[1] === 'i'));
  const factory = prose.filter((m) => m[1] === 'PoolCreated').map(solidity);
  const poolNames = new Set(['Initialize', 'Swap', 'Mint', 'Burn']);
  const pool = prose.filter((m) => poolNames.has(m[1] ?? '') && (m[2] ?? '').includes(' ')).map(solidity);
  return { marginModule, factory, pool };
}
