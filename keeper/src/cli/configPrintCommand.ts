import { stringify } from 'yaml';
import { loadConfig } from '../config/loadConfig.js';
import type { KeeperConfig } from '../config/configSchema.js';

/** Amounts print in wei (exact), secrets as `[redacted]` (Secret's own JSON form), everything else as is. */
function printable(config: KeeperConfig): unknown {
  return JSON.parse(
    JSON.stringify(config, (_key, value: unknown) => (typeof value === 'bigint' ? `${value} wei` : value)),
  );
}

/**
 * `dex223-keeper config print`: the effective settings after defaults, the file, `DEX223_KEEPER_*` variables and
 * flags are merged and validated, as YAML the keeper would accept back (amounts in wei, secrets redacted).
 */
export function configPrintCommand(options: {
  flags: Record<string, string | boolean>;
  env: NodeJS.ProcessEnv;
  print: (line: string) => void;
}): number {
  const { config: file, ...flags } = options.flags;
  const config = loadConfig({ file: typeof file === 'string' ? file : undefined, env: options.env, flags });
  options.print(stringify(printable(config)).trimEnd());
  return 0;
}
