import { createRequire } from 'node:module';
import {
  Contract,
  ContractFactory,
  getAddress,
  getCreateAddress,
  Interface,
  keccak256,
  toUtf8Bytes,
  zeroPadValue,
  type JsonRpcProvider,
  type Signer,
} from 'ethers';
import type { BlockProducer } from '../chain/BlockProducer.js';
import { DevnetError } from '../chain/DevnetError.js';
import { poolHolderInitCode } from '../chain/poolHolderInitCode.js';
import { selfAddressOffsets } from '../chain/selfAddressOffsets.js';
import { sendAndMine } from '../chain/sendAndMine.js';
import type { Artifacts } from '../compile/compileContracts.js';

export interface CoreAddresses {
  poolCodeHolder: string;
  factory: string;
  router: string;
  liquidityManager: string;
  oracle: string;
  fixedRatioOracle: string;
  marginModule: string;
  /** Only when a gen-3 module was asked to use a TWAP oracle, deployed for it just after the module. */
  twapOracle?: string;
}

export interface CoreContracts {
  factory: Contract;
  router: Contract;
  liquidityManager: Contract;
  oracle: Contract;
  fixedRatioOracle: Contract;
  marginModule: Contract;
  twapOracle?: Contract;
}

export interface Deployment {
  addresses: CoreAddresses;
  contracts: CoreContracts;
  /** First block that holds a devnet contract: where indexers start. */
  startBlock: number;
}

/** Which MarginModule the devnet runs: 1 = gen 1, 2 = the 2090499 module, 3 = the deployed gen 3. */
export type ModuleGeneration = 1 | 2 | 3;

/** A gen-3 module's global oracle: one of the core oracles, or a TWAP oracle deployed for it. */
export type PriceOracleChoice = 'oracle' | 'fixedRatioOracle' | 'twap2d3ffd2' | 'twap6e5e5c3';

const TWAP_ORACLE_CONTRACTS = { twap2d3ffd2: 'TwapOracle2d3ffd2', twap6e5e5c3: 'TwapOracle6e5e5c3' } as const;

export interface ModuleOptions {
  generation?: ModuleGeneration;
  /**
   * Gen 3 only: its global price oracle (default: the gen-1 spot oracle). A TWAP oracle is deployed for it right
   * after the module, which keeps the module at the address subgraph/networks/devnet.json names.
   */
  priceOracle?: PriceOracleChoice;
  /** The TWAP oracle's window (default 1800 s, as deployed on Sepolia and mainnet). */
  twapWindowSec?: number;
  /** Gen 3 only: whether orders must name the price oracle (an assumption; default true). */
  restrictOrderOracle?: boolean;
}

interface DeployContext {
  provider: JsonRpcProvider;
  producer: BlockProducer;
  deployer: Signer;
  artifacts: Artifacts;
}

/** The artifact name of each generation's module. */
export const MODULE_CONTRACTS: Readonly<Record<ModuleGeneration, string>> = {
  1: 'MarginModule',
  2: 'MarginModuleGen2',
  3: 'MarginModuleGen3',
};

/** The published UniswapV3Pool creation bytecode from @uniswap/v3-core. */
export function uniswapV3PoolCreationCode(): string {
  const require = createRequire(import.meta.url);
  const artifact = require('@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json') as {
    bytecode: string;
  };
  return artifact.bytecode;
}

async function deployRaw(
  ctx: DeployContext,
  label: string,
  data: string,
): Promise<{ address: string; block: number }> {
  const receipt = await sendAndMine(ctx.producer, ctx.provider, `deploy ${label}`, () =>
    ctx.deployer.sendTransaction({ data, gasLimit: 20_000_000 }),
  );
  if (!receipt.contractAddress) throw new DevnetError(`deploy ${label}: no contract address in the receipt`);
  return { address: receipt.contractAddress, block: receipt.blockNumber };
}

export async function deployArtifact(
  ctx: DeployContext,
  name: string,
  args: unknown[] = [],
): Promise<{ contract: Contract; block: number }> {
  const artifact = ctx.artifacts[name];
  if (!artifact) throw new DevnetError(`no compiled contract named ${name}`);
  const factory = new ContractFactory(artifact.abi as never, artifact.bytecode);
  const { data } = await factory.getDeployTransaction(...args);
  const { address, block } = await deployRaw(ctx, name, data);
  return { contract: new Contract(address, artifact.abi as never, ctx.deployer), block };
}

/**
 * Where the constructed UniswapV3Pool's runtime code holds its own address (`original`, for noDelegateCall):
 * two constructions compared. They run in eth_call with the probe's code put at a scratch address by a state
 * override, so nothing is deployed and the devnet's addresses stay what the subgraph manifest names.
 */
