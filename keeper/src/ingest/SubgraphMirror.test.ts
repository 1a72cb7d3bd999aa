import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotActingError } from './NotActingError.js';
import { SubgraphClient } from './SubgraphClient.js';
import { SubgraphMirror, type BlockRef, type ChainReader } from './SubgraphMirror.js';

type Row = Record<string, unknown> & { id: string; _changedAt?: number };

/** A stand-in for graph-node's HTTP API: just enough to answer the keeper's queries from canned rows. */
interface FakeState {
  meta: { number: number; hash: string; hasIndexingErrors: boolean };
  knownHashes: Set<string>;
  rows: Record<'positions' | 'orders' | 'pools' | 'poolObservations', Row[]>;
  down: boolean;
  requests: number;
}

const hash = (n: number, branch = 'a') => `0x${branch.repeat(2)}${n.toString(16).padStart(62, '0')}`;
const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;

function position(id: number, changedAt: number, extra: Partial<Row> = {}): Row {
  return {
    id: String(id),
    positionId: String(id),
    order: { orderId: '0' },
    owner: addr(0xb0),
    createdAt: '1000',
    deadline: '999999',
    initialBalance: '1000',
    interest: '100',
    open: true,
    frozenAt: '0',
    frozenBy: addr(0),
    assets: [addr(1), addr(2)],
    balances: ['500', '700'],
    stale: false,
    _changedAt: changedAt,
    ...extra,
  };
}

const order: Row = {
  id: '0',
  orderId: '0',
  owner: addr(0xa0),
  baseAsset: addr(1),
  oracle: { address: addr(0x0c) },
  interestRate: '100',
  whitelist: `0x${'11'.repeat(32)}`,
  collateralAssets: [addr(2)],
  alive: true,
  liquidationRewardAsset: addr(0),
  liquidationRewardAmount: '1000000',
  deadline: '4000000000',
  balance: '5000',
  stale: false,
  _changedAt: 1,
};

const pool: Row = {
  id: addr(0x50),
  address: addr(0x50),
  fee: 3000,
  token0Erc20: addr(1),
  token1Erc20: addr(2),
  token0Erc223: addr(0x11),
  token1Erc223: addr(0x12),
  initialized: true,
  sqrtPriceX96: (2n ** 96n).toString(),
  tick: 0,
  liquidity: '1000',
  observationIndex: 1,
  observationCardinality: 2,
  observationCardinalityNext: 3,
  _changedAt: 1,
};

function slot(index: number, changedAt: number, extra: Partial<Row> = {}): Row {
  return {
    id: `${addr(0x50)}-${index}`,
    pool: { id: addr(0x50) },
    index,
    blockTimestamp: String(900 + index),
    tickCumulative: String(-100 * index),
    secondsPerLiquidityCumulativeX128: String(7n << 128n),
    initialized: true,
    _changedAt: changedAt,
    ...extra,
  };
}

let state: FakeState;
/** When set and returning a string, the fake answers with that body instead. */
let overrideBody: ((query: string) => string | undefined) | undefined;
let server: Server;
let url: string;

