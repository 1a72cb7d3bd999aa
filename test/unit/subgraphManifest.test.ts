import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { getAddress } from 'ethers';
import {
  loadNetworkFile,
  parsePrepareArgs,
  prepareManifest,
  SUBGRAPH_DIR,
} from '../../subgraph/scripts/prepareManifest.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SPEC_FILE = path.resolve(REPO_ROOT, '..', 'shared', 'spec', 'margin-module.md');
const UNISWAP_POOL_EVENTS = path.join(
  REPO_ROOT,
  'node_modules/@uniswap/v3-core/contracts/interfaces/pool/IUniswapV3PoolEvents.sol',
);
// Handled for the observation ring but absent from the spec's pool prose; Uniswap v3-core is its authority.
const UNISWAP_ONLY_EVENTS = new Set(['IncreaseObservationCardinalityNext']);

interface AbiInput {
  type: string;
  indexed?: boolean;
}
interface AbiEntry {
  type: string;
  name?: string;
  inputs?: AbiInput[];
}
interface EventHandler {
  event: string;
  handler: string;
}
interface DataSource {
  name: string;
  source: { abi: string; address?: string; startBlock?: number };
  network: string;
  mapping: { file: string; abis: { name: string; file: string }[]; eventHandlers: EventHandler[] };
}
interface Manifest {
  schema: { file: string };
  dataSources: DataSource[];
  templates: DataSource[];
}

function signature(name: string, params: { type: string; indexed: boolean }[]): string {
  return `${name}(${params.map((p) => (p.indexed ? `indexed ${p.type}` : p.type)).join(',')})`;
}

function eventName(sig: string): string {
  return sig.slice(0, sig.indexOf('('));
}

function abiEventSignatures(file: string): Map<string, string> {
  const abi = JSON.parse(readFileSync(file, 'utf8')) as AbiEntry[];
  const events = new Map<string, string>();
  for (const entry of abi) {
    if (entry.type !== 'event' || entry.name === undefined) continue;
    const params = (entry.inputs ?? []).map((input) => ({
      type: input.type,
      indexed: input.indexed === true,
    }));
    events.set(entry.name, signature(entry.name, params));
  }
  return events;
}

// "uint256 i orderId" / "address[] tokens" / "address asset (nothing indexed)"; undefined if not a typed list.
function specParams(text: string): { type: string; indexed: boolean }[] | undefined {
  const cleaned = text
    .replace(/\s+—.*$/, '')
    .replace(/\([^)]*\)\s*$/, '')
    .trim();
  if (cleaned === '') return [];
  const params: { type: string; indexed: boolean }[] = [];
  for (const chunk of cleaned.split(',')) {
    const match = /^\s*([a-z0-9]+(?:\[\d*\])?)\s+(?:(i)\s+)?[A-Za-z_][A-Za-z0-9_]*\s*$/.exec(chunk);
    if (match === null) return undefined;
    params.push({ type: match[1] as string, indexed: match[2] === 'i' });
  }
  return params;
}

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`spec has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

function specEventTable(markdown: string): Map<string, string> {
  const events = new Map<string, string>();
  for (const line of section(markdown, 'Events').split('\n')) {
    const cells = /^\|\s*([A-Z]\w*)\s*\|(.*)\|\s*$/.exec(line);
    if (cells === null) continue;
    const params = specParams(cells[2] as string);
    if (params === undefined) throw new Error(`cannot parse spec row: ${line}`);
    events.set(cells[1] as string, signature(cells[1] as string, params));
  }
  return events;
}

function specPoolEvents(markdown: string): Map<string, string> {
  const events = new Map<string, string>();
  for (const match of section(markdown, 'Dex223 pools').matchAll(/`([A-Z]\w*)\(([^`]*)\)`/g)) {
    const params = specParams(match[2] as string);
    if (params !== undefined) events.set(match[1] as string, signature(match[1] as string, params));
  }
  return events;
}

function solidityEvents(source: string): Map<string, string> {
  const events = new Map<string, string>();
  for (const match of source.matchAll(/event\s+(\w+)\s*\(([^)]*)\)\s*;/g)) {
    const params = (match[2] as string)
      .split(',')
      .map((p) => p.trim().split(/\s+/))
      .filter((words) => words[0] !== '')
      .map((words) => ({ type: words[0] as string, indexed: words.includes('indexed') }));
    events.set(match[1] as string, signature(match[1] as string, params));
  }
  return events;
}

