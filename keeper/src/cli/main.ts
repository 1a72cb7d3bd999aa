import { parseFlags } from './parseFlags.js';
import { runCommand } from './runCommand.js';
import { statusCommand } from './statusCommand.js';

const usage = `usage: dex223-keeper <command> [options]

commands:
  run [--dry-run] [--config file] [--<key> value ...]
            follow the chain and print, per block, the positions tracked, at risk and liquidatable, and the
            plan; send it (Flashbots bundles to execution.relays, or the configured execution.mode) unless
            --dry-run
  status [--config file] [--top n]
            the positions nearest to liquidation: health, time to liquidation, reward
  Configuration: a YAML file, DEX223_KEEPER_* environment variables, or flags (--rpc-urls, --subgraph-url,
  --chain-id, --margin-module, --thresholds.min-profit, ...); flags win over env, env over the file.

  The devnet (a local chain, market, graph host and relay) has its own command: npm run devnet -- --help
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'run' || command === 'status') {
    const { flags } = parseFlags(rest);
    const print = (line: string) => console.log(line);
    return command === 'run'
      ? runCommand({ flags, env: process.env, print })
      : statusCommand({ flags, env: process.env, print });
  }
  process.stderr.write(command ? `unknown command: ${command}\n\n${usage}` : usage);
  return command ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`dex223-keeper: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