function answer(body: { query: string; variables: Record<string, unknown> }): unknown {
  if (body.query.includes('_meta')) {
    const { number, hash: h, hasIndexingErrors } = state.meta;
    return {
      data: {
        _meta: { block: { number, hash: h, timestamp: 1000 + number }, deployment: 'Qm', hasIndexingErrors },
      },
    };
  }
  const kind = (/rows: (\w+)\(/.exec(body.query)?.[1] ?? '') as keyof FakeState['rows'];
  const v = body.variables as { hash: string; first: number; cursor: string; since?: number };
  if (!state.knownHashes.has(v.hash)) return { errors: [{ message: `no block with hash ${v.hash}` }] };
  let rows = state.rows[kind].filter((r) => r.id > v.cursor);
  if (body.query.includes('open: true')) rows = rows.filter((r) => r.open === true);
  if (v.since !== undefined) rows = rows.filter((r) => (r._changedAt ?? 0) >= (v.since ?? 0));
  rows.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { data: { rows: rows.slice(0, v.first).map(({ _changedAt: _, ...rest }) => rest) } };
}

const chainHashes = new Map<number, string>();
const chain: ChainReader = {
  blockAt: async (n: number): Promise<BlockRef> => ({
    number: n,
    hash: chainHashes.get(n) ?? hash(n),
    timestampSec: 1000 + n,
  }),
};

function setHead(n: number, branch = 'a') {
  for (let i = 0; i <= n; i++) if (!chainHashes.has(i) || branch !== 'a') chainHashes.set(i, hash(i, branch));
  state.meta = { ...state.meta, number: n, hash: hash(n, branch) };
  state.knownHashes.add(hash(n, branch));
}

const options = { maxLagBlocks: 1, headWaitMs: 200, pageSize: 2, pollMs: 20 };
const headAt = (n: number, branch = 'a'): BlockRef => ({
  number: n,
  hash: hash(n, branch),
  timestampSec: 1000 + n,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      state.requests += 1;
      if (state.down) {
        res.writeHead(502).end('bad gateway');
        return;
      }
      const parsed = JSON.parse(raw) as { query: string; variables: Record<string, unknown> };
      const body = overrideBody?.(parsed.query) ?? JSON.stringify(answer(parsed));
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/subgraphs/name/test`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  chainHashes.clear();
  state = {
    meta: { number: 0, hash: hash(0), hasIndexingErrors: false },
    knownHashes: new Set(),
    rows: {
      positions: [position(1, 1), position(2, 1), position(10, 1), position(3, 1, { open: false })],
      orders: [order],
      pools: [pool],
      poolObservations: [slot(0, 1), slot(1, 1), slot(2, 1, { blockTimestamp: '1', initialized: false })],
    },
    down: false,
    requests: 0,
  };
  setHead(5);
});

const byValue = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
const newMirror = () => new SubgraphMirror(new SubgraphClient(url, 2000), chain);

describe('SubgraphMirror', () => {
  it('loads every open position, order and pool across pages, pinned to the head hash', async () => {
    const mirror = newMirror();
    const result = await mirror.sync(headAt(5), options);
    expect(result.full).toBe(true);
    expect([...mirror.positions.keys()].sort(byValue)).toEqual([1n, 2n, 10n]);
    expect(mirror.positions.get(10n)?.balances).toEqual([500n, 700n]);
    expect(mirror.orders.get(0n)?.oracle).toBe(addr(0x0c));
    expect(mirror.pools.get(addr(0x50))?.sqrtPriceX96).toBe(2n ** 96n);
    expect(result.block.number).toBe(5);
  });

  it('then pulls only what changed, and drops closed positions', async () => {
    const mirror = newMirror();
    await mirror.sync(headAt(5), options);
    state.rows.positions = [
      position(1, 1),
      position(2, 6, { balances: ['1', '2'] }),
      position(10, 6, { open: false }),
      position(11, 6),
    ];
    setHead(6);
    const result = await mirror.sync(headAt(6), options);
    expect(result.full).toBe(false);
    expect([...result.changedPositions].sort(byValue)).toEqual([2n, 11n]);
    expect([...result.removedPositions]).toEqual([10n]);
    expect(mirror.positions.get(2n)?.balances).toEqual([1n, 2n]);
    expect(mirror.positions.has(10n)).toBe(false);
  });

  it('mirrors each pool’s ring: slots below cardinality in slot order, signed cumulatives, updated slot by slot', async () => {
    const mirror = newMirror();
    await mirror.sync(headAt(5), options);
    const ring = mirror.pools.get(addr(0x50))?.ring;
    expect(ring?.index).toBe(1);
    expect(ring?.cardinality).toBe(2);
    expect(ring?.observations.map((o) => o.blockTimestamp)).toEqual([900, 901]);
    expect(ring?.observations[1]?.tickCumulative).toBe(-100n);
    expect(ring?.observations[1]?.secondsPerLiquidityCumulativeX128).toBe(7n << 128n);
    // The index wraps into the grown slot: the pool and that slot change, slot 0 does not and is kept.
    state.rows.pools = [{ ...pool, observationIndex: 2, observationCardinality: 3, _changedAt: 6 }];
    state.rows.poolObservations[2] = slot(2, 6, { blockTimestamp: '1005', tickCumulative: '-250' });
    setHead(6);
    const result = await mirror.sync(headAt(6), options);
    expect([...result.changedPools]).toEqual([addr(0x50)]);
    const next = mirror.pools.get(addr(0x50))?.ring;
    expect(next?.index).toBe(2);
    expect(next?.observations.map((o) => [o.blockTimestamp, o.tickCumulative])).toEqual([
      [900, 0n],
      [901, -100n],
      [1005, -250n],
    ]);
    expect(ring?.cardinality).toBe(2); // a state once given is never mutated
  });

  it('a ring with a slot missing below its cardinality, or a slot of an unknown pool, is not acted on', async () => {
    const mirror = newMirror();
    state.rows.poolObservations = state.rows.poolObservations.filter((r) => r.index !== 0);
    await expect(mirror.sync(headAt(5), options)).rejects.toThrow(/slot 0 of 2 is not mirrored/);
    expect(mirror.pools.size).toBe(0);
    state.rows.poolObservations = [
      slot(0, 1),
      slot(1, 1),
      { ...slot(0, 1), id: `${addr(0x51)}-0`, pool: { id: addr(0x51) } },
    ];
    await expect(mirror.sync(headAt(5), options)).rejects.toThrow(/not indexed/);
  });

  it('a reorg below the last synced block forces a full reload', async () => {
    const mirror = newMirror();
    await mirror.sync(headAt(5), options);
    setHead(6, 'b');
    const result = await mirror.sync(headAt(6, 'b'), options);
    expect(result.full).toBe(true);
  });

  const rejects = async (mutate: () => void, message: RegExp) => {
    const mirror = newMirror();
    await mirror.sync(headAt(5), options);
    const before = [...mirror.positions.entries()];
    mutate();
    setHead(6);
    await expect(mirror.sync(headAt(6), options)).rejects.toThrow(message);
    await expect(mirror.sync(headAt(6), options)).rejects.toBeInstanceOf(NotActingError);
    expect([...mirror.positions.entries()]).toEqual(before);
  };

  it.each([
    [
      'a negative balance',
      { balances: ['-1', '2'] },
      /position 2: balances\.0 not a non-negative integer string/,
    ],
    ['a number where a string is due', { initialBalance: 5 }, /position 2: initialBalance/],
    ['a value above uint256', { interest: (2n ** 256n).toString() }, /position 2: interest exceeds uint256/],
    ['a missing field', { frozenAt: undefined }, /position 2: frozenAt/],
    ['a bad address', { owner: '0x1234' }, /position 2: owner not an address/],
    [
      'assets and balances of different lengths',
      { balances: ['1'] },
      /position 2 has 2 assets but 1 balances/,
    ],
    ['an id that is not the positionId', { id: '2', positionId: '7' }, /position id 2 != positionId 7/],
  ])('rejects %s and keeps the mirror as it was', async (_name, patch, message) => {
    await rejects(() => {
      state.rows.positions = [position(1, 1), position(2, 6, patch)];
    }, message);
  });

  it('rejects duplicated ids', async () => {
    await rejects(() => {
      state.rows.positions = [position(2, 6), position(2, 6)];
    }, /duplicate position id 2/);
  });

  it('does not act when the subgraph lags past the budget, errors, disagrees with the chain, or is down', async () => {
    const mirror = newMirror();
    await expect(mirror.sync(headAt(8), options)).rejects.toThrow(/subgraph lags 3 blocks behind the chain/);
    state.meta.hasIndexingErrors = true;
    await expect(mirror.sync(headAt(5), options)).rejects.toThrow(/indexing errors/);
    state.meta.hasIndexingErrors = false;
    state.meta.hash = hash(5, 'c');
    await expect(mirror.sync(headAt(5), options)).rejects.toThrow(/has hash .* but the chain has/);
    state.down = true;
    await expect(mirror.sync(headAt(5), options)).rejects.toThrow(
      /subgraph unreachable|subgraph query failed/,
    );
  });

  it('acts within the lag budget on the block the subgraph has', async () => {
    const mirror = newMirror();
    const result = await mirror.sync(headAt(6), options);
    expect(result.block.number).toBe(5);
    expect(result.lagBlocks).toBe(1);
  });

  /** A mirror whose source counts `_meta` reads and may move the subgraph on after one. */
  const countingMirror = (afterMeta: (reads: number) => void = () => {}) => {
    const client = new SubgraphClient(url, 2000);
    const counter = { reads: 0 };
    const source = {
      meta: async () => {
        const meta = await client.meta();
        counter.reads += 1;
        afterMeta(counter.reads);
        return meta;
      },
      fetchAll: client.fetchAll.bind(client),
    };
    return { mirror: new SubgraphMirror(source, chain), counter };
  };

  it('within the lag budget it does not wait for the subgraph to reach the head: one _meta read', async () => {
    const { mirror, counter } = countingMirror();
    // A wait would last the minute and time the test out.
    const result = await mirror.sync(headAt(6), { ...options, headWaitMs: 60_000 });
    expect(result.lagBlocks).toBe(1);
    expect(counter.reads).toBe(1);
  });

  it('within the budget it first waits the grace for the head, and reads the head when the subgraph gets there', async () => {
    const { mirror, counter } = countingMirror((reads) => {
      if (reads === 2) setHead(6);
    });
    const result = await mirror.sync(headAt(6), { ...options, headWaitMs: 60_000, headGraceMs: 60_000 });
    expect(result.lagBlocks).toBe(0);
    expect(counter.reads).toBe(3);
  });

  it('past the budget it waits, and goes on as soon as the subgraph is back within it', async () => {
    const { mirror, counter } = countingMirror((reads) => {
      if (reads === 2) setHead(7);
    });
    const result = await mirror.sync(headAt(8), { ...options, headWaitMs: 60_000 });
    expect(result.block.number).toBe(7);
    expect(result.lagBlocks).toBe(1);
    expect(counter.reads).toBe(3);
  });
});

describe('SubgraphMirror against hostile answers', () => {
  /** Replaces the fake's answer for matching queries with an arbitrary body (valid JSON or not). */
  const hostile = async (body: (query: string) => string | undefined, head = headAt(5)) => {
    const mirror = newMirror();
    overrideBody = body;
    try {
      return await mirror.sync(head, options).then(
        () => null,
        (err: unknown) => err,
      );
    } finally {
      overrideBody = undefined;
    }
  };

  it.each<[string, (q: string) => string | undefined]>([
    ['{"data": null} for _meta', (q) => (q.includes('_meta') ? '{"data":null}' : undefined)],
    ['{"data": null} for rows', (q) => (q.includes('_meta') ? undefined : '{"data":null}')],
    [
      'a fractional _meta.block.number',
      (q) =>
        q.includes('_meta')
          ? JSON.stringify({
              data: {
                _meta: { block: { number: 5.5, hash: hash(5) }, deployment: 'Qm', hasIndexingErrors: false },
              },
            })
          : undefined,
    ],
    ['a list as data', () => '{"data":[1,2]}'],
    ['not JSON', () => '<html>gateway</html>'],
    ['rows that are not a list', (q) => (q.includes('_meta') ? undefined : '{"data":{"rows":{"0":1}}}')],
  ])('%s is "not acting", never a crash', async (_, body) => {
    const err = await hostile(body);
    expect(err).toBeInstanceOf(NotActingError);
  });

  it('endless full pages stop at the chain’s own count', async () => {
    let next = 100;
    const mirror = new SubgraphMirror(new SubgraphClient(url, 2000), {
      ...chain,
      counts: async () => ({ positions: 11n, orders: 1n }),
    });
    overrideBody = (q) => {
      if (!q.includes('rows: positions(')) return undefined;
      const rows = [position(next++, 1), position(next++, 1)].map(({ _changedAt: _, ...r }) => r);
      return JSON.stringify({ data: { rows } });
    };
    try {
      const err = await mirror.sync(headAt(5), options).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NotActingError);
      expect((err as Error).message).toMatch(/more than 11 positions, more than the chain has/);
      expect(next).toBeLessThan(120);
    } finally {
      overrideBody = undefined;
    }
  });

  it('1,000 generated hostile payloads: every sync ends in a result or NotActingError, never anything else', async () => {
    let seed = 223;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const junk = (depth: number): unknown => {
      const kind = pick(['null', 'num', 'frac', 'neg', 'big', 'str', 'bool', 'arr', 'obj', 'hex']);
      if (kind === 'null') return null;
      if (kind === 'num') return Math.floor(random() * 10);
      if (kind === 'frac') return random() * 10;
      if (kind === 'neg') return -Math.floor(random() * 10);
      if (kind === 'big') return 1e300;
      if (kind === 'str') return pick(['', 'x', '5', '-1', '1e3', '0x', '💥']);
      if (kind === 'bool') return random() < 0.5;
      if (kind === 'hex') return hash(5);
      if (depth > 2) return {};
      if (kind === 'arr') return Array.from({ length: Math.floor(random() * 3) }, () => junk(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, () => [
          pick(['data', 'rows', '_meta', 'block', 'number', 'hash', 'id', 'errors', 'hasIndexingErrors']),
          junk(depth + 1),
        ]),
      );
    };
    const mutateRow = (row: Row): Row => {
      const keys = Object.keys(row);
      return { ...row, [pick(keys)]: junk(1) };
    };
    let results = 0;
    let notActing = 0;
    for (let i = 0; i < 1000; i++) {
      const shape = pick(['meta', 'rows', 'row', 'raw']);
      overrideBody = (q) => {
        const isMeta = q.includes('_meta');
        if (shape === 'meta' && isMeta) return JSON.stringify({ data: { _meta: junk(0) } });
        if (shape === 'rows' && !isMeta) return JSON.stringify({ data: { rows: junk(0) } });
        if (shape === 'row' && !isMeta)
          return JSON.stringify({ data: { rows: [mutateRow(position(1, 1)), junk(1)] } });
        if (shape === 'raw') return JSON.stringify(junk(0));
        return undefined;
      };
      const err = await newMirror()
        .sync(headAt(5), { ...options, headWaitMs: 1 })
        .then(
          () => null,
          (e: unknown) => e,
        );
      if (err === null) results += 1;
      else if (err instanceof NotActingError) notActing += 1;
      else throw new Error(`payload ${i} (${shape}) escaped as ${String(err)}`, { cause: err });
    }
    overrideBody = undefined;
    expect(results + notActing).toBe(1000);
    expect(notActing).toBeGreaterThan(500);
  });
});
