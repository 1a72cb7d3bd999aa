import { z } from 'zod';
import { KeeperError } from '../errors/KeeperError.js';
import type { Address, Observation, OrderState, PoolState, PositionState } from '../model/types.js';

/** A subgraph payload that does not have the shape and ranges the contract allows. */
export class MalformedPayloadError extends KeeperError {
  override readonly name = 'MalformedPayloadError';
}

const UINT256_MAX = (1n << 256n) - 1n;

const uint = (bits: number) =>
  z
    .string()
    .regex(/^\d+$/, 'not a non-negative integer string')
    .transform((s, ctx) => {
      const value = BigInt(s);
      if (value > (bits === 256 ? UINT256_MAX : (1n << BigInt(bits)) - 1n)) {
        ctx.addIssue({ code: 'custom', message: `exceeds uint${bits}` });
        return z.NEVER;
      }
      return value;
    });

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'not an address')
  .transform((s) => s.toLowerCase() as Address);

const smallInt = (min: number, max: number) => z.number().int().min(min).max(max);

const positionPayload = z.object({
  id: z.string().min(1),
  positionId: uint(256),
  order: z.object({ orderId: uint(256) }).nullable(),
  owner: address,
  createdAt: uint(256),
  deadline: uint(256),
  initialBalance: uint(256),
  interest: uint(256),
  open: z.boolean(),
  frozenAt: uint(256),
  frozenBy: address,
  assets: z.array(address).min(1),
  balances: z.array(uint(256)).min(1),
  stale: z.boolean(),
});

const orderPayload = z.object({
  id: z.string().min(1),
  orderId: uint(256),
  owner: address,
  baseAsset: address,
  oracle: z.object({ address }),
  interestRate: uint(256),
  whitelist: z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'not a bytes32'),
  collateralAssets: z.array(address),
  alive: z.boolean(),
  liquidationRewardAsset: address,
  liquidationRewardAmount: uint(256),
  deadline: uint(32),
  balance: uint(256),
  stale: z.boolean(),
});

const poolPayload = z.object({
  id: z.string().min(1),
  address,
  fee: smallInt(0, 1_000_000),
  token0Erc20: address,
  token1Erc20: address,
  token0Erc223: address,
  token1Erc223: address,
  initialized: z.boolean(),
  sqrtPriceX96: uint(160),
  tick: smallInt(-887_272, 887_272),
  liquidity: uint(128),
  observationIndex: smallInt(0, 65_534),
  observationCardinality: smallInt(0, 65_535),
  observationCardinalityNext: smallInt(0, 65_535),
});

const INT56_MIN = -(1n << 55n);
const INT56_MAX = (1n << 55n) - 1n;

const int56 = z
  .string()
  .regex(/^-?\d+$/, 'not an integer string')
  .transform((s, ctx) => {
    const value = BigInt(s);
    if (value < INT56_MIN || value > INT56_MAX) {
      ctx.addIssue({ code: 'custom', message: 'exceeds int56' });
      return z.NEVER;
    }
    return value;
  });

const observationPayload = z.object({
  id: z.string().min(1),
  pool: z.object({ id: address }),
  index: smallInt(0, 65_534),
  blockTimestamp: uint(32),
  tickCumulative: int56,
  secondsPerLiquidityCumulativeX128: uint(160),
  initialized: z.boolean(),
});

export type PositionPayload = z.input<typeof positionPayload>;
export type OrderPayload = z.input<typeof orderPayload>;
export type PoolPayload = z.input<typeof poolPayload>;
export type ObservationPayload = z.input<typeof observationPayload>;

function parseAll<S extends z.ZodType>(kind: string, schema: S, rows: unknown): z.output<S>[] {
  if (!Array.isArray(rows))
    throw new MalformedPayloadError(`malformed subgraph payload: ${kind} is not a list`);
  const seen = new Set<string>();
  return rows.map((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const id =
        typeof row === 'object' && row !== null && 'id' in row
          ? String((row as { id: unknown }).id)
          : `#${i}`;
      throw new MalformedPayloadError(
        `malformed subgraph payload: ${kind} ${id}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`.trim(),
      );
    }
    const id = (parsed.data as { id: string }).id;
    if (seen.has(id))
      throw new MalformedPayloadError(`malformed subgraph payload: duplicate ${kind} id ${id}`);
    seen.add(id);
    return parsed.data;
  });
}

