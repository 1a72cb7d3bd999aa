import { FallbackProvider, JsonRpcProvider, Network, type AbstractProvider } from 'ethers';

/**
 * One provider over the configured RPC URLs: the first answers unless it stalls or fails, then the next
 * (ethers' FallbackProvider with a quorum of one, priorities in configuration order).
 */
export function createRpcProvider(rpcUrls: string[], chainId: number): AbstractProvider {
  const network = Network.from(chainId);
  const providers = rpcUrls.map(
    (url) =>
      new JsonRpcProvider(url, network, { staticNetwork: network, batchMaxCount: 1, pollingInterval: 250 }),
  );
  if (providers.length === 1) return providers[0] as JsonRpcProvider;
  return new FallbackProvider(
    providers.map((provider, i) => ({ provider, priority: i + 1, stallTimeout: 1500, weight: 1 })),
    network,
    { quorum: 1 },
  );
}
