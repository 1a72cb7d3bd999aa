import type { Contract } from 'ethers';
import type { Devnet } from '../../devnet/Devnet.js';
import { poolAt } from '../../devnet/scenario/pools.js';
import type { MemoryEntityStore } from '../../devnet/graph-host/store/MemoryEntityStore.js';
import type { EntityData, StoreValue } from '../../devnet/graph-host/store/types.js';

/** What the keeper needs from the subgraph, per position, order and pool, in one comparable shape. */
export interface ParitySnapshot {
  positions: Map<
    string,
    { open: boolean; assets: string[]; balances: bigint[]; frozenAt: bigint; frozenBy: string }
  >;
  orders: Map<string, { balance: bigint; rewardAmount: bigint; rewardAsset: string; deadline: bigint }>;
  pools: Map<string, { sqrtPriceX96: bigint; tick: number; liquidity: bigint }>;
}

/** Anything that can answer the subgraph's entities as of a block hash (the store, or the GraphQL API). */
export interface HostReader {
  snapshot(blockHash: string): Promise<ParitySnapshot>;
}

function field(data: EntityData, name: string): StoreValue {
  const value = data.get(name);
  if (value === undefined) throw new Error(`an entity has no ${name}: ${[...data.keys()].join(', ')}`);
  return value;
}

function scalar(value: StoreValue): unknown {
  return value.kind === 'null' || value.kind === 'array' ? undefined : value.value;
}

const asBig = (v: StoreValue) => BigInt(String(scalar(v)));
const asText = (v: StoreValue) => String(scalar(v)).toLowerCase();
const asList = (v: StoreValue) => (v.kind === 'array' ? v.value : []);

/** Reads the host's store directly (versions visible at the block). */
export function storeReader(store: MemoryEntityStore): HostReader {
  return {
    snapshot: async (blockHash) => {
      const block = store.blockByHash(blockHash);
      if (!block) throw new Error(`the host has not indexed block ${blockHash}`);
      const scan = (type: string) => [...store.scanAt(type, block.number)].map((v) => v.data);
      const snapshot: ParitySnapshot = { positions: new Map(), orders: new Map(), pools: new Map() };
      for (const p of scan('Position')) {
        snapshot.positions.set(asText(field(p, 'id')), {
          open: scalar(field(p, 'open')) === true,
          assets: asList(field(p, 'assets')).map(asText),
          balances: asList(field(p, 'balances')).map(asBig),
          frozenAt: asBig(field(p, 'frozenAt')),
          frozenBy: asText(field(p, 'frozenBy')),
        });
      }
      for (const o of scan('Order')) {
        snapshot.orders.set(asText(field(o, 'id')), {
          balance: asBig(field(o, 'balance')),
          rewardAmount: asBig(field(o, 'liquidationRewardAmount')),
          rewardAsset: asText(field(o, 'liquidationRewardAsset')),
          deadline: asBig(field(o, 'deadline')),
        });
      }
      for (const pool of scan('Pool')) {
        snapshot.pools.set(asText(field(pool, 'id')), {
          sqrtPriceX96: asBig(field(pool, 'sqrtPriceX96')),
          tick: Number(scalar(field(pool, 'tick'))),
          liquidity: asBig(field(pool, 'liquidity')),
        });
      }
      return snapshot;
    },
  };
}

interface PositionRow {
  id: string;
  open: boolean;
  assets: string[];
  balances: string[];
  frozenAt: string;
  frozenBy: string;
}
interface OrderRow {
  id: string;
  balance: string;
  liquidationRewardAmount: string;
  liquidationRewardAsset: string;
  deadline: string;
}
interface PoolRow {
  id: string;
  sqrtPriceX96: string;
  tick: number;
  liquidity: string;
}

/** Every entity of a collection at the block, paged by id as the keeper pages (first 1000, id_gt). */
async function queryAll<T extends { id: string }>(
  url: string,
  collection: string,
  fields: string,
  blockHash: string,
): Promise<T[]> {
  const rows: T[] = [];
  let after = '';
  for (;;) {
    const query = `query($block: Bytes!, $after: ID!) {
      rows: ${collection}(first: 1000, orderBy: id, where: { id_gt: $after }, block: { hash: $block }) { ${fields} }
    }`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables: { block: blockHash, after } }),
    });
    const body = (await response.json()) as { data?: { rows: T[] }; errors?: { message: string }[] };
    if (body.errors?.length || !body.data) {
      throw new Error(`GraphQL ${collection}: ${JSON.stringify(body.errors ?? body)}`);
    }
    rows.push(...body.data.rows);
    if (body.data.rows.length < 1000) return rows;
    after = (body.data.rows[body.data.rows.length - 1] as T).id;
  }
}