/** Open or closed positions as the keeper mirrors them; a payload the contract could not produce is rejected. */
export function parsePositions(rows: unknown): { state: PositionState; stale: boolean }[] {
  return parseAll('position', positionPayload, rows).map((p) => {
    if (p.id !== p.positionId.toString()) {
      throw new MalformedPayloadError(
        `malformed subgraph payload: position id ${p.id} != positionId ${p.positionId}`,
      );
    }
    if (p.assets.length !== p.balances.length) {
      throw new MalformedPayloadError(
        `malformed subgraph payload: position ${p.id} has ${p.assets.length} assets but ${p.balances.length} balances`,
      );
    }
    if (!p.order)
      throw new MalformedPayloadError(`malformed subgraph payload: position ${p.id} has no order`);
    return {
      stale: p.stale,
      state: {
        positionId: p.positionId,
        orderId: p.order.orderId,
        owner: p.owner,
        createdAtSec: p.createdAt,
        deadlineSec: p.deadline,
        initialBalance: p.initialBalance,
        interest: p.interest,
        open: p.open,
        frozenAtSec: p.frozenAt,
        frozenBy: p.frozenBy,
        assets: p.assets,
        balances: p.balances,
      },
    };
  });
}

export function parseOrders(rows: unknown): { state: OrderState; stale: boolean }[] {
  return parseAll('order', orderPayload, rows).map((o) => {
    if (o.id !== o.orderId.toString()) {
      throw new MalformedPayloadError(`malformed subgraph payload: order id ${o.id} != orderId ${o.orderId}`);
    }
    return {
      stale: o.stale,
      state: {
        orderId: o.orderId,
        owner: o.owner,
        baseAsset: o.baseAsset,
        oracle: o.oracle.address,
        interestRate: o.interestRate,
        whitelist: o.whitelist.toLowerCase() as Address,
        collateralAssets: o.collateralAssets,
        alive: o.alive,
        rewardAsset: o.liquidationRewardAsset,
        rewardAmount: o.liquidationRewardAmount,
        deadlineSec: o.deadline,
        balance: o.balance,
      },
    };
  });
}

/** `slot0`'s ring fields: which mirrored slots form the ring the oracles read. */
export interface RingShape {
  index: number;
  cardinality: number;
  cardinalityNext: number;
}

export function parsePools(rows: unknown): { state: PoolState; ring: RingShape }[] {
  return parseAll('pool', poolPayload, rows).map((p) => {
    if (p.id.toLowerCase() !== p.address) {
      throw new MalformedPayloadError(`malformed subgraph payload: pool id ${p.id} != address ${p.address}`);
    }
    const ring = {
      index: p.observationIndex,
      cardinality: p.observationCardinality,
      cardinalityNext: p.observationCardinalityNext,
    };
    // Uniswap's Oracle keeps index < cardinality ≤ cardinalityNext once initialised, and all three 0 before.
    const shaped =
      ring.cardinality === 0
        ? ring.index === 0 && ring.cardinalityNext === 0
        : ring.index < ring.cardinality && ring.cardinality <= ring.cardinalityNext;
    if (!shaped || ring.cardinality > 0 !== p.initialized) {
      throw new MalformedPayloadError(
        `malformed subgraph payload: pool ${p.id} ring index ${ring.index}, cardinality ${ring.cardinality}, next ${ring.cardinalityNext}${p.initialized ? '' : ' (uninitialised)'}`,
      );
    }
    return {
      ring,
      state: {
        address: p.address,
        fee: p.fee,
        token0: p.token0Erc20,
        token1: p.token1Erc20,
        token0Erc223: p.token0Erc223,
        token1Erc223: p.token1Erc223,
        initialized: p.initialized,
        sqrtPriceX96: p.sqrtPriceX96,
        tick: p.tick,
        liquidity: p.liquidity,
      },
    };
  });
}

/** Ring slots as `observations(i)` answers them, keyed by pool; the id must be `<pool>-<index>`. */
export function parseObservations(
  rows: unknown,
): { pool: Address; index: number; observation: Observation }[] {
  return parseAll('pool observation', observationPayload, rows).map((o) => {
    if (o.id.toLowerCase() !== `${o.pool.id}-${o.index}`) {
      throw new MalformedPayloadError(
        `malformed subgraph payload: pool observation ${o.id} is not slot ${o.index} of ${o.pool.id}`,
      );
    }
    return {
      pool: o.pool.id,
      index: o.index,
      observation: {
        blockTimestamp: Number(o.blockTimestamp),
        tickCumulative: o.tickCumulative,
        secondsPerLiquidityCumulativeX128: o.secondsPerLiquidityCumulativeX128,
        initialized: o.initialized,
      },
    };
  });
}
