import { GraphQLClient } from 'graphql-request';

/** One freeze (or re-freeze) from the subgraph's history. */
export interface FreezeRecord {
  positionId: bigint;
  liquidator: string;
  blockNumber: number;
  txHash: string;
}

/** One completed liquidation from the subgraph's history. */
export interface LiquidationRecord {
  positionId: bigint;
  liquidator: string;
  frozenBy: string;
  feeReceiver: string;
  /** Null when the subgraph never indexed the order. */
  rewardAmount: bigint | null;
  rewardAsset: string | null;
  blockNumber: number;
  txHash: string;
}

const PAGE = 1000;

const FREEZES = `query ($since: BigInt!, $after: ID!) {
  freezes(first: ${PAGE}, orderBy: id, orderDirection: asc, where: { blockNumber_gte: $since, id_gt: $after }) {
    id position { id } liquidator blockNumber txHash
  }
}`;

const LIQUIDATIONS = `query ($since: BigInt!, $after: ID!) {
  liquidations(first: ${PAGE}, orderBy: id, orderDirection: asc, where: { blockNumber_gte: $since, id_gt: $after }) {
    id position { id } liquidator frozenBy feeReceiver rewardAmount rewardAsset blockNumber txHash
  }
}`;

interface RawFreeze {
  id: string;
  position: { id: string };
  liquidator: string;
  blockNumber: string;
  txHash: string;
}

interface RawLiquidation extends RawFreeze {
  frozenBy: string;
  feeReceiver: string;
  rewardAmount: string | null;
  rewardAsset: string | null;
}

/**
 * Every freeze and liquidation the subgraph recorded from `sinceBlock` on, oldest block first: the market's
 * whole history of the period, not only ours (our share of it is part of the report).
 */
export async function liquidationHistory(
  subgraphUrl: string,
  sinceBlock: number,
  timeoutMs = 30_000,
): Promise<{ freezes: FreezeRecord[]; liquidations: LiquidationRecord[] }> {
  const client = new GraphQLClient(subgraphUrl);
  const all = async <T extends { id: string }>(document: string, field: string): Promise<T[]> => {
    const out: T[] = [];
    let after = '';
    for (;;) {
      const data = await client.request<Record<string, T[]>>({
        document,
        variables: { since: String(sinceBlock), after },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const page = data[field] ?? [];
      out.push(...page);
      if (page.length < PAGE) return out;
      after = (page[page.length - 1] as T).id;
    }
  };
  const [freezes, liquidations] = await Promise.all([
    all<RawFreeze>(FREEZES, 'freezes'),
    all<RawLiquidation>(LIQUIDATIONS, 'liquidations'),
  ]);
  const byBlock = (a: { blockNumber: number }, b: { blockNumber: number }) => a.blockNumber - b.blockNumber;
  return {
    freezes: freezes
      .map((f) => ({
        positionId: BigInt(f.position.id),
        liquidator: f.liquidator.toLowerCase(),
        blockNumber: Number(f.blockNumber),
        txHash: f.txHash.toLowerCase(),
      }))
      .sort(byBlock),
    liquidations: liquidations
      .map((l) => ({
        positionId: BigInt(l.position.id),
        liquidator: l.liquidator.toLowerCase(),
        frozenBy: l.frozenBy.toLowerCase(),
        feeReceiver: l.feeReceiver.toLowerCase(),
        rewardAmount: l.rewardAmount === null ? null : BigInt(l.rewardAmount),
        rewardAsset: l.rewardAsset?.toLowerCase() ?? null,
        blockNumber: Number(l.blockNumber),
        txHash: l.txHash.toLowerCase(),
      }))
      .sort(byBlock),
  };
}
