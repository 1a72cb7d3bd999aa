import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { SUBGRAPH_DIR, parsePrepareArgs, prepareManifest } from './prepareManifest.js';

const GRAPH_BIN = path.resolve(SUBGRAPH_DIR, '..', 'node_modules', '.bin', 'graph');

const USAGE = `usage: npm run subgraph:deploy -- --network <devnet|sepolia|mainnet> --node <admin url> --ipfs <ipfs url>
       [--name <subgraph name>] [--version-label <label>] [prepare flags: --margin-module, --start-block, ...]

Builds the subgraph for the network and deploys it with graph-cli's own create and deploy to a graph-node
(admin JSON-RPC, usually port 8020) and its IPFS (usually port 5001). The default name is dex223-keeper/<network>;
the keeper then reads http://<graph-node>:8000/subgraphs/name/<name>.`;

interface DeployArgs {
  node: string;
  ipfs: string;
  name?: string;
  versionLabel: string;
  prepareArgs: string[];
}

function parseDeployArgs(argv: readonly string[]): DeployArgs {
  const own: Record<string, string> = {};
  const prepareArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag = '', inline] = (argv[i] ?? '').split('=', 2);
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    const value = inline ?? argv[i + 1];
    if (['--node', '--ipfs', '--name', '--version-label'].includes(flag)) {
      if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
      own[flag.slice(2)] = value;
      if (inline === undefined) i++;
    } else {
      prepareArgs.push(argv[i] ?? '');
    }
  }
  if (!own.node || !own.ipfs) throw new Error(`--node and --ipfs are required\n${USAGE}`);
  for (const key of ['node', 'ipfs']) {
    try {
      new URL(own[key] ?? '');
    } catch {
      throw new Error(`--${key} must be a URL, got ${own[key]}`);
    }
  }
  return {
    node: own.node,
    ipfs: own.ipfs,
    name: own.name,
    versionLabel: own['version-label'] ?? `v${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 12)}`,
    prepareArgs,
  };
}

function graph(args: string[]): void {
  const result = spawnSync(GRAPH_BIN, args, {
    cwd: SUBGRAPH_DIR,
    stdio: 'inherit',
    env: { ...process.env, GRAPH_SKIP_NEW_VERSION_CHECK: 'true' },
  });
  if (result.error) throw new Error(`graph ${args[0]} could not start`, { cause: result.error });
  if (result.status !== 0) throw new Error(`graph ${args[0]} failed (exit ${String(result.status)})`);
}

function main(): void {
  const args = parseDeployArgs(process.argv.slice(2));
  if (!existsSync(GRAPH_BIN)) throw new Error(`${GRAPH_BIN} not found; run npm ci at the repo root first`);
  // The manifest and the build go to a folder of their own, so a deploy never touches subgraph/build; inside
  // subgraph/, because graph-cli looks for graph-ts in the node_modules above the manifest.
  const work = mkdtempSync(path.join(SUBGRAPH_DIR, '.deploy-'));
  try {
    const prepared = prepareManifest({
      ...parsePrepareArgs(args.prepareArgs),
      outFile: path.join(work, 'subgraph.yaml'),
    });
    const name = args.name ?? `dex223-keeper/${prepared.values.network}`;
    console.log(
      `deploying ${name} (${prepared.values.network}: MarginModule ${prepared.values.marginModuleAddress} from block ${prepared.values.marginModuleStartBlock}) to ${args.node}`,
    );
    graph(['codegen', prepared.outFile, '--output-dir', path.join(SUBGRAPH_DIR, 'generated')]);
    try {
      graph(['create', '--node', args.node, name]);
    } catch {
      // graph-node refuses to create a name twice; a real problem (node unreachable) fails the deploy below.
      console.log(`graph create did not succeed (${name} may exist already); deploying to it anyway`);
    }
    graph([
      'deploy',
      '--node',
      args.node,
      '--ipfs',
      args.ipfs,
      '--version-label',
      args.versionLabel,
      '--output-dir',
      path.join(work, 'build'),
      '--skip-migrations',
      name,
      prepared.outFile,
    ]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
