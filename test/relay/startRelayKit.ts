import { FlashbotsBundleProvider } from '@flashbots/ethers-provider-bundle';
import {
  Wallet,
  keccak256,
  toBeHex,
  toUtf8Bytes,
  type JsonRpcProvider,
  type TransactionRequest,
} from 'ethers';
import { BlockProducer } from '../../devnet/chain/BlockProducer.js';
import { connectChain } from '../../devnet/chain/connectChain.js';
import { startAnvil, type Anvil } from '../../devnet/chain/startAnvil.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';

export const GWEI = 10n ** 9n;
export const WALLET_BALANCE_WEI = 10n ** 21n;

type FlashbotsArgs = Parameters<typeof FlashbotsBundleProvider.create>;

/** A bare anvil (no contracts), its block producer and a relay on it, with the Flashbots client library. */
export interface RelayKit {
  anvil: Anvil;
  provider: JsonRpcProvider;
  producer: BlockProducer;
  relay: Relay;
  /** `@flashbots/ethers-provider-bundle` pointed at the relay, signing with its own auth key. */
  flashbots: FlashbotsBundleProvider;
  authSigner: Wallet;
  chainId: number;
  /** A new key funded with `WALLET_BALANCE_WEI` (deterministic per kit and label order). */
  wallet(): Promise<Wallet>;
  /** Signs a type-2 transaction with test defaults (fees, gas limit, the sender's next nonce on chain). */
  sign(wallet: Wallet, tx: TransactionRequest): Promise<string>;
  stop(): Promise<void>;
}

export async function startRelayKit(options: { genesisTimestampSec?: number } = {}): Promise<RelayKit> {
  const anvil = await startAnvil({ genesisTimestampSec: options.genesisTimestampSec ?? 1_800_000_000 });
  const provider = await connectChain(anvil.rpcUrl, anvil.chainId);
  const producer = new BlockProducer(provider, { secondsPerBlock: 12 });
  let relay: Relay | undefined;
  try {
    relay = await startRelay({ provider, producer });
    const authSigner = new Wallet(keccak256(toUtf8Bytes('relay test auth key')));
    // The library is CommonJS typed against ethers' CommonJS build: the same ethers at run time.
    const flashbots = await FlashbotsBundleProvider.create(
      ...([provider, authSigner, relay.url, anvil.chainId] as unknown as FlashbotsArgs),
    );
    let wallets = 0;
    const kit: RelayKit = {
      anvil,
      provider,
      producer,
      relay,
      flashbots,
      authSigner,
      chainId: anvil.chainId,
      async wallet() {
        wallets += 1;
        const wallet = new Wallet(keccak256(toUtf8Bytes(`relay test wallet ${anvil.port} ${wallets}`)));
        await provider.send('anvil_setBalance', [wallet.address, toBeHex(WALLET_BALANCE_WEI)]);
        return wallet;
      },
      async sign(wallet, tx) {
        const nonce = tx.nonce ?? (await provider.getTransactionCount(wallet.address, 'latest'));
        return wallet.signTransaction({
          type: 2,
          chainId: anvil.chainId,
          gasLimit: 100_000n,
          maxFeePerGas: 20n * GWEI,
          maxPriorityFeePerGas: 1n * GWEI,
          value: 0n,
          data: '0x',
          ...tx,
          nonce,
        });
      },
      async stop() {
        await relay?.stop();
        await producer.stop();
        provider.destroy();
        await anvil.stop();
      },
    };
    return kit;
  } catch (err) {
    await relay?.stop();
    provider.destroy();
    await anvil.stop();
    throw err;
  }
}
