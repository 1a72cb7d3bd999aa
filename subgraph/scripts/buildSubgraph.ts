import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SUBGRAPH_DIR, parsePrepareArgs, prepareManifest } from './prepareManifest.js';

// The repo's own graph-cli, so a fresh clone needs nothing installed globally.
const GRAPH_BIN = path.resolve(SUBGRAPH_DIR, '..', 'node_modules', '.bin', 'graph');

function runGraph(args: string[]): void {
  const started = performance.now();
  const result = spawnSync(GRAPH_BIN, args, {
    cwd: SUBGRAPH_DIR,
    stdio: 'inherit',
    // The update check is a network call; builds stay offline.
    env: { ...process.env, GRAPH_SKIP_NEW_VERSION_CHECK: 'true' },
  });
  if (result.error) throw new Error(`graph ${args[0]} could not start`, { cause: result.error });
  if (result.status !== 0) throw new Error(`graph ${args[0]} exited with status ${String(result.status)}`);
  console.log(`graph ${args[0]}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function main(): void {
  const started = performance.now();
  if (!existsSync(GRAPH_BIN)) throw new Error(`${GRAPH_BIN} not found; run npm ci at the repo root first`);
  const prepared = prepareManifest(parsePrepareArgs(process.argv.slice(2)));
  const manifest = path.relative(SUBGRAPH_DIR, prepared.outFile);
  console.log(`manifest ${manifest} prepared for ${prepared.values.network}`);
  runGraph(['codegen', manifest, '--output-dir', 'generated']);
  runGraph(['build', manifest, '--output-dir', 'build', '--skip-migrations']);
  console.log(`subgraph:build finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
