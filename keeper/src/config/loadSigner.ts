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
      throw new ConfigError(
        `cannot read signer.passwordFile ${signer.passwordFile}: ${(cause as Error).message}`,
        { cause },
      );
    }
  }
  if (signer.passwordEnv) {
    const value = env[signer.passwordEnv];
    if (value === undefined)
      throw new ConfigError(`signer.passwordEnv names ${signer.passwordEnv}, which is not set`);
    return value;
  }
  if (!prompt) {
    throw new ConfigError(
      'the keystore needs a password: set signer.passwordFile or signer.passwordEnv (no terminal to ask on)',
    );
  }
  return prompt(`password for keystore ${signer.keystore}: `);
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
    throw new ConfigError(`cannot read keystore ${signer.keystore}: ${(cause as Error).message}`, { cause });
  }
  const prompt = options.prompt ?? (process.stdin.isTTY ? promptHidden : undefined);
  const password = await keystorePassword(signer, options.env, prompt);
  try {
    return await Wallet.fromEncryptedJson(json, password);
  } catch (cause) {
    throw new ConfigError(`cannot decrypt keystore ${signer.keystore}: wrong password or not a keystore`, {
      cause,
    });
  }
}
