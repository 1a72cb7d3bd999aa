import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Interface } from 'ethers';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RpcClient } from '../chain/RpcClient.js';
import { loadConfig } from '../config/loadConfig.js';
import { NotActingError } from '../ingest/NotActingError.js';
import type { SubgraphSource } from '../ingest/SubgraphMirror.js';
import type { HeadBlock } from '../model/HeadBlock.js';
import type { Address } from '../model/types.js';
import { KeeperMetrics } from '../ops/KeeperMetrics.js';
import { KeeperCore } from './KeeperCore.js';

const MM = '0x5f2d775362adbc70a6814456a41b268e29259ba0';
const ME = '0x00000000000000000000000000000000000000a1' as Address;
const addr = (n: number) => `0x${n.toString(16).padStart(40, '0')}`;
const hashOf = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const abi = new Interface([
  'function getPositionStatus(uint256 positionId) view returns (uint256 debt, uint256 value)',
  'function multicall(bytes[] data) payable returns (bytes[] results)',
  'function positionIndex() view returns (uint256)',
  'function orderIndex() view returns (uint256)',
  'function slot0() view returns (uint160 sqrtPriceX96, int24 tick, uint16 observationIndex, uint16 observationCardinality, uint16 observationCardinalityNext, uint8 feeProtocol, bool unlocked)',
  'function observations(uint256 index) view returns (uint32 blockTimestamp, int56 tickCumulative, uint160 secondsPerLiquidityCumulativeX128, bool initialized)',
  'function liquidity() view returns (uint128)',
  'event PositionDeposit(uint256 indexed positionId, address indexed asset, uint256 amount)',
  'event PositionFrozen(uint256 indexed positionId, address indexed liquidator, uint256 timestamp)',
  'event Liquidation(uint256 indexed positionId, uint256 indexed orderId, address indexed liquidator, address feeReceiver)',
]);

/** The chain as the fake RPC serves it: heads by number, each position's (debt, value), and every call made. */
const chain = {
  head: 10,
  /** How many blocks the subgraph is behind. */
  lag: 0,
  /** Module logs in the blocks the subgraph has not indexed. */
  logs: [] as object[],
  status: new Map<bigint, [bigint, bigint]>(),
  calls: [] as string[],
  /** `observations(i)` calls: the lag overlay's ring reads. */
  observationReads: 0,
  /** The block hash each getPositionStatus multicall was made at. */
  statusBlocks: [] as string[],
};

const header = (n: number) => ({
  number: `0x${n.toString(16)}`,
  hash: hashOf(n),
  timestamp: `0x${(1000 + n * 12).toString(16)}`,
  baseFeePerGas: '0x3b9aca00',
  gasUsed: '0x0',
  gasLimit: '0x1c9c380',
  // The rest of a header, for ethers' block parser.
  parentHash: hashOf(Math.max(0, n - 1)),
  miner: addr(0),
  difficulty: '0x0',
  nonce: '0x0000000000000000',
  extraData: '0x',
  transactions: [],
});

function rpcAnswer(method: string, params: unknown[]): unknown {
  switch (method) {
    case 'eth_chainId':
      return '0x7a69';
    case 'eth_getCode':
      return '0x';
    case 'eth_getBlockByNumber': {
      const tag = params[0] as string;
      return header(tag === 'latest' ? chain.head : Number(BigInt(tag)));
    }
    case 'eth_getLogs':
      return chain.logs;
    case 'eth_getBlockByHash':
      return header(Number(BigInt(params[0] as string)));
    case 'eth_call': {
      const data = (params[0] as { data: string }).data;
      const call = abi.parseTransaction({ data });
      if (call?.name === 'slot0') return abi.encodeFunctionResult('slot0', [2n ** 96n, 0, 0, 1, 1, 0, true]);
      if (call?.name === 'observations') {
        chain.observationReads += 1;
        return abi.encodeFunctionResult('observations', [1100, -13863n * 200n, 0n, true]);
      }
      if (call?.name === 'liquidity') return abi.encodeFunctionResult('liquidity', [10n ** 18n]);
      if (call?.name === 'positionIndex' || call?.name === 'orderIndex')
        return abi.encodeFunctionResult(call.name, [100n]);
      if (call?.name === 'multicall') {
        chain.statusBlocks.push((params[1] as { blockHash: string }).blockHash);
        const results = (call.args[0] as string[]).map((inner) => {
          const id = abi.decodeFunctionData('getPositionStatus', inner)[0] as bigint;
          return abi.encodeFunctionResult('getPositionStatus', chain.status.get(id) ?? [0n, 1n]);
        });
        return abi.encodeFunctionResult('multicall', [results]);
      }
      throw new Error(`unexpected eth_call ${data.slice(0, 10)}`);
    }
    default:
      throw new Error(`unexpected ${method}`);
  }
}

