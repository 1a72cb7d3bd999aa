import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Wallet, encryptKeystoreJson } from 'ethers';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSigner } from './loadSigner.js';
import { Secret } from './Secret.js';

const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const PASSWORD = 'correct horse battery staple';
let dir: string;
let keystore: string;
const expected = new Wallet(KEY).address;

function capture() {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
  return { log, text: () => lines.join('') };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keeper-signer-'));
  keystore = join(dir, 'key.json');
  // A cheap scrypt setting keeps the test fast; real keystores use the default.
  const wallet = new Wallet(KEY);
  writeFileSync(
    keystore,
    await encryptKeystoreJson({ address: wallet.address, privateKey: KEY }, PASSWORD, {
      scrypt: { N: 1 << 4 },
    }),
  );
  writeFileSync(join(dir, 'password'), `${PASSWORD}\n`);
});

describe('loadSigner', () => {
  it('decrypts a keystore with the password from a file (first line) or from an environment variable', async () => {
    const { log } = capture();
    const fromFile = await loadSigner({ keystore, passwordFile: join(dir, 'password') }, { env: {}, log });
    expect(fromFile.address).toBe(expected);
    const fromEnv = await loadSigner(
      { keystore, passwordEnv: 'KEEPER_PW' },
      { env: { KEEPER_PW: PASSWORD }, log },
    );
    expect(fromEnv.address).toBe(expected);
  });

  it('asks on the terminal when no password source is configured', async () => {
    const { log } = capture();
    const asked: string[] = [];
    const wallet = await loadSigner(
      { keystore },
      {
        env: {},
        log,
        prompt: async (q) => {
          asked.push(q);
          return PASSWORD;
        },
      },
    );
    expect(wallet.address).toBe(expected);
    expect(asked[0]).toMatch(/password for keystore .*key\.json/);
  });

  it('fails clearly on a wrong password, a missing password source, or an unset variable', async () => {
    const { log } = capture();
    await expect(loadSigner({ keystore, passwordEnv: 'PW' }, { env: { PW: 'nope' }, log })).rejects.toThrow(
      /cannot decrypt signer.keystore: wrong password or not a keystore/,
    );
    await expect(loadSigner({ keystore }, { env: {}, log, prompt: undefined })).rejects.toThrow(
      process.stdin.isTTY ? /./ : /needs a password: set signer.passwordFile or signer.passwordEnv/,
    );
    await expect(loadSigner({ keystore, passwordEnv: 'UNSET' }, { env: {}, log })).rejects.toThrow(
      /the environment variable signer.passwordEnv names is not set/,
    );
    await expect(loadSigner({ keystore: join(dir, 'missing.json') }, { env: {}, log })).rejects.toThrow(
      /cannot read signer.keystore \(ENOENT\)/,
    );
  });

  it('never repeats a password or key pasted into a path or env-name field', async () => {
    const { log } = capture();
    const pasted = 'correct-horse-battery-staple';
    for (const signer of [
      { keystore: pasted },
      { keystore, passwordFile: pasted },
      { keystore, passwordEnv: pasted },
      { keystore: KEY },
    ]) {
      const err = await loadSigner(signer, { env: {}, log }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(String((err as Error).message)).not.toContain(pasted);
      expect(String((err as Error).message)).not.toContain(KEY.slice(2, 20));
    }
  });

  it('accepts a raw key with a warning that does not contain it', async () => {
    const { log, text } = capture();
    const wallet = await loadSigner({ privateKey: new Secret(KEY) }, { env: {}, log });
    expect(wallet.address).toBe(expected);
    expect(text()).toMatch(/raw private key/);
    expect(text()).not.toContain(KEY.slice(2, 20));
  });
});
