import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const SUBGRAPH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TEMPLATE_FILE = path.join(SUBGRAPH_DIR, 'subgraph.template.yaml');
export const DEFAULT_MANIFEST_FILE = path.join(SUBGRAPH_DIR, 'subgraph.yaml');
export const NETWORKS = ['devnet', 'sepolia', 'mainnet'] as const;
export type NetworkName = (typeof NETWORKS)[number];

export interface PrepareOptions {
  network?: string;
  marginModule?: string;
  startBlock?: number;
  factory?: string;
  factoryStartBlock?: number;
  /** JSON written by the devnet deploy: { chainId, marginModule, factory, startBlock }. */
  deployment?: string;
  outFile?: string;
}

export interface ManifestValues {
  network: NetworkName;
  marginModuleAddress: string;
  marginModuleStartBlock: number;
  factoryAddress: string;
  factoryStartBlock: number;
}

export interface PreparedManifest {
  outFile: string;
  values: ManifestValues;
  manifest: string;
}

interface ContractEntry {
  address: string | null;
  startBlock: number | null;
}

/** networks/<net>.json: the deployments a network's manifest indexes unless flags say otherwise. */
export interface NetworkFile {
  network: string;
  chainId: number;
  note?: string;
  marginModule: ContractEntry;
  factory: ContractEntry;
  /** The gen-3 module's global oracle as published; informative, the subgraph reads priceOracle() itself. */
  priceOracle?: string;
  /** WETH9 of the network (absent on the devnet, where the market's base token plays WETH). */
  weth?: string;
}

interface DeploymentFile {
  chainId: number;
  marginModule: string;
  factory: string;
  startBlock: number;
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

function fail(message: string): never {
  throw new Error(`prepareManifest: ${message}`);
}

function isNetwork(name: string): name is NetworkName {
  return (NETWORKS as readonly string[]).includes(name);
}

function readJson(file: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new Error(`prepareManifest: cannot read ${what} ${file}`, { cause });
  }
}

function checkAddress(value: unknown, what: string): string {
  if (typeof value !== 'string' || !ADDRESS.test(value))
    fail(`${what} must be a 0x-prefixed 20-byte address, got ${String(value)}`);
  return value;
}

