import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadArtifacts } from '../compile/compileContracts.js';
import { ensureSubgraphBuilt } from './ensureSubgraphBuilt.js';
import { runDevnet } from './runDevnet.js';

export const devnetUsage = `usage: npm run devnet -- [options]     (or: node bin/dex223-devnet.mjs [options])

The local devnet: anvil, the Dex223 stand-in contracts, a market, the graph host indexing our subgraph, a
Flashbots-style relay, and a funded keeper liquidating through bundles. Builds what it needs first (contracts,
subgraph). Addresses, URLs and a funded test account are written to devnet/build/deployment.json. Ctrl-C stops it.

options:
  --generation <1|2|3>        the MarginModule generation (default 3, what is deployed today: one global TWAP
                              oracle, 2d3ffd2 over 1800 s; 2: the 2090499 module with that TWAP oracle per
                              order; 1: the 2025-10-06 module with the spot oracle)
  --scenario <market|crash>   market: prices wander until Ctrl-C or --steps; crash: every price drops at once,
                              the keeper liquidates, and a summary line ends it (default market)
  --positions <n>             positions in the market (default 50)
  --steps <n>                 market: stop after n steps (default 0: until Ctrl-C)
  --step-interval-ms <n>      market: wall-clock time between steps (default 1000)
  --block-time <s>            mine a block every s seconds of wall-clock time once the scenario runs, whatever
                              the keeper does, as on a real chain (default: none, blocks wait for the keeper)
  --seconds-per-block <n>     chain time between blocks (default: the block time, else 12)
  --subgraph-lag <blocks>     the graph host answers this many blocks behind the chain head (default 0)
  --seed <n>                  market randomness, and which builder builds each block (default 223)
  --builders <n>              1-4 builders (flashbots, beaverbuild, titan, rsync), each building its seeded
                              share of blocks; the relay (flashbots) forwards to those a bundle's builders
                              field names; their URLs go to deployment.json (default 1)
  --no-keeper                 run everything but the built-in keeper (to run your own against the devnet)
  --exit-when-done            market: stop after setting up; crash: stop after the summary line
  -h, --help                  this text
`;

function integer(values: Record<string, unknown>, name: string, min: number): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be an integer >= ${min}, got ${String(values[name])}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'step-interval-ms': { type: 'string', default: '1000' },
      'seconds-per-block': { type: 'string' },
      'block-time': { type: 'string' },
      'subgraph-lag': { type: 'string', default: '0' },
      positions: { type: 'string', default: '50' },
      steps: { type: 'string', default: '0' },
      seed: { type: 'string', default: '223' },
      builders: { type: 'string', default: '1' },
      'exit-when-done': { type: 'boolean', default: false },
      'no-keeper': { type: 'boolean', default: false },
      scenario: { type: 'string', default: 'market' },
      generation: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(devnetUsage);
    return 0;
  }
  const scenario = values.scenario;
  if (scenario !== 'market' && scenario !== 'crash') {
    throw new Error(`--scenario must be market or crash, got ${scenario}`);
  }
  const generation = Number(values.generation);
  if (generation !== 1 && generation !== 2 && generation !== 3) {
    throw new Error(`--generation must be 1, 2 or 3, got ${values.generation}`);
  }
  // Every flag is checked before anything is built, so a typo fails at once.
  const blockTimeSec = values['block-time'] === undefined ? undefined : integer(values, 'block-time', 1);
  const run = {
    stepIntervalMs: integer(values, 'step-interval-ms', 10),
    secondsPerBlock:
      values['seconds-per-block'] === undefined
        ? (blockTimeSec ?? 12)
        : integer(values, 'seconds-per-block', 1),
    blockTimeSec,
    subgraphLag: integer(values, 'subgraph-lag', 0),
    positions: integer(values, 'positions', 1),
    steps: integer(values, 'steps', 0),
    seed: integer(values, 'seed', 0),
    builders: integer(values, 'builders', 1),
    exitWhenDone: values['exit-when-done'],
    keeper: !values['no-keeper'],
    generation,
    scenario,
  } as const;
  const log = (line: string) => console.log(line);
  const compileStarted = performance.now();
  log('contracts: compiling with solc-js 0.7.6 where sources changed');
  loadArtifacts();
  log(`contracts: ready in ${((performance.now() - compileStarted) / 1000).toFixed(1)} s`);
  await ensureSubgraphBuilt(log);
  await runDevnet({ ...run, log });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`devnet: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
