import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One compiled contract: what a deploy needs. */
export interface Artifact {
  abi: unknown[];
  bytecode: string;
  deployedBytecode: string;
}

export type Artifacts = Record<string, Artifact>;

const here = dirname(fileURLToPath(import.meta.url));
export const contractsDir = join(here, '..', 'contracts');
const buildDir = join(here, '..', 'build');
const buildFile = join(buildDir, 'contracts.json');

/** solc settings that change the bytecode: one group of contracts is compiled per distinct value. */
export interface CompileSettings {
  optimizer: { enabled: boolean; runs: number };
  debug?: { revertStrings: 'default' | 'strip' };
}

/** The gen-1 MarginModule and the Oracle are built with solc 0.7.6 and optimizer runs 200, strings kept; using the
 * same compiler gives us its unchecked (wrapping) arithmetic and its invalid-opcode division by zero for free. */
export const DEFAULT_SETTINGS: CompileSettings = { optimizer: { enabled: true, runs: 200 } };

/** How upstream builds the later MarginModules: optimizer runs 1 and revert strings stripped (without them the
 * 2090499 module is over EIP-170), so each of their requires reverts with empty data. */
export const DEPLOYED_MODULE_SETTINGS: CompileSettings = {
  optimizer: { enabled: true, runs: 1 },
  debug: { revertStrings: 'strip' },
};

/** Contracts built with other than the default settings; each lives in `<name>.sol`. */
export const SETTINGS_OVERRIDES: Readonly<Record<string, CompileSettings>> = {
  MarginModuleGen2: DEPLOYED_MODULE_SETTINGS,
  MarginModuleGen3: DEPLOYED_MODULE_SETTINGS,
};

/** EIP-170: the largest runtime code a deployment may leave (anvil enforces it, and so do we). */
export const MAX_RUNTIME_CODE_BYTES = 24_576;

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listSources(path);
    return entry.name.endsWith('.sol') ? [path] : [];
  });
}

function readSources(): Record<string, { content: string }> {
  const sources: Record<string, { content: string }> = {};
  for (const path of listSources(contractsDir).sort()) {
    sources[relative(contractsDir, path)] = { content: readFileSync(path, 'utf8') };
  }
  return sources;
}

// Imports our sources may take from installed packages, resolved read-only from node_modules. Only Uniswap's
// v3-core libraries are allowed, so a contract cannot quietly start depending on some other package.
const IMPORTABLE_PACKAGES = ['@uniswap/v3-core/'];

function findImport(path: string): { contents: string } | { error: string } {
  if (!IMPORTABLE_PACKAGES.some((prefix) => path.startsWith(prefix))) {
    return { error: `import ${path} is outside devnet/contracts and not an allowed package` };
  }
  try {
    return { contents: readFileSync(createRequire(import.meta.url).resolve(path), 'utf8') };
  } catch (err) {
    return { error: `cannot read ${path}: ${(err as Error).message}` };
  }
}

function sourcesHash(sources: Record<string, { content: string }>): string {
  const hash = createHash('sha256');
  // The settings are part of the key: changing a group's settings must rebuild.
  hash.update(`solc-0.7.6 ${JSON.stringify({ DEFAULT_SETTINGS, SETTINGS_OVERRIDES })}\n`);
  for (const [name, { content }] of Object.entries(sources)) hash.update(`${name}\n${content}\n`);
  return hash.digest('hex');
}

interface SolcOutput {
  errors?: { severity: string; formattedMessage: string }[];
  contracts?: Record<
    string,
    Record<
      string,
      { abi: unknown[]; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }
    >
  >;
}

interface Solc {
  compile(input: string, callbacks?: { import: typeof findImport }): string;
  version(): string;
}

const OUTPUTS = ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'];

/** Groups the contracts by settings: the default group selects every file but the overridden contracts' own. */
function settingsGroups(
  sources: Record<string, { content: string }>,
): { settings: CompileSettings; selection: Record<string, Record<string, string[]>> }[] {
  const overriddenFiles = new Set(Object.keys(SETTINGS_OVERRIDES).map((name) => `${name}.sol`));
  const defaultSelection: Record<string, Record<string, string[]>> = {};
  for (const file of Object.keys(sources)) {
    if (!overriddenFiles.has(file)) defaultSelection[file] = { '*': OUTPUTS };
  }
  const groups = [{ settings: DEFAULT_SETTINGS, selection: defaultSelection }];
  for (const [name, settings] of Object.entries(SETTINGS_OVERRIDES)) {
    const file = `${name}.sol`;
    if (!sources[file]) throw new Error(`${name} has its own compiler settings but ${file} does not exist`);
    const group = groups.find((g) => JSON.stringify(g.settings) === JSON.stringify(settings));
    if (group) group.selection[file] = { [name]: OUTPUTS };
    else groups.push({ settings, selection: { [file]: { [name]: OUTPUTS } } });
  }
  return groups;
}

function compileGroup(
  solc: Solc,
  sources: Record<string, { content: string }>,
  settings: CompileSettings,
  selection: Record<string, Record<string, string[]>>,
  artifacts: Artifacts,
): void {
  const input = { language: 'Solidity', sources, settings: { ...settings, outputSelection: selection } };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`solc ${solc.version()} failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  }
  for (const [file, contracts] of Object.entries(output.contracts ?? {})) {
    for (const [name, c] of Object.entries(contracts)) {
      if (artifacts[name]) throw new Error(`contract name ${name} is defined twice (second in ${file})`);
      const runtimeBytes = c.evm.deployedBytecode.object.length / 2;
      if (runtimeBytes > MAX_RUNTIME_CODE_BYTES) {
        throw new Error(
          `${name} has ${runtimeBytes} bytes of runtime code, over the EIP-170 limit of ${MAX_RUNTIME_CODE_BYTES}`,
        );
      }
      artifacts[name] = {
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      };
    }
  }
}

/**
 * Compiles every `.sol` under devnet/contracts with solc-js 0.7.6 (offline), one solc run per settings group
 * (see SETTINGS_OVERRIDES). Throws with solc's messages on error, and for runtime code over EIP-170.
 */
export function compileContracts(): Artifacts {
  const sources = readSources();
  if (Object.keys(sources).length === 0) throw new Error(`no Solidity sources found in ${contractsDir}`);
  const require = createRequire(import.meta.url);
  const solc = require('solc') as Solc;
  const artifacts: Artifacts = {};
  for (const { settings, selection } of settingsGroups(sources)) {
    compileGroup(solc, sources, settings, selection, artifacts);
  }
  return artifacts;
}

/** Returns the compiled contracts, compiling only when a source changed since the last build. */
export function loadArtifacts(): Artifacts {
  const hash = sourcesHash(readSources());
  if (existsSync(buildFile)) {
    const cached = JSON.parse(readFileSync(buildFile, 'utf8')) as { hash: string; artifacts: Artifacts };
    if (cached.hash === hash) return cached.artifacts;
  }
  const artifacts = compileContracts();
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(buildFile, JSON.stringify({ hash, artifacts }));
  return artifacts;
}