function checkBlock(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(`${what} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

export function loadNetworkFile(network: NetworkName): NetworkFile {
  return readJson(path.join(SUBGRAPH_DIR, 'networks', `${network}.json`), 'network file') as NetworkFile;
}

function loadDeployment(file: string, chainId: number): DeploymentFile {
  const deployment = readJson(path.resolve(file), 'deployment file') as Partial<DeploymentFile>;
  if (deployment.chainId !== chainId) {
    fail(`deployment file ${file} is for chain ${String(deployment.chainId)}, expected ${chainId}`);
  }
  return {
    chainId,
    marginModule: checkAddress(deployment.marginModule, `marginModule in ${file}`),
    factory: checkAddress(deployment.factory, `factory in ${file}`),
    startBlock: checkBlock(deployment.startBlock, `startBlock in ${file}`),
  };
}

/** Flags override a deployment file, which overrides the committed networks/<net>.json. */
export function resolveManifestValues(options: PrepareOptions): ManifestValues {
  const network = options.network ?? 'devnet';
  if (!isNetwork(network)) fail(`unknown network "${network}" (expected one of ${NETWORKS.join(', ')})`);
  const defaults = loadNetworkFile(network);
  const deployment = options.deployment ? loadDeployment(options.deployment, defaults.chainId) : undefined;

  const marginModule = options.marginModule ?? deployment?.marginModule ?? defaults.marginModule.address;
  const startBlock = options.startBlock ?? deployment?.startBlock ?? defaults.marginModule.startBlock;
  const factory = options.factory ?? deployment?.factory ?? defaults.factory.address;
  const factoryStartBlock =
    options.factoryStartBlock ?? deployment?.startBlock ?? defaults.factory.startBlock;

  const missing: string[] = [];
  if (marginModule === null) missing.push('--margin-module <address> (the MarginModule deployment)');
  if (startBlock === null) missing.push('--start-block <n> (the block that deployed the MarginModule)');
  if (factory === null) missing.push('--factory <address>');
  // Pools created before the MarginModule still feed its oracles, so the factory needs its own start.
  if (factoryStartBlock === null)
    missing.push('--factory-start-block <n> (the block that deployed the factory)');
  if (missing.length > 0) fail(`network ${network} needs ${missing.join(', ')}; these are never guessed`);

  return {
    network,
    marginModuleAddress: checkAddress(marginModule, 'margin module address'),
    marginModuleStartBlock: checkBlock(startBlock, 'start block'),
    factoryAddress: checkAddress(factory, 'factory address'),
    factoryStartBlock: checkBlock(factoryStartBlock, 'factory start block'),
  };
}

// The template's paths are relative to subgraph/; a manifest written elsewhere must still find them.
function rebaseFilePaths(manifest: string, outDir: string): string {
  return manifest.replace(/^(\s*file:\s*)(\S+)\s*$/gm, (_line, prefix: string, file: string) => {
    const relative = path.relative(outDir, path.resolve(SUBGRAPH_DIR, file)).split(path.sep).join('/');
    return `${prefix}${relative.startsWith('.') ? relative : `./${relative}`}`;
  });
}

export function renderManifest(
  template: string,
  values: ManifestValues,
  outDir: string = SUBGRAPH_DIR,
): string {
  const body = template.replace(/'\{\{(\w+)\}\}'/g, (_match, key: string) => {
    if (!(key in values)) fail(`template placeholder {{${key}}} has no value`);
    const value = values[key as keyof ManifestValues];
    return typeof value === 'number' ? String(value) : `'${value}'`;
  });
  if (body.includes('{{')) fail('template has a placeholder outside single quotes');
  const header = `# Generated from subgraph.template.yaml for ${values.network} by scripts/prepareManifest.ts; do not edit.\n`;
  const withoutTemplateComment = body.replace(/^(#.*\n)+/, '');
  const rebased =
    path.resolve(outDir) === SUBGRAPH_DIR
      ? withoutTemplateComment
      : rebaseFilePaths(withoutTemplateComment, outDir);
  return header + rebased;
}

export function prepareManifest(options: PrepareOptions = {}): PreparedManifest {
  const values = resolveManifestValues(options);
  const outFile = path.resolve(options.outFile ?? DEFAULT_MANIFEST_FILE);
  mkdirSync(path.dirname(outFile), { recursive: true });
  const manifest = renderManifest(readFileSync(TEMPLATE_FILE, 'utf8'), values, path.dirname(outFile));
  writeFileSync(outFile, manifest);
  return { outFile, values, manifest };
}

const FLAGS: Record<string, keyof PrepareOptions> = {
  '--network': 'network',
  '--margin-module': 'marginModule',
  '--start-block': 'startBlock',
  '--factory': 'factory',
  '--factory-start-block': 'factoryStartBlock',
  '--deployment': 'deployment',
  '--out': 'outFile',
};

const NUMERIC_FLAGS = new Set<keyof PrepareOptions>(['startBlock', 'factoryStartBlock']);

export function parsePrepareArgs(argv: readonly string[]): PrepareOptions {
  const options: Record<string, string | number> = {};
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2) as [string, string | undefined];
    const key = FLAGS[flag];
    if (key === undefined) fail(`unknown argument ${flag} (known: ${Object.keys(FLAGS).join(', ')})`);
    const raw = inline ?? argv[++i];
    if (raw === undefined || raw.startsWith('--')) fail(`${flag} needs a value`);
    if (NUMERIC_FLAGS.has(key)) {
      if (!/^\d+$/.test(raw)) fail(`${flag} must be a non-negative integer, got ${raw}`);
      options[key] = Number(raw);
    } else {
      options[key] = raw;
    }
  }
  return options as PrepareOptions;
}

function isMain(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href;
}

if (isMain()) {
  try {
    const prepared = prepareManifest(parsePrepareArgs(process.argv.slice(2)));
    console.log(`wrote ${path.relative(process.cwd(), prepared.outFile)} for ${prepared.values.network}`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
