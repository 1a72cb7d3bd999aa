import { readFileSync } from 'node:fs';
import { Wallet, ZeroAddress, getAddress } from 'ethers';
import type { Logger } from 'pino';
import type { KeeperConfig } from '../config/configSchema.js';
import { ConfigError } from '../errors/KeeperError.js';
import type { Address } from '../model/types.js';

/**
 * The address we liquidate from. A dry run needs only the address: an encrypted keystore names it in the
 * clear, so no password is asked; a raw key is accepted with a warning.
 */
export function ourAddresses(config: KeeperConfig, log: Logger): [Address, ...Address[]] {
  const signer = config.signer;
  if (signer && 'privateKey' in signer) {
    log.warn('signer given as a raw private key: prefer an encrypted keystore');
    try {
      return [new Wallet(signer.privateKey.reveal()).address.toLowerCase() as Address];
    } catch {
      throw new ConfigError('signer.privateKey is not a valid private key');
    }
  }
  if (signer && 'keystore' in signer) {
    let address: unknown;
    try {
      address = (JSON.parse(readFileSync(signer.keystore, 'utf8')) as { address?: unknown }).address;
    } catch (cause) {
      throw new ConfigError(`cannot read keystore ${signer.keystore}: ${(cause as Error).message}`, {
        cause,
      });
    }
    if (typeof address !== 'string') throw new ConfigError(`keystore ${signer.keystore} names no address`);
    return [getAddress(address.startsWith('0x') ? address : `0x${address}`).toLowerCase() as Address];
  }
  if (config.liquidator) return [config.liquidator];
  log.info('no signer or liquidator address configured: planning as an outside observer');
  return [ZeroAddress as Address];
}
