import { parseArgs } from 'node:util';
import { runDevnet } from '../../../devnet/cli/runDevnet.js';
import { parseFlags } from './parseFlags.js';
import { runCommand } from './runCommand.js';
import { statusCommand } from './statusCommand.js';

const usage = `usage: dex223-keeper <command> [options]

commands:
  run --dry-run [--config file] [--<key> value ...]
            follow the chain and print, per block, the positions tracked, at risk and liquidatable, and the
            plan (sending transactions arrives with the execution module)
  status [--config file] [--top n]
            the positions nearest to liquidation: health, time to liquidation, reward
  Configuration: a YAML file, DEX223_KEEPER_* environment variables, or flags (--rpc-urls, --subgraph-url,
  --chain-id, --margin-module, --thresholds.min-profit, ...); flags win over env, env over the file.

  devnet    start a local devnet (anvil, Dex223 stand-in contracts, a small market) and produce blocks
            --block-interval-ms <n>   wall-clock time between blocks (default 1000)
            --seconds-per-block <n>   chain time between blocks (default 12)
            --exit-when-done          stop after setting up instead of producing blocks
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
  if (command === 'devnet') {
    const { values } = parseArgs({
      args: rest,
      options: {
        'block-interval-ms': { type: 'string', default: '1000' },
        'seconds-per-block': { type: 'string', default: '12' },
        'exit-when-done': { type: 'boolean', default: false },
      },
      strict: true,
    });
    const blockIntervalMs = Number(values['block-interval-ms']);
    const secondsPerBlock = Number(values['seconds-per-block']);
    if (!Number.isInteger(blockIntervalMs) || blockIntervalMs < 10) {
      throw new Error(`--block-interval-ms must be an integer >= 10, got ${values['block-interval-ms']}`);
    }
    if (!Number.isInteger(secondsPerBlock) || secondsPerBlock < 1) {
      throw new Error(`--seconds-per-block must be an integer >= 1, got ${values['seconds-per-block']}`);
    }
    await runDevnet({
      blockIntervalMs,
      secondsPerBlock,
      exitWhenDone: values['exit-when-done'],
      log: (line) => console.log(line),
    });
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