const outDir = mkdtempSync(path.join(tmpdir(), 'subgraph-manifest-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const prepared = prepareManifest({ network: 'devnet', outFile: path.join(outDir, 'subgraph.yaml') });
const manifest = parse(prepared.manifest) as Manifest;
const sources = [...manifest.dataSources, ...manifest.templates];
const spec = readFileSync(SPEC_FILE, 'utf8');
const specTable = specEventTable(spec);
const specPool = specPoolEvents(spec);
const uniswapEvents = solidityEvents(readFileSync(UNISWAP_POOL_EVENTS, 'utf8'));

const handlers = sources.flatMap((source) =>
  source.mapping.eventHandlers.map((h) => ({ source, event: h.event, handler: h.handler })),
);

describe('subgraph manifest', () => {
  it('has the three data sources on the devnet network', () => {
    expect(manifest.dataSources.map((d) => d.name)).toEqual(['MarginModule', 'Dex223Factory']);
    expect(manifest.templates.map((t) => t.name)).toEqual(['Pool']);
    for (const source of sources) expect(source.network).toBe('devnet');
  });

  it('resolves every file path from the directory it was written to', () => {
    const files = [
      manifest.schema.file,
      ...sources.flatMap((s) => [s.mapping.file, ...s.mapping.abis.map((a) => a.file)]),
    ];
    for (const file of files) expect(() => readFileSync(path.resolve(outDir, file))).not.toThrow();
    expect(sources[0]?.mapping.abis[0]?.file).toMatch(/abis\/MarginModule\.json$/);
  });

  it.each(handlers.map((h) => [h.event, h]))('%s matches its ABI exactly', (_sig, h) => {
    const abiRef = h.source.mapping.abis.find((a) => a.name === h.source.source.abi);
    expect(abiRef, `abi ${h.source.source.abi} listed in ${h.source.name}`).toBeDefined();
    const abiEvents = abiEventSignatures(path.resolve(outDir, abiRef?.file ?? ''));
    expect(abiEvents.get(eventName(h.event))).toBe(h.event);
  });

  it.each(handlers.map((h) => [h.event, h]))('%s matches the spec', (_sig, h) => {
    const name = eventName(h.event);
    const authority = UNISWAP_ONLY_EVENTS.has(name)
      ? uniswapEvents
      : h.source.name === 'MarginModule'
        ? specTable
        : specPool;
    expect(authority.get(name), `${name} in the spec`).toBe(h.event);
  });

  it('handles every MarginModule event of the spec', () => {
    const handled = new Set(
      manifest.dataSources
        .find((d) => d.name === 'MarginModule')
        ?.mapping.eventHandlers.map((h) => eventName(h.event)),
    );
    expect(specTable.size).toBeGreaterThanOrEqual(18);
    for (const name of specTable.keys()) expect(handled.has(name), `${name} handled`).toBe(true);
  });

  it('handles the pool events the price and the observation ring depend on', () => {
    const pool = manifest.templates.find((t) => t.name === 'Pool');
    const handled = pool?.mapping.eventHandlers.map((h) => eventName(h.event)).sort();
    expect(handled).toEqual(['Burn', 'IncreaseObservationCardinalityNext', 'Initialize', 'Mint', 'Swap']);
  });

  it('points every handler at a function the mappings export', () => {
    const mappings = path.join(SUBGRAPH_DIR, 'src', 'mappings');
    const exported = new Set(
      readdirSync(mappings).flatMap((file) =>
        [...readFileSync(path.join(mappings, file), 'utf8').matchAll(/export function (\w+)/g)].map(
          (m) => m[1],
        ),
      ),
    );
    for (const h of handlers) expect(exported.has(h.handler), h.handler).toBe(true);
  });
});

describe('prepareManifest', () => {
  const sepoliaOut = path.join(outDir, 'sepolia', 'subgraph.yaml');

  // The deployments table of the spec ("Versions in the wild"): the current gen-3 module of each network.
  const REAL_NETWORKS = {
    sepolia: {
      marginModule: '0x1bB3b0fEE74D530D8c3C532A7683285a76FB9e4B',
      startBlock: 11883781,
      factory: '0xf07cc56E969Bc08395E80Da099e44d122bFa42B9',
      weth: '0xfFf9976782d46CC05630D1f6eBAb18b2324d6B14',
    },
    mainnet: {
      marginModule: '0x052FAF5A6aF30259AdE672fECd1cF0225c8dAe17',
      startBlock: 26161429,
      factory: '0x899097B427cd04e1BD07FD3445cc90493300C3a5',
      weth: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2',
    },
  } as const;

  it.each(Object.entries(REAL_NETWORKS))(
    'renders %s with no flags from the current gen-3 deployment',
    (network, expected) => {
      const out = path.join(outDir, network, 'subgraph.yaml');
      const rendered = parse(prepareManifest({ network, outFile: out }).manifest) as Manifest;
      const [margin, factory] = rendered.dataSources;
      expect(margin?.source).toMatchObject({
        address: expected.marginModule,
        startBlock: expected.startBlock,
      });
      expect(factory?.source.address).toBe(expected.factory);
      // Pools created before the module still feed its oracle: the factory never starts later.
      expect(factory?.source.startBlock).toBeLessThanOrEqual(expected.startBlock);
      expect(factory?.source.startBlock).toBeGreaterThan(0);
      for (const source of [...rendered.dataSources, ...rendered.templates])
        expect(source.network).toBe(network);
      expect(loadNetworkFile(network as 'sepolia' | 'mainnet').weth).toBe(expected.weth);
    },
  );

  it('keeps the mainnet factory start block of the deployment table', () => {
    const values = prepareManifest({ network: 'mainnet', outFile: path.join(outDir, 'm.yaml') }).values;
    expect(values.factoryStartBlock).toBe(26140861);
  });

  it('writes every address of the network files checksummed', () => {
    for (const network of ['sepolia', 'mainnet'] as const) {
      const file = loadNetworkFile(network);
      for (const address of [file.marginModule.address, file.factory.address, file.priceOracle, file.weth]) {
        expect(address).toBeDefined();
        expect(getAddress(address as string)).toBe(address);
      }
    }
  });

  it('lets flags override the network file', () => {
    const values = prepareManifest({
      network: 'mainnet',
      marginModule: '0xd48A17133900495863e93EDD4B2F3eA6015F55e4',
      startBlock: 26140901,
      factoryStartBlock: 26140000,
      outFile: path.join(outDir, 'mainnet-old', 'subgraph.yaml'),
    }).values;
    expect(values).toEqual({
      network: 'mainnet',
      marginModuleAddress: '0xd48A17133900495863e93EDD4B2F3eA6015F55e4',
      marginModuleStartBlock: 26140901,
      factoryAddress: '0x899097B427cd04e1BD07FD3445cc90493300C3a5',
      factoryStartBlock: 26140000,
    });
  });

  it('renders sepolia from flags with the public factory', () => {
    const options = parsePrepareArgs([
      '--network',
      'sepolia',
      '--margin-module=0x12534E762D2224dc6e7DB3827924E59d0Fa50dcE',
      '--start-block',
      '11779706',
      '--factory-start-block',
      '100',
      '--out',
      sepoliaOut,
    ]);
    const rendered = parse(prepareManifest(options).manifest) as Manifest;
    const [margin, factory] = rendered.dataSources;
    expect(margin?.source).toMatchObject({
      address: '0x12534E762D2224dc6e7DB3827924E59d0Fa50dcE',
      startBlock: 11779706,
    });
    expect(factory?.source).toMatchObject({
      address: '0xf07cc56E969Bc08395E80Da099e44d122bFa42B9',
      startBlock: 100,
    });
    expect(rendered.templates[0]?.network).toBe('sepolia');
  });

  it('takes devnet addresses from the deploy output and rejects another chain', () => {
    const deployment = path.join(outDir, 'deployment.json');
    const marginModule = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
    const factory = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
    writeFileSync(deployment, JSON.stringify({ chainId: 31337, marginModule, factory, startBlock: 7 }));
    const values = prepareManifest({ deployment, outFile: path.join(outDir, 'devnet.yaml') }).values;
    expect(values).toEqual({
      network: 'devnet',
      marginModuleAddress: marginModule,
      marginModuleStartBlock: 7,
      factoryAddress: factory,
      factoryStartBlock: 7,
    });
    writeFileSync(deployment, JSON.stringify({ chainId: 1, marginModule, factory, startBlock: 7 }));
    expect(() => prepareManifest({ deployment, outFile: path.join(outDir, 'devnet.yaml') })).toThrow(
      /chain 1/,
    );
  });

  it('rejects malformed input', () => {
    expect(() => parsePrepareArgs(['--start-block', 'latest'])).toThrow(/non-negative integer/);
    expect(() => parsePrepareArgs(['--bogus', '1'])).toThrow(/unknown argument/);
    expect(() =>
      prepareManifest({
        network: 'sepolia',
        marginModule: '0x1234',
        startBlock: 1,
        factoryStartBlock: 1,
        outFile: sepoliaOut,
      }),
    ).toThrow(/20-byte address/);
  });
});
