import { parseArgs } from 'node:util';
import { runDevnet } from './runDevnet.js';

function scenarioOf(value: string | boolean | undefined): 'market' | 'crash' {
  if (value === 'market' || value === 'crash') return value;
  throw new Error(`--scenario must be market or crash, got ${String(value)}`);
}

/**
 * `dex223-keeper devnet …`: the devnet's own entry point (the bin dispatches here), so that the keeper's
 * code never imports the devnet and runs from an install without dev dependencies.
 */
async function devnetMain(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'step-interval-ms': { type: 'string', default: '1000' },
      'seconds-per-block': { type: 'string', default: '12' },
      positions: { type: 'string', default: '50' },
      steps: { type: 'string', default: '0' },
      seed: { type: 'string', default: '223' },
      'exit-when-done': { type: 'boolean', default: false },
      scenario: { type: 'string', default: 'market' },
    },
    strict: true,
  });
  const integer = (name: keyof typeof values, min: number): number => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} must be an integer >= ${min}, got ${values[name]}`);
    return n;
  };
  await runDevnet({
    stepIntervalMs: integer('step-interval-ms', 10),
    secondsPerBlock: integer('seconds-per-block', 1),
    positions: integer('positions', 1),
    steps: integer('steps', 0),
    seed: integer('seed', 0),
    exitWhenDone: values['exit-when-done'] === true,
    scenario: scenarioOf(values.scenario),
    log: (line) => console.log(line),
  });
  return 0;
}

devnetMain(process.argv.slice(3)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`dex223-keeper devnet: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
