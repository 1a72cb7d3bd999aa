import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { startGraphHost, type GraphHostOptions } from './GraphHost.js';
import { GraphHostError } from './GraphHostError.js';

const USAGE = `usage: tsx devnet/graph-host/cli.ts --rpc <url> [--chain-id 31337] [--build-dir subgraph/build]
       [--port 8000] [--host 127.0.0.1] [--name dex223/margin] [--poll-ms 100]
       [--lag-blocks 0]   (answer that many blocks behind the chain head)`;

const FLAGS = {
  '--rpc': 'rpcUrl',
  '--chain-id': 'chainId',
  '--build-dir': 'buildDir',
  '--port': 'port',
  '--host': 'host',
  '--name': 'subgraphName',
  '--poll-ms': 'pollIntervalMs',
  '--lag-blocks': 'lagBlocks',
} as const;
const NUMERIC = new Set(['chainId', 'port', 'pollIntervalMs', 'lagBlocks']);

export function parseGraphHostArgs(argv: readonly string[]): GraphHostOptions {
  const options: Record<string, string | number> = { chainId: 31337 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = (argv[i] ?? '').split('=', 2) as [string, string | undefined];
    const key = FLAGS[flag as keyof typeof FLAGS];
    if (key === undefined) throw new GraphHostError(`unknown argument ${flag}\n${USAGE}`);
    const raw = inline ?? argv[++i];
    if (raw === undefined || raw.startsWith('--'))
      throw new GraphHostError(`${flag} needs a value\n${USAGE}`);
    if (NUMERIC.has(key)) {
      if (!/^\d+$/.test(raw)) throw new GraphHostError(`${flag} must be a non-negative integer, got ${raw}`);
      options[key] = Number(raw);
    } else {
      options[key] = raw;
    }
  }
  if (options.rpcUrl === undefined) throw new GraphHostError(`--rpc is required\n${USAGE}`);
  return options as unknown as GraphHostOptions;
}

/** Runs the graph host against a running chain until SIGINT/SIGTERM; prints its GraphQL URL first. */
async function main(): Promise<void> {
  const options = parseGraphHostArgs(process.argv.slice(2));
  const host = await startGraphHost({
    ...options,
    log: (entry) => console.log(`[${entry.level}] ${entry.message}`),
    onMappingLog: (entry) => {
      if (entry.level !== 'debug')
        console.log(`[mapping ${entry.level}] ${entry.handler}@${entry.blockNumber}: ${entry.message}`);
    },
  });
  console.log(`graph host: ${host.url}`);
  console.log(
    `  indexing ${host.subgraph.manifestFile} (deployment ${host.subgraph.deploymentId}) from ${options.rpcUrl}`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const status = host.indexer.status();
  await host.stop();
  console.log(`stopped at block ${status.head?.number ?? 'none'} (${status.state})`);
}

function isMain(): boolean {
  const entry = process.argv[1];
  return entry !== undefined && import.meta.url === pathToFileURL(realpathSync(entry)).href;
}

if (isMain()) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
