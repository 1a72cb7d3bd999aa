import { readFileSync } from 'node:fs';
import { Wallet, ZeroAddress, getAddress, isAddress } from 'ethers';
import { errorCode } from '../config/loadSigner.js';
import type { Logger } from 'pino';
import type { KeeperConfig } from '../config/configSchema.js';
import { ConfigError } from '../errors/KeeperError.js';
import type { Address } from '../model/types.js';

type SignerConfig = NonNullable<KeeperConfig['signer']>;

/** A signer's address without unlocking it: an encrypted keystore names it in the clear. */
function addressOf(signer: SignerConfig): Address {
  if ('privateKey' in signer) {
    try {
      return new Wallet(signer.privateKey.reveal()).address.toLowerCase() as Address;
    } catch {
      throw new ConfigError('signer.privateKey is not a valid private key');
    }
  }
  let address: unknown;
  try {
    address = (JSON.parse(readFileSync(signer.keystore, 'utf8')) as { address?: unknown }).address;
  } catch (cause) {
    throw new ConfigError(`cannot read signer.keystore (${errorCode(cause)})`);
  }
  if (typeof address !== 'string' || !isAddress(address.startsWith('0x') ? address : `0x${address}`))
    throw new ConfigError('signer.keystore names no address');
  return getAddress(address.startsWith('0x') ? address : `0x${address}`).toLowerCase() as Address;
}

/**
 * The addresses we liquidate from: the signer, then the execution key pool (whose freezes are ours to
 * complete too). A dry run needs only the addresses, so no password is asked; a raw key is accepted with a
 * warning.
 */
export function ourAddresses(config: KeeperConfig, log: Logger): [Address, ...Address[]] {
  const signer = config.signer;
  if (signer && 'privateKey' in signer)
    log.warn('signer given as a raw private key: prefer an encrypted keystore');
  if (signer) {
    const primary = addressOf(signer);
    const pool = config.execution.signerPool.map(addressOf);
    return [primary, ...pool.filter((a, i) => a !== primary && pool.indexOf(a) === i)];
  }
  if (config.liquidator) return [config.liquidator];
  log.info('no signer or liquidator address configured: planning as an outside observer');
  return [ZeroAddress as Address];
}
