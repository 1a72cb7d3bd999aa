import { readFileSync } from 'node:fs';
import { configPrintCommand } from './configPrintCommand.js';
import { parseFlags } from './parseFlags.js';
import { reportCommand } from './reportCommand.js';
import { runCommand } from './runCommand.js';
import { TerminalOutput } from './TerminalOutput.js';
import { statusCommand } from './statusCommand.js';

const configHelp = `Configuration: a YAML file (--config <file>), DEX223_KEEPER_* environment variables, or flags
(--rpc-urls, --subgraph-url, --chain-id, --margin-module, --thresholds.min-profit, ...); flags win over env, env
over the file. keeper.example.yaml explains every setting and its units.`;

const usage = `usage: dex223-keeper <command> [options]

commands:
  run            follow the chain and liquidate (dex223-keeper run --help)
  status         the positions nearest to liquidation: health, time to liquidation, reward
  report         every liquidation of a period with our reward, gas and profit, and our share
  config print   the effective settings, secrets redacted

  --help, -h     this text (or a command's: dex223-keeper <command> --help)
  --version      the keeper's version

${configHelp}

The devnet (a local chain, market, graph host and relay) has its own command: npm run devnet -- --help
`;

const commandHelp: Record<string, string> = {
  run: `usage: dex223-keeper run [--dry-run] [--config <file>] [--<key> <value> ...]

Follows the chain and prints, per block, the positions tracked, at risk and liquidatable, and the plan; sends it
(Flashbots bundles to execution.relays, or the configured execution.mode) unless --dry-run. New heads come by
WebSocket newHeads when rpcUrls has a ws(s):// URL (polling over http(s) while the socket is down), else by polling.

  --dry-run        plan and print, send nothing (no signer needed)
  --config <file>  YAML configuration

${configHelp}
`,
  status: `usage: dex223-keeper status [--config <file>] [--top <n>] [--<key> <value> ...]

Prints the positions nearest to liquidation (health, time to liquidation, reward) and exits.

  --top <n>        how many positions (default 20)
  --config <file>  YAML configuration

${configHelp}
`,
  report: `usage: dex223-keeper report [--since <block|date>] [--json] [--config <file>] [--<key> <value> ...]

Every liquidation since the block (or date) from the subgraph's history (who froze, who completed, the
reward), joined with the receipts of our freezes and completions: reward, gas and profit per position and in
total, and our share of the market's liquidations. Rewards paid in ETH or WETH count 1:1; a reward in another
token is flagged and not valued. Nothing is stored locally.

  --since <block|date>  from this block number or date (ISO 8601); default: the whole history
  --json                one JSON document instead of lines

${configHelp}
`,
  config: `usage: dex223-keeper config print [--config <file>] [--<key> <value> ...]

Prints the effective settings (defaults, the file, DEX223_KEEPER_* variables and flags merged and validated) as
YAML, amounts in wei and secrets redacted.

${configHelp}
`,
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const print = (line: string) => console.log(line);
  if (command === '--version' || command === '-v') {
    print(version());
    return 0;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage);
    return 0;
  }
  const help = commandHelp[command ?? ''];
  if (help !== undefined) {
    const { flags, positionals } = parseFlags(rest);
    if (flags.help === true || flags.h === true || rest.includes('-h')) {
      process.stdout.write(help);
      return 0;
    }
    if (flags.version === true) {
      print(version());
      return 0;
    }
    if (command === 'run') {
      const terminal = TerminalOutput.forProcess();
      return runCommand({ flags, env: process.env, print: (line) => terminal.line(line), terminal });
    }
    if (command === 'status') return statusCommand({ flags, env: process.env, print });
    if (command === 'report') return reportCommand({ flags, env: process.env, print });
    if (positionals[0] === 'print' && positionals.length === 1) {
      return configPrintCommand({ flags, env: process.env, print });
    }
    process.stderr.write(help);
    return 2;
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
