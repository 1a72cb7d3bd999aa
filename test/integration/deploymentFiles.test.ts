import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../keeper/src/config/loadConfig.js';

// No Docker engine runs here: these tests check what can be checked without one — that the files parse, that
// every service's command and environment are what the keeper and graph-node accept, and that the image's
// entry point runs the CLI with production dependencies only (the image's steps replayed in a folder).

const repo = join(import.meta.dirname, '..', '..');

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parseYaml(readFileSync(join(repo, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

/** Compose's `${VAR:-default}` / `${VAR:?message}` with the given variables set. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::[-?]([^}]*))?\}/g, (_, name: string, fallback: string | undefined) => {
    const set = vars[name];
    if (set !== undefined) return set;
    if (fallback !== undefined && !/^set /.test(fallback)) return fallback;
    throw new Error(`${name} is required by docker-compose.yml`);
  });
}

const service = (name: string): Service => {
  const s = compose.services[name];
  if (!s) throw new Error(`docker-compose.yml has no ${name} service`);
  return s;
};

describe('docker-compose.yml', () => {
  const vars = { RPC_URL: 'http://node.example:8545', FLASHBOTS_AUTH_KEY: `0x${'11'.repeat(32)}` };

  it('has graph-node, postgres, ipfs and the keeper, each with a health check and volumes where state lives', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['graph-node', 'ipfs', 'keeper', 'postgres']);
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.healthcheck?.test.length, name).toBeGreaterThan(1);
    }
    for (const [name, target] of [
      ['postgres', '/var/lib/postgresql/data'],
      ['ipfs', '/data/ipfs'],
    ] as const) {
      expect(
        service(name).volumes?.some((v) => v.endsWith(`:${target}`)),
        name,
      ).toBe(true);
    }
    expect(Object.keys(compose.volumes)).toEqual(['postgres-data', 'ipfs-data']);
  });

  it("gives graph-node only the variables its image reads, pointing at this file's postgres and ipfs", () => {
    // The graph-node image's start script reads these (plus the GRAPH_* and ETHEREUM_* tuning variables).
    const known = new Set([
      'postgres_host',
      'postgres_port',
      'postgres_user',
      'postgres_pass',
      'postgres_db',
      'ipfs',
      'ethereum',
    ]);
    const env = service('graph-node').environment ?? {};
    for (const key of Object.keys(env))
      expect(known.has(key) || /^(GRAPH|ETHEREUM)_/.test(key), key).toBe(true);
    const pg = service('postgres').environment ?? {};
    expect(env.postgres_host).toBe('postgres');
    expect(env.postgres_user).toBe(pg.POSTGRES_USER);
    expect(env.postgres_db).toBe(pg.POSTGRES_DB);
    expect(interpolate(env.postgres_pass ?? '', vars)).toBe(interpolate(pg.POSTGRES_PASSWORD ?? '', vars));
    expect(pg.POSTGRES_INITDB_ARGS).toMatch(/--locale=C/);
    expect(env.ipfs).toBe('ipfs:5001');
    // <network>:<url>, where the network is one the subgraph is built for.
    const [network, ...url] = interpolate(env.ethereum ?? '', vars).split(':');
    expect(
      readFileSync(join(repo, 'subgraph', 'networks', `${network}.json`), 'utf8').length,
    ).toBeGreaterThan(0);
    expect(url.join(':')).toBe(vars.RPC_URL);
    expect(() => interpolate(env.ethereum ?? '', {})).toThrow(/RPC_URL is required/);
  });

  it("runs the keeper with a command and environment the keeper's own config loader accepts", () => {
    const keeper = service('keeper');
    expect(keeper.build).toBe('.');
    const mounts = new Map((keeper.volumes ?? []).map((v) => [v.split(':')[1], v.split(':')[0]]));
    const [command, flag, path] = keeper.command ?? [];
    expect([command, flag]).toEqual(['run', '--config']);
    // The mounted file is the operator's copy of keeper.example.yaml.
    expect(mounts.get(path)).toBe('./keeper.yaml');
    const env = Object.fromEntries(
      Object.entries(keeper.environment ?? {}).map(([k, v]) => [k, interpolate(v, vars)]),
    );
    const config = loadConfig({ file: join(repo, 'keeper.example.yaml'), env });
    expect(config.rpcUrls).toEqual([vars.RPC_URL]);
    expect(config.ops.host).toBe('0.0.0.0');
    expect(config.flashbotsAuthKey?.reveal()).toBe(vars.FLASHBOTS_AUTH_KEY);
    // The subgraph URL points at graph-node's query port, under the name subgraph:deploy gives it.
    const url = new URL(config.subgraphUrl);
    expect(url.hostname).toBe('graph-node');
    expect(service('graph-node').ports?.some((p) => p.endsWith(`:${url.port}`))).toBe(true);
    expect(url.pathname).toBe('/subgraphs/name/dex223-keeper/sepolia');
    // The keystore the example points at lives in the mounted secrets folder.
    expect(mounts.get('/secrets')).toBe('./secrets');
    expect(config.signer && 'keystore' in config.signer ? config.signer.keystore : '').toMatch(
      /^\/secrets\//,
    );
    expect(keeper.ports?.some((p) => p.endsWith(`:${config.ops.port}`))).toBe(true);
  });
});

describe('Dockerfile', () => {
  const lines = readFileSync(join(repo, 'Dockerfile'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const lastFrom = lines.map((l) => l.startsWith('FROM ')).lastIndexOf(true);
  const runtime = lines.slice(lastFrom);
  let app: string;

  beforeAll(() => {
    // The image's steps, replayed in a folder: the deps stage's npm ci, then the runtime stage's COPYs.
    app = join(mkdtempSync(join(tmpdir(), 'dex223-image-')), 'app');
    mkdirSync(app, { recursive: true });
    const install = lines.find((l) => l.startsWith('RUN npm ci'));
    expect(install).toMatch(/--omit=dev/);
    for (const file of ['package.json', 'package-lock.json']) cpSync(join(repo, file), join(app, file));
    execFileSync('npm', (install ?? '').slice('RUN npm '.length).split(/\s+/).concat('--prefer-offline'), {
      cwd: app,
      stdio: 'pipe',
    });
    for (const line of runtime.filter((l) => l.startsWith('COPY ') && !l.includes('--from='))) {
      const parts = line.split(/\s+/).slice(1);
      const dest = parts.pop() ?? '';
      for (const src of parts) {
        const target = dest.endsWith('/') ? join(app, dest, src.split('/').at(-1) ?? '') : join(app, dest);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(join(repo, src), target, { recursive: true });
      }
    }
  }, 180_000);
  afterAll(() => rmSync(dirname(app), { recursive: true, force: true }));

  it('is multi-stage and runs as a non-root user', () => {
    expect(lines.filter((l) => l.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    const user = runtime.find((l) => l.startsWith('USER '));
    expect(user).toBeDefined();
    expect(user).not.toMatch(/USER (root|0)\b/);
  });

  it('runs the CLI from its entry point with production dependencies only', () => {
    const entry = JSON.parse(
      runtime.find((l) => l.startsWith('ENTRYPOINT '))?.slice('ENTRYPOINT '.length) ?? '[]',
    ) as string[];
    const cmd = JSON.parse(
      runtime.find((l) => l.startsWith('CMD '))?.slice('CMD '.length) ?? '[]',
    ) as string[];
    expect(entry[0]).toBe('node');
    const run = (args: string[]) =>
      spawnSync(process.execPath, [...entry.slice(1), ...args], {
        cwd: app,
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      });
    for (const args of [['--help'], ['run', '--help'], ['status', '--help'], ['--version']]) {
      const result = run(args);
      expect(result.status, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    // The default command's own help, and the example config through the loader the keeper uses.
    expect(run([cmd[0] ?? '', '--help']).stdout).toMatch(/usage: dex223-keeper run/);
    const printed = run(['config', 'print', '--config', 'keeper.example.yaml']);
    expect(printed.status, printed.stderr).toBe(0);
    expect(printed.stdout).toMatch(/marginModule: "0x1bb3b0fee74d530d8c3c532a7683285a76fb9e4b"/);
    // Nothing of the devnet or the tests is in the image.
    expect(spawnSync('ls', [join(app, 'node_modules', 'vitest')]).status).not.toBe(0);
  });
});