/** Reads through the host's GraphQL HTTP API, pinned to the block hash, as the keeper does. */
export function graphqlReader(url: string): HostReader {
  return {
    snapshot: async (blockHash) => {
      const [positions, orders, pools] = await Promise.all([
        queryAll<PositionRow>(url, 'positions', 'id open assets balances frozenAt frozenBy', blockHash),
        queryAll<OrderRow>(
          url,
          'orders',
          'id balance liquidationRewardAmount liquidationRewardAsset deadline',
          blockHash,
        ),
        queryAll<PoolRow>(url, 'pools', 'id sqrtPriceX96 tick liquidity', blockHash),
      ]);
      return {
        positions: new Map(
          positions.map((p) => [
            p.id,
            {
              open: p.open,
              assets: p.assets.map((a) => a.toLowerCase()),
              balances: p.balances.map(BigInt),
              frozenAt: BigInt(p.frozenAt),
              frozenBy: p.frozenBy.toLowerCase(),
            },
          ]),
        ),
        orders: new Map(
          orders.map((o) => [
            o.id,
            {
              balance: BigInt(o.balance),
              rewardAmount: BigInt(o.liquidationRewardAmount),
              rewardAsset: o.liquidationRewardAsset.toLowerCase(),
              deadline: BigInt(o.deadline),
            },
          ]),
        ),
        pools: new Map(
          pools.map((p) => [
            p.id.toLowerCase(),
            { sqrtPriceX96: BigInt(p.sqrtPriceX96), tick: p.tick, liquidity: BigInt(p.liquidity) },
          ]),
        ),
      };
    },
  };
}

/** eth_call pinned to a block hash, decoded with the contract's ABI. */
async function callAt(devnet: Devnet, contract: Contract, fn: string, args: unknown[], blockHash: string) {
  const data = contract.interface.encodeFunctionData(fn, args);
  const to = await contract.getAddress();
  const result = (await devnet.provider.send('eth_call', [{ to, data }, { blockHash }])) as string;
  return contract.interface.decodeFunctionResult(fn, result);
}

/** The same facts read from the contracts at the block: getPositionAssets/Balances, positions(id), orders... */
export async function chainSnapshot(
  devnet: Devnet,
  pools: readonly string[],
  blockHash: string,
): Promise<ParitySnapshot> {
  const mm = devnet.contracts.marginModule;
  const snapshot: ParitySnapshot = { positions: new Map(), orders: new Map(), pools: new Map() };
  const [positionCount] = await callAt(devnet, mm, 'positionIndex', [], blockHash);
  for (let id = 0n; id < (positionCount as bigint); id++) {
    const p = await callAt(devnet, mm, 'positions', [id], blockHash);
    const [assets] = await callAt(devnet, mm, 'getPositionAssets', [id], blockHash);
    const [balances] = await callAt(devnet, mm, 'getPositionBalances', [id], blockHash);
    snapshot.positions.set(id.toString(), {
      open: p.getValue('open') as boolean,
      assets: [...(assets as string[])].map((a) => a.toLowerCase()),
      balances: [...(balances as bigint[])],
      frozenAt: p.getValue('frozenTime') as bigint,
      frozenBy: (p.getValue('liquidator') as string).toLowerCase(),
    });
  }
  const [orderCount] = await callAt(devnet, mm, 'orderIndex', [], blockHash);
  for (let id = 0n; id < (orderCount as bigint); id++) {
    const [rewardAmount, rewardAsset, deadline] = await callAt(
      devnet,
      mm,
      'getOrderExpirationData',
      [id],
      blockHash,
    );
    const order = await callAt(devnet, mm, 'orders', [id], blockHash);
    snapshot.orders.set(id.toString(), {
      balance: order.getValue('balance') as bigint,
      rewardAmount: rewardAmount as bigint,
      rewardAsset: (rewardAsset as string).toLowerCase(),
      deadline: deadline as bigint,
    });
  }
  for (const address of pools) {
    const pool = poolAt(devnet, address);
    const slot0 = await callAt(devnet, pool, 'slot0', [], blockHash);
    const [liquidity] = await callAt(devnet, pool, 'liquidity', [], blockHash);
    snapshot.pools.set(address.toLowerCase(), {
      sqrtPriceX96: slot0.getValue('sqrtPriceX96') as bigint,
      tick: Number(slot0.getValue('tick')),
      liquidity: liquidity as bigint,
    });
  }
  return snapshot;
}

/** Entries as sorted plain objects, so a failed comparison prints exactly which id differs. */
export function comparable(snapshot: ParitySnapshot) {
  const sorted = <T>(map: Map<string, T>) =>
    Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    positions: sorted(snapshot.positions),
    orders: sorted(snapshot.orders),
    pools: sorted(snapshot.pools),
  };
}