async function probePoolOriginalOffsets(ctx: DeployContext, holderAddress: string): Promise<number[]> {
  const artifact = ctx.artifacts['UniswapPoolCodeProbe'];
  if (!artifact) throw new DevnetError('no compiled contract named UniswapPoolCodeProbe');
  const probe = new Interface(artifact.abi as never);
  const probeAddress = getAddress(`0x${keccak256(toUtf8Bytes('dex223-keeper pool code probe')).slice(26)}`);
  const construct = async (salt: string): Promise<[string, string]> => {
    const data = probe.encodeFunctionData('constructPool', [holderAddress, salt]);
    const raw = (await ctx.provider.send('eth_call', [
      { to: probeAddress, data },
      'latest',
      { [probeAddress]: { code: artifact.deployedBytecode } },
    ])) as string;
    const [pool, code] = probe.decodeFunctionResult('constructPool', raw) as unknown as [string, string];
    return [pool, code];
  };
  const [addressA, codeA] = await construct(zeroPadValue('0x01', 32));
  const [addressB, codeB] = await construct(zeroPadValue('0x02', 32));
  return selfAddressOffsets(codeA, codeB, addressA, addressB);
}

/**
 * Deploys the devnet's Dex223 stand-ins: pool code holder, factory, router, liquidity manager, oracles, and the
 * MarginModule of the chosen generation (default 1).
 */
export async function deployCore(ctx: DeployContext, module: ModuleOptions = {}): Promise<Deployment> {
  const holder = await deployRaw(
    ctx,
    'UniswapV3Pool code holder',
    poolHolderInitCode(uniswapV3PoolCreationCode()),
  );
  const factory = await deployArtifact(ctx, 'Dex223Factory', [
    holder.address,
    await probePoolOriginalOffsets(ctx, holder.address),
  ]);
  const factoryAddress = await factory.contract.getAddress();
  const router = await deployArtifact(ctx, 'SwapRouter', [factoryAddress]);
  const routerAddress = await router.contract.getAddress();
  const liquidityManager = await deployArtifact(ctx, 'LiquidityManager', [factoryAddress]);
  const oracle = await deployArtifact(ctx, 'Oracle', [factoryAddress]);
  const fixedRatioOracle = await deployArtifact(ctx, 'FixedRatioOracle', [factoryAddress]);
  const generation = module.generation ?? 1;
  const moduleArgs: unknown[] = [factoryAddress, routerAddress];
  const twapChoice =
    generation === 3 && (module.priceOracle === 'twap2d3ffd2' || module.priceOracle === 'twap6e5e5c3')
      ? module.priceOracle
      : undefined;
  if (generation === 3) {
    // A TWAP oracle is deployed right after the module (its address predicted from the deployer's nonce), so the
    // module lands at the same address in every generation: the one subgraph/networks/devnet.json names.
    const nextNonce = await ctx.provider.getTransactionCount(await ctx.deployer.getAddress(), 'pending');
    const priceOracle = twapChoice
      ? getCreateAddress({ from: await ctx.deployer.getAddress(), nonce: nextNonce + 1 })
      : await (module.priceOracle === 'fixedRatioOracle' ? fixedRatioOracle : oracle).contract.getAddress();
    moduleArgs.push(priceOracle, module.restrictOrderOracle ?? true);
  }
  const marginModule = await deployArtifact(ctx, MODULE_CONTRACTS[generation], moduleArgs);
  const twapOracle = twapChoice
    ? (
        await deployArtifact(ctx, TWAP_ORACLE_CONTRACTS[twapChoice], [
          factoryAddress,
          module.twapWindowSec ?? 1800,
        ])
      ).contract
    : undefined;
  if (twapOracle && (await twapOracle.getAddress()) !== moduleArgs[2]) {
    throw new DevnetError('the TWAP oracle did not land at the address the gen-3 module was given');
  }
  const contracts: CoreContracts = {
    factory: factory.contract,
    router: router.contract,
    liquidityManager: liquidityManager.contract,
    oracle: oracle.contract,
    fixedRatioOracle: fixedRatioOracle.contract,
    marginModule: marginModule.contract,
    ...(twapOracle ? { twapOracle } : {}),
  };
  const addresses: CoreAddresses = {
    poolCodeHolder: holder.address,
    factory: factoryAddress,
    router: routerAddress,
    liquidityManager: await liquidityManager.contract.getAddress(),
    oracle: await oracle.contract.getAddress(),
    fixedRatioOracle: await fixedRatioOracle.contract.getAddress(),
    marginModule: await marginModule.contract.getAddress(),
    ...(twapOracle ? { twapOracle: await twapOracle.getAddress() } : {}),
  };
  return { addresses, contracts, startBlock: holder.block };
}
