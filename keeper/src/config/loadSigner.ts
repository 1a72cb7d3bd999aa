import { readFileSync } from 'node:fs';
import { Wallet, type HDNodeWallet } from 'ethers';
import type { Logger } from 'pino';
import { ConfigError } from '../errors/KeeperError.js';
import type { KeeperConfig } from './configSchema.js';
import { promptHidden } from './promptHidden.js';

type SignerConfig = NonNullable<KeeperConfig['signer']>;

async function keystorePassword(
  signer: Extract<SignerConfig, { keystore: string }>,
  env: NodeJS.ProcessEnv,
  prompt: ((question: string) => Promise<string>) | undefined,
): Promise<string> {
  if (signer.passwordFile) {
    try {
      // The first line: an editor's trailing newline is not part of the password.
      return readFileSync(signer.passwordFile, 'utf8').split(/\r?\n/)[0] ?? '';
    } catch (cause) {
      // Neither the path nor the system's message (which repeats it): a password pasted here stays unsaid.
      throw new ConfigError(`cannot read signer.passwordFile (${errorCode(cause)})`);
    }
  }
  if (signer.passwordEnv) {
    const value = env[signer.passwordEnv];
    if (value === undefined)
      throw new ConfigError('the environment variable signer.passwordEnv names is not set (name not shown)');
    return value;
  }
  if (!prompt) {
    throw new ConfigError(
      'the keystore needs a password: set signer.passwordFile or signer.passwordEnv (no terminal to ask on)',
    );
  }
  return prompt(`password for keystore ${signer.keystore}: `);
}

/** A file system error's code (ENOENT …): its message would repeat the path. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unreadable';
}

/**
 * The liquidator's signing key: from an encrypted keystore (password from a file, an environment variable, or
 * asked on the terminal), or from a raw private key, accepted with a warning. Neither is ever logged.
 */
export async function loadSigner(
  signer: SignerConfig,
  options: { env: NodeJS.ProcessEnv; log: Logger; prompt?: (question: string) => Promise<string> },
): Promise<Wallet | HDNodeWallet> {
  if ('privateKey' in signer) {
    options.log.warn('signer given as a raw private key: prefer an encrypted keystore');
    try {
      return new Wallet(signer.privateKey.reveal());
    } catch {
      throw new ConfigError('signer.privateKey is not a valid private key');
    }
  }
  let json: string;
  try {
    json = readFileSync(signer.keystore, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read signer.keystore (${errorCode(cause)})`);
  }
  const prompt = options.prompt ?? (process.stdin.isTTY ? promptHidden : undefined);
  const password = await keystorePassword(signer, options.env, prompt);
  try {
    return await Wallet.fromEncryptedJson(json, password);
  } catch (cause) {
    throw new ConfigError('cannot decrypt signer.keystore: wrong password or not a keystore', { cause });
  }
}
