import { JsonRpcProvider, Network } from 'ethers';
import { DevnetError } from './DevnetError.js';

/**
 * Connects to a JSON-RPC node after checking that it answers and is the chain we expect, so a wrong URL or
 * a wrong network fails here with a clear message instead of as a confusing revert later.
 */
export async function connectChain(rpcUrl: string, expectedChainId: number): Promise<JsonRpcProvider> {
  let url: URL;
  try {
    url = new URL(rpcUrl);
  } catch (cause) {
    throw new DevnetError(`RPC URL is not a valid URL: ${JSON.stringify(rpcUrl)}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DevnetError(`RPC URL must be http(s): ${rpcUrl}`);
  }
  let answer: { result?: string; error?: { message?: string } };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
    answer = (await res.json()) as typeof answer;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DevnetError(`cannot reach the RPC at ${rpcUrl}: ${reason}`, { cause });
  }
  if (typeof answer.result !== 'string') {
    throw new DevnetError(
      `the RPC at ${rpcUrl} did not answer eth_chainId: ${answer.error?.message ?? 'no result'}`,
    );
  }
  const chainId = Number(answer.result);
  if (chainId !== expectedChainId) {
    throw new DevnetError(
      `wrong chain at ${rpcUrl}: expected chain id ${expectedChainId}, the node says ${chainId}`,
    );
  }
  return new JsonRpcProvider(rpcUrl, Network.from(chainId), {
    staticNetwork: true,
    pollingInterval: 50,
    cacheTimeout: -1,
    // ethers waits 10 ms to batch requests by default; against a local node that wait is most of the time.
    batchMaxCount: 1,
  });
}
