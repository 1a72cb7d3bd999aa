import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors/KeeperError.js';
import { configSchema, type KeeperConfig } from './configSchema.js';

type Tree = Record<string, unknown>;

export const ENV_PREFIX = 'DEX223_KEEPER_';

/** Keys whose values are lists; env and flags give them comma-separated. */
const LIST_KEYS = new Set([
  'rpcUrls',
  'filters.lenders',
  'filters.orderIds',
  'execution.relays',
  'execution.builders',
]);

const camel = (snakeOrKebab: string) =>
  snakeOrKebab.toLowerCase().replace(/[-_]([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function setPath(tree: Tree, path: string[], raw: string): void {
  const key = path.join('.');
  let node = tree;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Tree;
  }
  const leaf = path[path.length - 1] ?? '';
  node[leaf] = LIST_KEYS.has(key)
    ? raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : raw;
}

/** A few env names read better flat; everything else maps `A__B_C` → `a.bC`. */
const ENV_ALIASES: Record<string, string[]> = {
  PRIVATE_KEY: ['signer', 'privateKey'],
  KEYSTORE: ['signer', 'keystore'],
  KEYSTORE_PASSWORD_FILE: ['signer', 'passwordFile'],
  KEYSTORE_PASSWORD_ENV: ['signer', 'passwordEnv'],
  MIN_PROFIT: ['thresholds', 'minProfit'],
  LOG_LEVEL: ['ops', 'logLevel'],
  OPS_PORT: ['ops', 'port'],
};

/** `DEX223_KEEPER_*` variables as a config tree. */
export function configFromEnv(env: NodeJS.ProcessEnv): Tree {
  const tree: Tree = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || value === undefined) continue;
    const rest = name.slice(ENV_PREFIX.length);
    setPath(tree, ENV_ALIASES[rest] ?? rest.split('__').map(camel), value);
  }
  return tree;
}

/** `--rpc-urls a,b --thresholds.min-profit 0.01 --dry-run` as a config tree. */
export function configFromFlags(flags: Record<string, string | boolean | undefined>): Tree {
  const tree: Tree = {};
  for (const [name, value] of Object.entries(flags)) {
    if (value === undefined) continue;
    setPath(tree, name.split('.').map(camel), String(value));
  }
  return tree;
}

function deepMerge(base: Tree, over: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    const bothObjects =
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      typeof current === 'object' &&
      current !== null &&
      !Array.isArray(current);
    out[key] = bothObjects ? deepMerge(current as Tree, value as Tree) : value;
  }
  return out;
}

export function readConfigFile(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read config file ${path}: ${(cause as Error).message}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (cause) {
    throw new ConfigError(`config file ${path} is not valid YAML: ${(cause as Error).message}`, { cause });
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError(`config file ${path} must be a mapping`);
  return parsed as Tree;
}

/**
 * The keeper's configuration from (lowest to highest precedence) defaults, a YAML file, `DEX223_KEEPER_*`
 * environment variables and command-line flags, validated by one schema. Errors name the key and the
 * problem, never a secret's value.
 */
export function loadConfig(sources: {
  file?: string;
  env?: NodeJS.ProcessEnv;
  flags?: Record<string, string | boolean | undefined>;
}): KeeperConfig {
  const fromFile = sources.file ? readConfigFile(sources.file) : {};
  const merged = deepMerge(
    deepMerge(fromFile, configFromEnv(sources.env ?? {})),
    configFromFlags(sources.flags ?? {}),
  );
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const at = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
      return `  ${at}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
  }
  return result.data;
}

/** Flag names that carry a raw private key (anyone on the machine sees a command line: `ps`, shell history). */
const KEY_FLAGS = new Set(['signer.privateKey', 'privateKey', 'flashbotsAuthKey']);

/** Warnings about how the configuration was given (a key as a flag), for the log; never the values. */
export function flagWarnings(flags: Record<string, string | boolean | undefined>): string[] {
  const warnings: string[] = [];
  for (const name of Object.keys(flags)) {
    const key = name.split('.').map(camel).join('.');
    if (KEY_FLAGS.has(key)) {
      warnings.push(
        `--${name} puts a private key on the command line, where other users and shell history see it: ` +
          `use ${ENV_PREFIX}PRIVATE_KEY, a config file or an encrypted keystore`,
      );
    }
  }
  return warnings;
}
