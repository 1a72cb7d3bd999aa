import { GraphQLClient } from 'graphql-request';
import { parsePools } from '../ingest/parseSubgraph.js';
import type { Address, PoolState } from '../model/types.js';

const FIELDS =
  'id address fee token0Erc20 token1Erc20 token0Erc223 token1Erc223 initialized sqrtPriceX96 tick liquidity observationIndex observationCardinality observationCardinalityNext';

/**
 * The pools between any two of `tokens` as the subgraph had them at the end of `blockNumber` (its time-travel
 * `block` argument): by their ERC-20 addresses, and by their ERC-223 ones. A pool listed by an ERC-20 on one
 * side and an ERC-223 on the other is not found (the history's reward assets are ERC-20 addresses).
 */
export async function poolsAtBlock(
  subgraphUrl: string,
  blockNumber: number,
  tokens: readonly Address[],
  timeoutMs = 30_000,
): Promise<PoolState[]> {
  const client = new GraphQLClient(subgraphUrl);
  const query = (side: 'Erc20' | 'Erc223') => `query ($block: Int!, $tokens: [Bytes!]!) {
  pools(block: { number: $block }, first: 1000, orderBy: id, orderDirection: asc,
        where: { token0${side}_in: $tokens, token1${side}_in: $tokens }) { ${FIELDS} }
}`;
  const found = new Map<string, PoolState>();
  for (const side of ['Erc20', 'Erc223'] as const) {
    const data = await client.request<{ pools: unknown }>({
      document: query(side),
      variables: { block: blockNumber, tokens: tokens.map((t) => t.toLowerCase()) },
      signal: AbortSignal.timeout(timeoutMs),
    });
    for (const { state } of parsePools(data.pools)) found.set(state.address, state);
  }
  return [...found.values()];
}