let server: Server;
let rpcUrl: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const request = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      chain.calls.push(request.method);
      let payload: object;
      try {
        payload = { result: rpcAnswer(request.method, request.params) };
      } catch (err) {
        payload = { error: { code: -32602, message: (err as Error).message } };
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: request.id, ...payload }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  rpcUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const positionRow = (id: number) => ({
  id: String(id),
  positionId: String(id),
  order: { orderId: '0' },
  owner: addr(0xb0),
  createdAt: '1000',
  deadline: '999999999',
  initialBalance: '1000',
  interest: '100',
  open: true,
  frozenAt: '0',
  frozenBy: addr(0),
  assets: [addr(1), addr(2)],
  balances: ['500', '700'],
  stale: false,
});
const orderRow = {
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
  liquidationRewardAmount: (10n ** 17n).toString(),
  deadline: '4000000000',
  balance: '5000',
  stale: false,
};

const poolRow = {
  id: addr(0x50),
  address: addr(0x50),
  fee: 3000,
  token0Erc20: addr(1),
  token1Erc20: addr(2),
  token0Erc223: addr(0x11),
  token1Erc223: addr(0x12),
  initialized: true,
  sqrtPriceX96: (2n ** 95n).toString(),
  tick: -13863,
  liquidity: '1000',
  observationIndex: 0,
  observationCardinality: 1,
  observationCardinalityNext: 1,
};
const observationRow = {
  id: `${addr(0x50)}-0`,
  pool: { id: addr(0x50) },
  index: 0,
  blockTimestamp: '900',
  tickCumulative: '0',
  secondsPerLiquidityCumulativeX128: '0',
  initialized: true,
};

/** The subgraph as the fake source serves it, and what the mirror asked for. */
let source: SubgraphSource & { fetched: string[]; fail?: Error };
beforeEach(() => {
  chain.head = 10;
  chain.lag = 0;
  chain.observationReads = 0;
  chain.statusBlocks = [];
  chain.logs = [];
  chain.status = new Map([
    [1n, [1001n, 1000n]],
    [2n, [1000n, 2000n]],
  ]);
  chain.calls = [];
  source = {
    fetched: [],
    async meta() {
      if (source.fail) throw source.fail;
      const indexed = chain.head - chain.lag;
      return {
        block: { number: indexed, hash: hashOf(indexed), timestampSec: 0 },
        deployment: 'Qm',
        hasIndexingErrors: false,
      };
    },
    async fetchAll(kind, mode) {
      source.fetched.push(`${kind}:${mode}`);
      if (kind === 'positions') return [positionRow(1), positionRow(2)];
      if (kind === 'orders') return [orderRow];
      if (kind === 'poolObservations') return [observationRow];
      return [poolRow];
    },
  };
});

function newCore() {
  const config = loadConfig({
    flags: {
      'chain-id': '31337',
      'rpc-urls': rpcUrl,
      'subgraph-url': 'http://127.0.0.1:1/unused',
      'margin-module': MM,
      'subgraph.max-lag-blocks': '2',
      'subgraph.head-wait-ms': '50',
    },
  });
  const rpc = new RpcClient([rpcUrl], 31337);
  const core = new KeeperCore({
    config,
    rpc,
    subgraph: source,
    ourAddresses: [ME],
    log: pino({ level: 'silent' }),
    metrics: new KeeperMetrics(),
  });
  return { core, rpc };
}

const headAt = (n: number): HeadBlock => ({
  number: n,
  hash: hashOf(n),
  timestampSec: 1000 + n * 12,
  baseFeePerGasWei: 10n ** 9n,
  gasUsed: 0n,
  gasLimit: 30_000_000n,
});

