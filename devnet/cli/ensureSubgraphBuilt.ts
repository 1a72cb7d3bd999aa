import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DevnetError } from '../chain/DevnetError.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const builtManifest = join(repoRoot, 'subgraph', 'build', 'subgraph.yaml');
/** What the build reads: a change to any of these makes the built WASM stale. */
const buildInputs = [
  join(repoRoot, 'subgraph', 'schema.graphql'),
  join(repoRoot, 'subgraph', 'subgraph.template.yaml'),
  join(repoRoot, 'subgraph', 'networks'),
  join(repoRoot, 'subgraph', 'src'),
  join(repoRoot, 'abis'),
];

function newestMtimeMs(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtimeMs(join(path, name))), 0);
}

/** Why the subgraph must be (re)built before the graph host can run it, or null when the build is current. */
export function subgraphBuildReason(): string | null {
  if (!existsSync(builtManifest)) return 'not built yet';
  // `npm run subgraph:build -- --network sepolia` writes the same folder; the devnet needs its own manifest.
  if (!/network: devnet\b/.test(readFileSync(builtManifest, 'utf8'))) return 'built for another network';
  const builtAt = statSync(builtManifest).mtimeMs;
  const newest = Math.max(...buildInputs.filter((p) => existsSync(p)).map(newestMtimeMs));
  return newest > builtAt ? 'sources changed since the last build' : null;
}

/**
 * Builds the subgraph with the repo's graph-cli when it is missing or stale, so the devnet works on a fresh
 * clone. graph-cli's own output is passed through line by line under a prefix, as progress.
 */
export async function ensureSubgraphBuilt(log: (line: string) => void): Promise<void> {
  const reason = subgraphBuildReason();
  if (reason === null) return;
  log(`subgraph: ${reason}; building it with graph-cli (codegen + build, about 15 s)`);
  const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
  const child = spawn(tsx, [join(repoRoot, 'subgraph', 'scripts', 'buildSubgraph.ts')], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const relay = (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-4000);
    for (const line of text.split('\n')) {
      // graph-cli redraws spinners with carriage returns: keep each redraw's last state.
      const shown = line.split('\r').at(-1)?.trim() ?? '';
      if (shown) log(`subgraph build | ${shown}`);
    }
  };
  child.stdout.on('data', relay);
  child.stderr.on('data', relay);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) {
    throw new DevnetError(`the subgraph build failed (exit ${String(code)}); its last output:\n${tail}`);
  }
}
