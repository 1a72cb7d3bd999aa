import {
  Contract,
  JsonRpcSigner,
  getAddress,
  keccak256,
  toUtf8Bytes,
  type JsonRpcProvider,
  type TransactionReceipt,
  type TransactionResponse,
} from 'ethers';
import { BlockProducer } from './chain/BlockProducer.js';
import { connectChain } from './chain/connectChain.js';
import { DevnetError } from './chain/DevnetError.js';
import { DevnetSigner } from './chain/DevnetSigner.js';
import { sendAndMine, sendInOneBlock } from './chain/sendAndMine.js';
import { startAnvil, type Anvil } from './chain/startAnvil.js';
import { loadArtifacts, type Artifacts } from './compile/compileContracts.js';
import {
  deployCore,
  type CoreAddresses,
  type CoreContracts,
  type ModuleGeneration,
  type ModuleOptions,
} from './deploy/deployCore.js';

export interface DevnetOptions extends ModuleOptions {
  chainId?: number;
  secondsPerBlock?: number;
  genesisTimestampSec?: number;
}

export interface AttachOptions extends DevnetOptions {
  rpcUrl: string;
  chainId: number;
}

const ACTOR_BALANCE_WEI = 10n ** 24n;

/** A deterministic, funded, impersonated account named by `seed`. */
async function fundedSigner(provider: JsonRpcProvider, seed: string): Promise<DevnetSigner> {
  const address = getAddress(`0x${keccak256(toUtf8Bytes(`dex223-keeper devnet ${seed}`)).slice(26)}`);
  await provider.send('anvil_setBalance', [address, `0x${ACTOR_BALANCE_WEI.toString(16)}`]);
  return new DevnetSigner(provider, address);
}

/**
 * A running devnet: the chain (our own anvil, or a node we attached to), its block producer, and the
 * deployed Dex223 stand-ins. `stop()` ends only the processes this object started.
 */
export class Devnet {
  private actorCount = 0;

  private constructor(
    readonly provider: JsonRpcProvider,
    readonly producer: BlockProducer,
    readonly chainId: number,
    readonly deployer: DevnetSigner,
    readonly artifacts: Artifacts,
    readonly addresses: CoreAddresses,
    readonly contracts: CoreContracts,
    readonly startBlock: number,
    /** The MarginModule generation deployed at addresses.marginModule. */
    readonly generation: ModuleGeneration,
    private readonly anvil: Anvil | undefined,
  ) {}

  /** Starts anvil (automine off) on a free port and deploys everything. */
  static async start(options: DevnetOptions = {}): Promise<Devnet> {
    const artifacts = loadArtifacts();
    const anvil = await startAnvil({
      chainId: options.chainId,
      genesisTimestampSec: options.genesisTimestampSec,
    });
    try {
      const provider = await connectChain(anvil.rpcUrl, anvil.chainId);
      return await Devnet.setUp(provider, anvil.chainId, options, artifacts, anvil);
    } catch (err) {
      await anvil.stop();
      throw err;
    }
  }

  /** Deploys onto an already running anvil-compatible node after checking its URL and chain id. */
  static async attach(options: AttachOptions): Promise<Devnet> {
    // Check the node before compiling anything, so a wrong URL or chain fails fast and clearly.
    const provider = await connectChain(options.rpcUrl, options.chainId);
    return Devnet.setUp(provider, options.chainId, options, loadArtifacts(), undefined);
  }

  private static async setUp(
    provider: JsonRpcProvider,
    chainId: number,
    options: DevnetOptions,
    artifacts: Artifacts,
    anvil: Anvil | undefined,
  ): Promise<Devnet> {
    // Any address can send transactions: scenario actors need no keys.
    await provider.send('anvil_autoImpersonateAccount', [true]);
    // A deployer of our own rather than anvil's first account: other tools (and the golden vectors) put
    // contracts at that account's CREATE addresses, and ours must not collide with them.
    const deployer = await fundedSigner(provider, 'deployer');
    const producer = new BlockProducer(provider, { secondsPerBlock: options.secondsPerBlock });
    const { addresses, contracts, startBlock } = await deployCore(
      { provider, producer, deployer, artifacts },
      options,
    );
    return new Devnet(
      provider,
      producer,
      chainId,
      deployer,
      artifacts,
      addresses,
      contracts,
      startBlock,
      options.generation ?? 1,
      anvil,
    );
  }

  get rpcUrl(): string {
    return this.provider._getConnection().url;
  }

  /** PID of the anvil this devnet started (undefined when attached to an outside node). */
  get anvilPid(): number | undefined {
    return this.anvil?.pid;
  }

  /** A fresh, funded account that can send transactions (auto-impersonated; no key needed). */
  async actor(label?: string): Promise<DevnetSigner> {
    this.actorCount += 1;
    return fundedSigner(this.provider, `actor ${label ?? ''} ${this.actorCount}`);
  }

  /** Attaches a compiled devnet contract's ABI to an address, connected to `runner` (default: deployer). */
  contractAt(name: string, address: string, runner: JsonRpcSigner = this.deployer): Contract {
    const artifact = this.artifacts[name];
    if (!artifact) throw new DevnetError(`no compiled contract named ${name}`);
    return new Contract(address, artifact.abi as never, runner);
  }

  /** Sends one transaction and mines it into its own block; throws with the revert reason on failure. */
  send(label: string, send: () => Promise<TransactionResponse>): Promise<TransactionReceipt> {
    return sendAndMine(this.producer, this.provider, label, send);
  }

  /** Sends transactions in order and mines them into one block; returns every receipt, reverted ones too. */
  sendInOneBlock(
    sends: (() => Promise<TransactionResponse>)[],
    options: { timestampSec?: number } = {},
  ): Promise<TransactionReceipt[]> {
    return sendInOneBlock(this.producer, this.provider, sends, options);
  }

  /** Saves the chain state; `revert(id)` returns to it (tests reset between cases this way). */
  async snapshot(): Promise<string> {
    return (await this.provider.send('evm_snapshot', [])) as string;
  }

  async revert(snapshotId: string): Promise<void> {
    const ok = (await this.provider.send('evm_revert', [snapshotId])) as boolean;
    if (!ok) throw new DevnetError(`evm_revert to snapshot ${snapshotId} failed`);
  }

  async stop(): Promise<void> {
    await this.producer.stop();
    this.provider.destroy();
    await this.anvil?.stop();
  }
}
