// The keeper's only subgraph queries. Every page is pinned to one block hash and paged by id, the way
// graph-node pages efficiently; `_change_block` makes each sync pull only what changed.

export const META_QUERY = /* GraphQL */ `
  query KeeperMeta {
    _meta {
      block {
        number
        hash
        timestamp
      }
      deployment
      hasIndexingErrors
    }
  }
`;

const POSITION_FIELDS = `id positionId order { orderId } owner createdAt deadline initialBalance interest open frozenAt frozenBy assets balances stale`;
const ORDER_FIELDS = `id orderId owner baseAsset oracle { address } interestRate whitelist collateralAssets alive liquidationRewardAsset liquidationRewardAmount deadline balance stale`;
const POOL_FIELDS = `id address fee token0Erc20 token1Erc20 token0Erc223 token1Erc223 initialized sqrtPriceX96 tick liquidity observationIndex observationCardinality observationCardinalityNext`;
// Ring slots are their own entity: a ring holds up to 65,535 of them, too many for a nested list.
const OBSERVATION_FIELDS = `id pool { id } index blockTimestamp tickCumulative secondsPerLiquidityCumulativeX128 initialized`;

export type EntityKind = 'positions' | 'orders' | 'pools' | 'poolObservations';

const FIELDS: Record<EntityKind, string> = {
  positions: POSITION_FIELDS,
  orders: ORDER_FIELDS,
  pools: POOL_FIELDS,
  poolObservations: OBSERVATION_FIELDS,
};

/** A page of `kind` at block `$hash` after `$cursor`; `since` limits it to entities changed at or after that block. */
export function pageQuery(kind: EntityKind, mode: 'all' | 'open' | 'changed'): string {
  const filters = ['id_gt: $cursor'];
  if (mode === 'open') filters.push('open: true');
  if (mode === 'changed') filters.push('_change_block: { number_gte: $since }');
  const sinceVar = mode === 'changed' ? ', $since: Int!' : '';
  return `query KeeperPage($hash: Bytes!, $first: Int!, $cursor: ID!${sinceVar}) {
  rows: ${kind}(block: { hash: $hash }, first: $first, orderBy: id, orderDirection: asc, where: { ${filters.join(', ')} }) { ${FIELDS[kind]} }
}`;
}
