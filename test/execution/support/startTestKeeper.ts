import { Wallet, keccak256, toUtf8Bytes } from 'ethers';
import { pino, type Logger } from 'pino';
import type { Devnet } from '../../../devnet/Devnet.js';
import type { GraphHost } from '../../../devnet/graph-host/GraphHost.js';
import { RpcClient } from '../../../keeper/src/chain/RpcClient.js';
import { loadConfig } from '../../../keeper/src/config/loadConfig.js';
import type { BundleRelay, PrivateTxSender } from '../../../keeper/src/execution/BundleRelay.js';
import type { BundleSimulator } from '../../../keeper/src/execution/BundleSimulator.js';
import { executionSettings } from '../../../keeper/src/execution/executionSettings.js';
import { Executor } from '../../../keeper/src/execution/Executor.js';
import type { ExecutionReport } from '../../../keeper/src/execution/types.js';
import { SubgraphClient } from '../../../keeper/src/ingest/SubgraphClient.js';
import type { Address } from '../../../keeper/src/model/types.js';
import { KeeperMetrics } from '../../../keeper/src/ops/KeeperMetrics.js';
import { KeeperCore, type BlockOutcome } from '../../../keeper/src/run/KeeperCore.js';

/** A keeper in-process: the core that plans and the executor that sends, stepped one head block at a time. */
export interface TestKeeper {
  core: KeeperCore;
  executor: Executor;
  rpc: RpcClient;
  keys: Wallet[];
  /** Processes the chain's head (after the graph host indexed it) and executes the plan. */
  step(): Promise<{ outcome: BlockOutcome; report: ExecutionReport }>;
  close(): void;
}

/** Deterministic funded liquidator keys (never printed: tests print addresses only). */
export async function fundedKeys(devnet: Devnet, labels: string[]): Promise<Wallet[]> {
  const keys = labels.map((label) => new Wallet(keccak256(toUtf8Bytes(`dex223-keeper test key ${label}`))));
  for (const key of keys)
    await devnet.provider.send('anvil_setBalance', [key.address, '0x56bc75e2d63100000']);
  return keys;
}

/**
 * KeeperCore and Executor wired as `run` wires them, against a devnet and its graph host; `flags` are config
 * flags on top of the devnet's (0 subgraph lag, the producer's block time).
 */
export function startTestKeeper(options: {
  devnet: Devnet;
  host: GraphHost;
  keys: Wallet[];
  relays: BundleRelay[];
  privateRpc?: PrivateTxSender | null;
  /** Default: the executor's own (local simulation on the devnet's RPC). */
  simulator?: BundleSimulator;
  flags?: Record<string, string>;
  log?: Logger;
}): TestKeeper {
  const { devnet, host } = options;
  const config = loadConfig({
    flags: {
      'chain-id': String(devnet.chainId),
      'rpc-urls': devnet.rpcUrl,
      'subgraph-url': host.url,
      'margin-module': devnet.addresses.marginModule,
      'block-time-sec': String(devnet.producer.secondsPerBlock),
      'subgraph.max-lag-blocks': '0',
      'subgraph.head-wait-ms': '20000',
      'ops.port': '0',
      ...options.flags,
    },
  });
  const log = options.log ?? pino({ level: 'silent' });
  const rpc = new RpcClient([devnet.rpcUrl], devnet.chainId);
  const core = new KeeperCore({
    config,
    rpc,
    subgraph: new SubgraphClient(host.url, 10_000),
    ourAddresses: options.keys.map((k) => k.address.toLowerCase() as Address) as [Address, ...Address[]],
    log,
    metrics: new KeeperMetrics(),
  });
  const executor = new Executor({
    chainId: devnet.chainId,
    marginModule: config.marginModule,
    rpc,
    signers: options.keys,
    relays: options.relays,
    ...(options.simulator ? { simulator: options.simulator } : {}),
    privateRpc: options.privateRpc ?? null,
    settings: executionSettings(config.execution),
    inFlight: core.inFlight,
    positionOf: (id) => core.mirror.positions.get(id),
    log,
  });
  return {
    core,
    executor,
    rpc,
    keys: options.keys,
    async step() {
      const head = await devnet.producer.latest();
      await host.indexer.waitFor({ number: head.number }, 30_000);
      const ref = { number: head.number, hash: head.hash.toLowerCase(), timestampSec: head.timestampSec };
      const outcome = await core.processBlock(ref);
      if (outcome.kind !== 'planned')
        throw new Error(`keeper not acting at ${head.number}: ${outcome.reason}`);
      const report = await executor.onBlock(ref, outcome.plan);
      return { outcome, report };
    },
    close: () => rpc.destroy(),
  };
}
