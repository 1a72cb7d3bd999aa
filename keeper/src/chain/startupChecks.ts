import { Interface, type AbstractProvider } from 'ethers';
import { ConfigError } from '../errors/KeeperError.js';
import type { SubgraphClient } from '../ingest/SubgraphClient.js';

const probe = new Interface([
  'function positionIndex() view returns (uint256)',
  'function orderIndex() view returns (uint256)',
  'function factory() view returns (address)',
  'function getPositionStatus(uint256) view returns (uint256, uint256)',
]);

async function callView(
  provider: AbstractProvider,
  to: string,
  fn: string,
  args: unknown[],
  blockTag?: number,
) {
  const data = probe.encodeFunctionData(fn, args);
  const raw = await provider.call({ to, data, blockTag });
  return probe.decodeFunctionResult(fn, raw);
}

/**
 * Refuses to start against the wrong chain, an address without the MarginModule's interface, or a
 * subgraph that indexes some other module (its positions must match the module's positionIndex at the
 * subgraph's block).
 */
export async function startupChecks(options: {
  provider: AbstractProvider;
  chainId: number;
  marginModule: string;
  subgraph: SubgraphClient;
}): Promise<{ factory: string; positionIndex: bigint; subgraphBlock: number }> {
  const { provider, marginModule } = options;
  let network;
  try {
    network = await provider.getNetwork();
  } catch (cause) {
    throw new ConfigError(`cannot reach any RPC: ${(cause as Error).message}`, { cause });
  }
  if (network.chainId !== BigInt(options.chainId)) {
    throw new ConfigError(
      `wrong chain: configured chain id ${options.chainId}, the RPC says ${network.chainId}`,
    );
  }
  const code = await provider.getCode(marginModule);
  if (code === '0x')
    throw new ConfigError(`no contract at MarginModule address ${marginModule} on chain ${options.chainId}`);
  let factory: string;
  try {
    [factory] = (await callView(provider, marginModule, 'factory', [])) as unknown as [string];
    await callView(provider, marginModule, 'orderIndex', []);
  } catch (cause) {
    throw new ConfigError(`the contract at ${marginModule} does not answer the MarginModule interface`, {
      cause,
    });
  }
  const meta = await options.subgraph.meta();
  const [onChain] = (await callView(
    provider,
    marginModule,
    'positionIndex',
    [],
    meta.block.number,
  )) as unknown as [bigint];
  // The newest position the contract has must be in the subgraph, and none after it.
  const newest = onChain > 0n ? await options.subgraph.positionExists(onChain - 1n, meta.block.hash) : true;
  const beyond = await options.subgraph.positionExists(onChain, meta.block.hash);
  if (!newest || beyond) {
    throw new ConfigError(
      `the subgraph at ${options.subgraph.url} does not index MarginModule ${marginModule}: at block ${meta.block.number} the contract has ${onChain} positions, the subgraph ${newest ? 'more' : 'fewer'}`,
    );
  }
  return { factory: factory.toLowerCase(), positionIndex: onChain, subgraphBlock: meta.block.number };
}
