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

  devnet    the local devnet: anvil, the Dex223 stand-in contracts, a market, the graph host, and the keeper
            following it in dry-run mode
            --positions <n>           positions in the market (default 50)
            --steps <n>               stop after n market steps (default 0: until Ctrl-C)
            --step-interval-ms <n>    wall-clock time between market steps (default 1000)
            --seconds-per-block <n>   chain time between blocks (default 12)
            --seed <n>                market randomness (default 223)
            --scenario <market|crash> market: prices wander until Ctrl-C or --steps; crash: every price
                                      drops at once, the keeper liquidates, and a summary line ends it
            --exit-when-done          stop after setting up the chain and market
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'run' || command === 'status') {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(usage);
      return 0;
    }
    const { flags } = parseFlags(rest);
    const print = (line: string) => console.log(line);
    return command === 'run'
      ? runCommand({ flags, env: process.env, print })
      : statusCommand({ flags, env: process.env, print });
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage);
    return 0;
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