describe('KeeperCore with fake I/O', () => {
  it('plans a freeze of the liquidatable position only, valuing an unknown oracle on chain', async () => {
    const { core, rpc } = newCore();
    try {
      const outcome = await core.processBlock(headAt(10));
      expect(outcome.kind).toBe('planned');
      if (outcome.kind !== 'planned') return;
      expect(outcome.liquidatable).toEqual([1n]);
      expect(outcome.plan.actions.map((a) => [a.kind, a.positionId])).toEqual([['freeze', 1n]]);
      expect(outcome.stats.tracked).toBe(2);
      expect(core.profiles.get(addr(0x0c) as Address)?.kind).toBe('onchain');
    } finally {
      rpc.destroy();
    }
  });

  it('takes the fees from the head it is given: no block read of its own', async () => {
    const { core, rpc } = newCore();
    try {
      await core.processBlock(headAt(10));
      expect(chain.calls.filter((m) => m.startsWith('eth_getBlockBy'))).toEqual([]);
    } finally {
      rpc.destroy();
    }
  });

  it('a subgraph that cannot be trusted is "not acting"; any other failure is thrown to the block boundary', async () => {
    const { core, rpc } = newCore();
    try {
      source.fail = new NotActingError('subgraph answered without data');
      const outcome = await core.processBlock(headAt(10));
      expect(outcome).toMatchObject({ kind: 'not-acting', reason: 'subgraph answered without data' });
      source.fail = new TypeError('boom');
      await expect(core.processBlock(headAt(10))).rejects.toBeInstanceOf(TypeError);
    } finally {
      rpc.destroy();
    }
  });

  it('loads everything once, then changes only, and everything again after a requested resync', async () => {
    const { core, rpc } = newCore();
    try {
      await core.processBlock(headAt(10));
      chain.head = 11;
      await core.processBlock(headAt(11));
      core.requestFullResync();
      chain.head = 12;
      await core.processBlock(headAt(12));
      expect(source.fetched.filter((f) => f.startsWith('positions'))).toEqual([
        'positions:open',
        'positions:changed',
        'positions:open',
      ]);
    } finally {
      rpc.destroy();
    }
  });

  it('counts gas already spent on a position against its reward', async () => {
    const { core, rpc } = newCore();
    try {
      core.ledger.record(1n, 'freeze', 'included', 10n ** 17n);
      const outcome = await core.processBlock(headAt(10));
      expect(outcome.kind === 'planned' && outcome.plan.actions).toEqual([]);
    } finally {
      rpc.destroy();
    }
  });

  it('while the subgraph lags: pools overlaid from the chain, positions touched since held back until indexed', async () => {
    const { core, rpc } = newCore();
    try {
      chain.lag = 1;
      const deposit = abi.encodeEventLog('PositionDeposit', [1n, addr(2), 5n]);
      chain.logs = [
        {
          address: MM,
          topics: deposit.topics,
          data: deposit.data,
          blockNumber: '0xa',
          blockHash: hashOf(10),
          transactionHash: hashOf(99),
          transactionIndex: '0x0',
          logIndex: '0x0',
          removed: false,
        },
      ];
      const lagging = await core.processBlock(headAt(10));
      expect(lagging).toMatchObject({ kind: 'planned', lagBlocks: 1 });
      if (lagging.kind !== 'planned') return;
      expect(lagging.liquidatable).toEqual([]);
      expect(lagging.plan.actions).toEqual([]);
      expect(chain.calls.filter((m) => m === 'eth_getLogs')).toHaveLength(1);
      // The pool's price at the head, not the subgraph's older one.
      expect(core.book.pools.byPoolAddress(addr(0x50) as Address)?.sqrtPriceX96).toBe(2n ** 96n);
      // And its ring: the newest slot was rewritten (a write at 1100 after the mirror's at 900), so it is re-read.
      expect(chain.observationReads).toBeGreaterThan(0);
      expect(
        core.book.pools.byPoolAddress(addr(0x50) as Address)?.ring?.observations[0]?.blockTimestamp,
      ).toBe(1100);
      // Indexed: acted on.
      chain.head = 11;
      chain.lag = 0;
      chain.logs = [];
      const caughtUp = await core.processBlock(headAt(11));
      expect(caughtUp.kind === 'planned' && caughtUp.plan.actions.map((a) => a.positionId)).toEqual([1n]);
    } finally {
      rpc.destroy();
    }
  });
  /** A module log in block `n` (the fake serves it as unindexed while the subgraph lags). */
  const logAt = (n: number, index: number, event: { topics: string[]; data: string }) => ({
    address: MM,
    topics: event.topics,
    data: event.data,
    blockNumber: `0x${n.toString(16)}`,
    blockHash: hashOf(n),
    transactionHash: hashOf(1000 + index),
    transactionIndex: `0x${index.toString(16)}`,
    logIndex: `0x${index.toString(16)}`,
    removed: false,
  });

  it('while the subgraph lags: our freeze in an unindexed block is applied, so its completion is not late', async () => {
    const { core, rpc } = newCore();
    try {
      chain.lag = 2;
      const frozenAt = BigInt(1000 + 9 * 12);
      chain.logs = [logAt(9, 0, abi.encodeEventLog('PositionFrozen', [1n, ME, frozenAt]))];
      const outcome = await core.processBlock(headAt(10));
      expect(outcome).toMatchObject({ kind: 'planned', lagBlocks: 2 });
      if (outcome.kind !== 'planned') return;
      expect(outcome.plan.actions.map((a) => [a.kind, a.positionId])).toEqual([['complete', 1n]]);
      // Applied for this block only: the mirror keeps what the subgraph indexed.
      expect(core.mirror.positions.get(1n)?.frozenAtSec).toBe(0n);
    } finally {
      rpc.destroy();
    }
  });

  it('a freeze by someone else is applied as theirs; the last of two freezes counts', async () => {
    const { core, rpc } = newCore();
    try {
      chain.lag = 2;
      const other = addr(0xee);
      chain.logs = [
        // Served out of order: the freeze of block 10 is the newer one.
        logAt(10, 0, abi.encodeEventLog('PositionFrozen', [1n, other, BigInt(1000 + 10 * 12)])),
        logAt(9, 0, abi.encodeEventLog('PositionFrozen', [1n, ME, BigInt(1000 + 9 * 12)])),
      ];
      const outcome = await core.processBlock(headAt(10));
      if (outcome.kind !== 'planned') throw new Error(outcome.reason);
      // Gen 1: only the freezer completes, and the freeze is not ours: nothing to do, and no new freeze.
      expect(outcome.plan.actions).toEqual([]);
      expect(outcome.plan.skipped.find((d) => d.positionId === 1n)?.phase).toBe('frozen-by-other');
    } finally {
      rpc.destroy();
    }
  });

  it('a position frozen and then liquidated in unindexed blocks is not acted on', async () => {
    const { core, rpc } = newCore();
    try {
      chain.lag = 2;
      chain.logs = [
        logAt(9, 0, abi.encodeEventLog('PositionFrozen', [1n, ME, BigInt(1000 + 9 * 12)])),
        logAt(10, 0, abi.encodeEventLog('Liquidation', [1n, 0n, ME, ME])),
      ];
      const outcome = await core.processBlock(headAt(10));
      if (outcome.kind !== 'planned') throw new Error(outcome.reason);
      expect(outcome.plan.actions).toEqual([]);
      expect(outcome.liquidatable).toEqual([]);
    } finally {
      rpc.destroy();
    }
  });

  it('a completion in an unindexed block holds back its own position only, not the rest of its order', async () => {
    const { core, rpc } = newCore();
    try {
      chain.lag = 2;
      chain.logs = [logAt(10, 0, abi.encodeEventLog('Liquidation', [2n, 0n, ME, ME]))];
      const outcome = await core.processBlock(headAt(10));
      if (outcome.kind !== 'planned') throw new Error(outcome.reason);
      expect(outcome.plan.actions.map((a) => [a.kind, a.positionId])).toEqual([['freeze', 1n]]);
    } finally {
      rpc.destroy();
    }
  });

  it('while the subgraph lags: positions valued on chain are valued at the head, not at the indexed block', async () => {
    const { core, rpc } = newCore();
    try {
      chain.lag = 2;
      await core.processBlock(headAt(10));
      expect(chain.statusBlocks.length).toBeGreaterThan(0);
      expect(new Set(chain.statusBlocks)).toEqual(new Set([hashOf(10)]));
    } finally {
      rpc.destroy();
    }
  });
});
