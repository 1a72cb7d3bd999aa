import { Interface, type AbstractProvider } from 'ethers';
import type { Logger } from 'pino';
import { ConfigError, formatErrorChain } from '../errors/KeeperError.js';
import { redactUrl } from '../errors/redactUrl.js';
import { NotActingError } from '../ingest/NotActingError.js';
import type { SubgraphClient, SubgraphMeta } from '../ingest/SubgraphClient.js';
import { WrongChainError, type RpcClient } from './RpcClient.js';

const probe = new Interface([
  'function positionIndex() view returns (uint256)',
  'function orderIndex() view returns (uint256)',
  'function factory() view returns (address)',
]);

async function callView(provider: AbstractProvider, to: string, fn: string, blockTag?: number) {
  const raw = await provider.call({ to, data: probe.encodeFunctionData(fn, []), blockTag });
  if (raw === '0x') throw new ConfigError(`${fn}() returned nothing at ${to}`);
  return probe.decodeFunctionResult(fn, raw)[0] as unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the subgraph answers and is within `maxLagBlocks` of the chain, saying what it waits for. */
async function waitForSubgraph(options: {
  provider: AbstractProvider;
  subgraph: SubgraphClient;
  maxLagBlocks: number;
  timeoutMs: number;
  onWaiting?: (reason: string) => void;
  log?: Logger;
}): Promise<SubgraphMeta> {
  const deadline = Date.now() + options.timeoutMs;
  let lastReason = '';
  for (let attempt = 0; ; attempt++) {
    const head = await options.provider.getBlockNumber();
    try {
      const meta = await options.subgraph.meta();
      if (meta.hasIndexingErrors) {
        throw new ConfigError(
          `the subgraph at ${redactUrl(options.subgraph.url)} has indexing errors (stuck at block ${meta.block.number})`,
        );
      }
      if (head - meta.block.number <= options.maxLagBlocks) return meta;
      lastReason = `the subgraph is at block ${meta.block.number}, the chain at ${head}`;
    } catch (err) {
      if (!(err instanceof NotActingError)) throw err;
      lastReason = err.message;
    }
    if (Date.now() >= deadline) {
      throw new ConfigError(`the subgraph did not catch up within ${options.timeoutMs} ms: ${lastReason}`);
    }
    if (attempt % 20 === 0) {
      options.log?.info({ reason: lastReason }, 'waiting for the subgraph');
      options.onWaiting?.(lastReason);
    }
    await sleep(250);
  }
}

/**
 * Refuses to start against the wrong chain, an address without the MarginModule's interface, or a subgraph
 * that indexes some other module (at the subgraph's block, the newest position the contract has must be in
 * the subgraph, and none after it). Waits, bounded, for a subgraph that is down or still catching up.
 */
export async function startupChecks(options: {
  rpc: RpcClient;
  chainId: number;
  marginModule: string;
  subgraph: SubgraphClient;
  maxLagBlocks?: number;
  subgraphWaitMs?: number;
  /** Called while waiting for the subgraph, with why (a `run` prints "not acting: …"). */
  onWaiting?: (reason: string) => void;
  log?: Logger;
}): Promise<{ factory: string; positionIndex: bigint; subgraphBlock: number }> {
  const { rpc, marginModule } = options;
  const provider = rpc.provider;
  // Ask the nodes themselves: the provider's network is pinned to the configured chain and would just agree.
  // One endpoint on our chain is enough (the others fail over or are never used); say why when none is.
  const chains = await rpc.checkChains();
  if (!chains.some((c) => c.error === undefined)) {
    const wrong = chains.find((c) => c.error instanceof WrongChainError);
    if (wrong) {
      throw new ConfigError(
        `wrong chain: configured chain id ${options.chainId}, the RPC says ${wrong.chainId}`,
      );
    }
    const cause = chains.find((c) => c.error)?.error;
    throw new ConfigError(`cannot reach any RPC: ${formatErrorChain(cause)}`, { cause });
  }
  const code = await provider.getCode(marginModule);
  if (code === '0x') {
    throw new ConfigError(`no contract at MarginModule address ${marginModule} on chain ${options.chainId}`);
  }
  let factory: string;
  try {
    factory = (await callView(provider, marginModule, 'factory')) as string;
    await callView(provider, marginModule, 'orderIndex');
  } catch (cause) {
    throw new ConfigError(`the contract at ${marginModule} does not answer the MarginModule interface`, {
      cause,
    });
  }
  const meta = await waitForSubgraph({
    provider,
    subgraph: options.subgraph,
    maxLagBlocks: options.maxLagBlocks ?? 2,
    timeoutMs: options.subgraphWaitMs ?? 120_000,
    onWaiting: options.onWaiting,
    log: options.log,
  });
  const deployedThen = (await provider.getCode(marginModule, meta.block.number)) !== '0x';
  const onChain = deployedThen
    ? ((await callView(provider, marginModule, 'positionIndex', meta.block.number)) as bigint)
    : 0n;
  const newest = onChain > 0n ? await options.subgraph.positionExists(onChain - 1n, meta.block.hash) : true;
  const beyond = await options.subgraph.positionExists(onChain, meta.block.hash);
  if (!newest || beyond) {
    throw new ConfigError(
      `the subgraph at ${redactUrl(options.subgraph.url)} does not index MarginModule ${marginModule}: at block ${meta.block.number} the contract has ${onChain} positions, the subgraph ${newest ? 'more' : 'fewer'}`,
    );
  }
  return { factory: factory.toLowerCase(), positionIndex: onChain, subgraphBlock: meta.block.number };
}
