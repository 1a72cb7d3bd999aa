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

// The real MarginModule and Oracle are built with solc 0.7.6 and optimizer runs 200; using the same compiler
// gives us its unchecked (wrapping) arithmetic and its invalid-opcode division by zero for free.
const OPTIMIZER_RUNS = 200;

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
  hash.update(`solc-0.7.6 runs=${OPTIMIZER_RUNS}\n`);
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

/** Compiles every `.sol` under devnet/contracts with solc-js 0.7.6 (offline). Throws with solc's messages on error. */
export function compileContracts(): Artifacts {
  const sources = readSources();
  if (Object.keys(sources).length === 0) throw new Error(`no Solidity sources found in ${contractsDir}`);
  const require = createRequire(import.meta.url);
  const solc = require('solc') as {
    compile(input: string, callbacks?: { import: typeof findImport }): string;
    version(): string;
  };
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`solc ${solc.version()} failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  }
  const artifacts: Artifacts = {};
  for (const [file, contracts] of Object.entries(output.contracts ?? {})) {
    for (const [name, c] of Object.entries(contracts)) {
      if (artifacts[name]) throw new Error(`contract name ${name} is defined twice (second in ${file})`);
      artifacts[name] = {
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      };
    }
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
