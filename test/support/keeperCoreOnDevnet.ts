import { pino, type Logger } from 'pino';
import type { Devnet } from '../../devnet/Devnet.js';
import { RpcClient } from '../../keeper/src/chain/RpcClient.js';
import { loadConfig } from '../../keeper/src/config/loadConfig.js';
import { SubgraphClient } from '../../keeper/src/ingest/SubgraphClient.js';
import type { Address } from '../../keeper/src/model/types.js';
import { KeeperMetrics } from '../../keeper/src/ops/KeeperMetrics.js';
import { KeeperCore } from '../../keeper/src/run/KeeperCore.js';

/**
 * A keeper's planning core on a devnet and its graph host, as `run` wires it but without execution: no lag
 * budget (each test waits for the host to index the head), the devnet's block time, no keys of its own.
 */
export function keeperCoreOnDevnet(
  devnet: Devnet,
  subgraphUrl: string,
  log: Logger = pino({ level: 'silent' }),
): { rpc: RpcClient; core: KeeperCore } {
  const rpc = new RpcClient([devnet.rpcUrl], devnet.chainId);
  const config = loadConfig({
    flags: {
      'chain-id': String(devnet.chainId),
      'rpc-urls': devnet.rpcUrl,
      'subgraph-url': subgraphUrl,
      'margin-module': devnet.addresses.marginModule,
      'block-time-sec': String(devnet.producer.secondsPerBlock),
      'subgraph.max-lag-blocks': '0',
      'subgraph.head-wait-ms': '20000',
      'ops.port': '0',
    },
  });
  const core = new KeeperCore({
    config,
    rpc,
    subgraph: new SubgraphClient(subgraphUrl, 10_000),
    ourAddresses: ['0x0000000000000000000000000000000000000000' as Address],
    log,
    metrics: new KeeperMetrics(),
  });
  return { rpc, core };
}
