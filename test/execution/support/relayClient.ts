import { Wallet } from 'ethers';
import type { Devnet } from '../../../devnet/Devnet.js';
import { FlashbotsRelay } from '../../../keeper/src/execution/FlashbotsRelay.js';

/** The keeper's client for a relay on the devnet, signing with a fixed test auth key (one per test file). */
export function relayClient(
  devnet: Devnet,
  url: string,
  authKeyByte: string,
  timeoutMs = 5000,
): FlashbotsRelay {
  return new FlashbotsRelay({
    url,
    authSigner: new Wallet(`0x${authKeyByte.repeat(32)}`),
    chain: devnet.provider,
    chainId: devnet.chainId,
    timeoutMs,
  });
}
