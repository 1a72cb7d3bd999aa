import { createRequire } from 'node:module';
import { Contract, Interface, MaxUint256, toQuantity, type Log } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAtTimestamp } from '../../devnet/chain/callAtTimestamp.js';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { CREATE_POOL_GAS_LIMIT, createPool, MAX_TICK, MIN_TICK } from '../../devnet/scenario/pools.js';
import { deployToken, type TestToken } from '../../devnet/scenario/tokens.js';
import { requireDevnetBuild } from './requireDevnetBuild.js';
import { observeSingle, type MirroredPool, type RingSlot } from './support/observeFromRing.js';
import { seededRandom, type SeededRandom } from './support/seededRandom.js';

// The subgraph mirrors every pool's observation ring from events alone, so a keeper can run observe() for
// any second without a call. Here a seeded random history of swaps, mints and burns (several per block, tiny
// swaps that keep the tick, liquidity far out of range, rings that wrap and grow mid-run, a pool whose
// liquidity runs out) is indexed by the graph host, and at checkpoints every pool's slot0, liquidity and
// every ring slot below cardinalityNext are compared with the contract's own getters at the same block hash,
// and observe() computed from the mirror alone is compared with the pool's observe() a little in the future.

const Q96 = 2n ** 96n;
const BLOCKS = 520;
const CHECK_EVERY = 65;
const SEED =
  process.env.RING_SEED !== undefined ? Number(process.env.RING_SEED) : Math.floor(Math.random() * 2 ** 32);
const GAS = toQuantity(3_000_000);
const FUNDING = 10n ** 60n;

interface PoolUnderTest {
  name: string;
  address: string;
  contract: Contract;
  token0: TestToken;
  token1: TestToken;
  fee: number;
  spacing: number;
  /** Tick before the block being built (from the pool's own events). */
  tick: number;
}

interface Coverage {
  swapsMovingTick: number;
  swapsKeepingTick: number;
  liquidityInRange: number;
  liquidityOutOfRange: number;
  zeroBurns: number;
  blocksWithSeveralWrites: number;
  swapsEndingWithoutLiquidity: number;
  grows: number;
  reverted: number;
  writeBlocks: Map<string, number>;
}

let devnet: Devnet;
let host: GraphHost;
let random: SeededRandom;
let lp: string;
let trader: string;
const pools: PoolUnderTest[] = [];
let uninitialised: string;
const mappingProblems: string[] = [];
// The pool's own ABI (the npm package's artifact), so slot0 and observations decode as the contract defines them.
const poolInterface = new Interface(
  (
    createRequire(import.meta.url)(
      '@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json',
    ) as { abi: string[] }
  ).abi,
);

function sorted(a: TestToken, b: TestToken): [TestToken, TestToken] {
  return BigInt(a.address) < BigInt(b.address) ? [a, b] : [b, a];
}

function align(tick: number, spacing: number): number {
  const low = Math.ceil(MIN_TICK / spacing) * spacing;
  const high = Math.floor(MAX_TICK / spacing) * spacing;
  return Math.min(high, Math.max(low, Math.floor(tick / spacing) * spacing));
}

async function send(from: string, to: string, data: string): Promise<string> {
  return (await devnet.provider.send('eth_sendTransaction', [{ from, to, data, gas: GAS }])) as string;
}

interface RawReceipt {
  status: string;
  logs: { address: string; topics: string[]; data: string }[];
}

/** Mines one block with whatever was sent and returns its receipts (reverted ones included). */
async function mineBlock(timestampSec?: number): Promise<{ hash: string; receipts: RawReceipt[] }> {
  const block = await devnet.producer.mine({ timestampSec });
  const receipts = (await devnet.provider.send('eth_getBlockReceipts', [
    toQuantity(block.number),
  ])) as RawReceipt[];
  return { hash: block.hash, receipts };
}

async function ethCall(to: string, iface: Interface, fn: string, args: unknown[], blockHash: string) {
  const data = iface.encodeFunctionData(fn, args);
  const result = (await devnet.provider.send('eth_call', [{ to, data }, { blockHash }])) as string;
  return iface.decodeFunctionResult(fn, result);
}

async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(host.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

interface PoolView {
  initialized: boolean;
  sqrtPriceX96: string;
  tick: number;
  liquidity: string;
  observationIndex: number;
  observationCardinality: number;
  observationCardinalityNext: number;
  ring: string[];
}

// One line per slot keeps a failing comparison readable: which pool, which slot, which field.
const slotLine = (i: number, ts: bigint, tc: bigint, spl: bigint, init: boolean) =>
  `${i}: ts=${ts} tc=${tc} spl=${spl} init=${init}`;

async function chainView(address: string, blockHash: string): Promise<PoolView> {
  const slot0 = await ethCall(address, poolInterface, 'slot0', [], blockHash);
  const [liquidity] = await ethCall(address, poolInterface, 'liquidity', [], blockHash);
  const next = Number(slot0.getValue('observationCardinalityNext'));
  const ring: string[] = [];
  // One slot past cardinalityNext too: never touched on chain, so it must read all zero and have no entity.
  for (let i = 0; i <= next; i++) {
    const o = await ethCall(address, poolInterface, 'observations', [i], blockHash);
    const line = slotLine(i, o[0] as bigint, o[1] as bigint, o[2] as bigint, o[3] as boolean);
    if (i < next) ring.push(line);
    else expect(line, `${address} slot ${i} beyond cardinalityNext`).toBe(slotLine(i, 0n, 0n, 0n, false));
  }
  const sqrtPriceX96 = slot0.getValue('sqrtPriceX96') as bigint;
  return {
    initialized: sqrtPriceX96 !== 0n,
    sqrtPriceX96: sqrtPriceX96.toString(),
    tick: Number(slot0.getValue('tick')),
    liquidity: (liquidity as bigint).toString(),
    observationIndex: Number(slot0.getValue('observationIndex')),
    observationCardinality: Number(slot0.getValue('observationCardinality')),
    observationCardinalityNext: next,
    ring,
  };
}

interface HostPool extends Omit<PoolView, 'ring'> {
  id: string;
}
interface HostSlot {
  index: number;
  blockTimestamp: string;
  tickCumulative: string;
  secondsPerLiquidityCumulativeX128: string;
  initialized: boolean;
}

async function hostView(
  address: string,
  blockHash: string,
): Promise<{ view: PoolView; mirror: MirroredPool }> {
  const id = address.toLowerCase();
  const data = await graphql<{ pool: HostPool | null; poolObservations: HostSlot[] }>(
    `
      query ($id: ID!, $pool: String!, $hash: Bytes!) {
        pool(id: $id, block: { hash: $hash }) {
          id
          initialized
          sqrtPriceX96
          tick
          liquidity
          observationIndex
          observationCardinality
          observationCardinalityNext
        }
        poolObservations(first: 1000, orderBy: index, where: { pool: $pool }, block: { hash: $hash }) {
          index
          blockTimestamp
          tickCumulative
          secondsPerLiquidityCumulativeX128
          initialized
        }
      }
    `,
    { id, pool: id, hash: blockHash },
  );
  if (data.pool === null) throw new Error(`the host has no pool ${id} at ${blockHash}`);
  const { id: _id, ...pool } = data.pool;
  const slots = data.poolObservations.map((o) => ({
    index: o.index,
    blockTimestamp: BigInt(o.blockTimestamp),
    tickCumulative: BigInt(o.tickCumulative),
    secondsPerLiquidityCumulativeX128: BigInt(o.secondsPerLiquidityCumulativeX128),
    initialized: o.initialized,
  }));
  return {
    view: {
      ...pool,
      ring: slots.map((o) =>
        slotLine(
          o.index,
          o.blockTimestamp,
          o.tickCumulative,
          o.secondsPerLiquidityCumulativeX128,
          o.initialized,
        ),
      ),
    },
    mirror: {
      tick: pool.tick,
      liquidity: BigInt(pool.liquidity),
      observationIndex: pool.observationIndex,
      observationCardinality: pool.observationCardinality,
      ring: slots.filter((o) => o.index < pool.observationCardinality),
    },
  };
}

/**
 * observe() answered from the mirror alone, against the pool's own observe() in a block `ahead` seconds after
 * `blockHash` (a block override): targets at both ends of the ring, between slots, and one second too old.
 */
async function expectObserveFromMirror(
  address: string,
  mirror: MirroredPool,
  blockHash: string,
  headTimestampSec: number,
): Promise<{ answered: number; old: number }> {
  const counts = { answered: 0, old: 0 };
  if (mirror.observationCardinality === 0) return counts;
  const time = BigInt(headTimestampSec + random.int(1, 400));
  const newest = mirror.ring[mirror.observationIndex] as RingSlot;
  let oldest = mirror.ring[(mirror.observationIndex + 1) % mirror.observationCardinality] as RingSlot;
  if (!oldest.initialized) oldest = mirror.ring[0] as RingSlot;
  const oldestAge = Number(time - oldest.blockTimestamp);
  const secondsAgos = [
    0,
    1,
    Number(time - newest.blockTimestamp),
    oldestAge,
    oldestAge + 1,
    1800,
    ...mirror.ring.filter((o) => o.initialized).map((o) => Number(time - o.blockTimestamp) - 1),
    ...Array.from({ length: 4 }, () => random.int(1, oldestAge)),
  ];
  for (const secondsAgo of secondsAgos) {
    const outcome = await callAtTimestamp(
      devnet.provider,
      { to: address, data: poolInterface.encodeFunctionData('observe', [[secondsAgo]]) },
      time,
      { blockHash },
    );
    const fromChain = outcome.ok
      ? (() => {
          const [tc, spl] = poolInterface.decodeFunctionResult('observe', outcome.data) as unknown as [
            bigint[],
            bigint[],
          ];
          return { tickCumulative: tc[0], secondsPerLiquidityCumulativeX128: spl[0] };
        })()
      : undefined;
    expect(observeSingle(mirror, time, secondsAgo), `${address} observe([${secondsAgo}]) at ${time}`).toEqual(
      fromChain,
    );
    if (fromChain) counts.answered += 1;
    else counts.old += 1;
  }
  return counts;
}

/**
 * Compares every pool at `blockHash`; at the head (`headTimestampSec` given) also observe() from the mirror.
 * Returns what it compared, for the summary.
 */
async function expectRingsEqual(
  blockHash: string,
  headTimestampSec?: number,
): Promise<{ slots: number; observes: { answered: number; old: number }; cardinality: Map<string, number> }> {
  await host.indexer.waitFor({ hash: blockHash }, 30_000);
  let slots = 0;
  const observes = { answered: 0, old: 0 };
  const cardinality = new Map<string, number>();
  for (const address of [...pools.map((p) => p.address), uninitialised]) {
    const [fromHost, fromChain] = await Promise.all([
      hostView(address, blockHash),
      chainView(address, blockHash),
    ]);
    expect(fromHost.view, `pool ${address} at ${blockHash}`).toEqual(fromChain);
    slots += fromChain.ring.length;
    cardinality.set(address, fromChain.observationCardinality);
    if (headTimestampSec !== undefined) {
      const counts = await expectObserveFromMirror(address, fromHost.mirror, blockHash, headTimestampSec);
      observes.answered += counts.answered;
      observes.old += counts.old;
    }
  }
  expect(host.store.indexingError()).toBeUndefined();
  return { slots, observes, cardinality };
}

// ---- the random history ----

interface LiquidityPosition {
  pool: PoolUnderTest;
  lower: number;
  upper: number;
  liquidity: bigint;
}
const positions: LiquidityPosition[] = [];
let manager: Contract;
let router: Contract;

async function mint(pool: PoolUnderTest, lower: number, upper: number, liquidity: bigint): Promise<void> {
  if (lower >= upper || liquidity === 0n) return;
  await send(
    lp,
    await manager.getAddress(),
    manager.interface.encodeFunctionData('mint', [pool.address, lower, upper, liquidity]),
  );
  const existing = positions.find((p) => p.pool === pool && p.lower === lower && p.upper === upper);
  if (existing) existing.liquidity += liquidity;
  else positions.push({ pool, lower, upper, liquidity });
}

async function burn(position: LiquidityPosition, liquidity: bigint): Promise<void> {
  await send(
    lp,
    await manager.getAddress(),
    manager.interface.encodeFunctionData('burn', [
      position.pool.address,
      position.lower,
      position.upper,
      liquidity,
    ]),
  );
  position.liquidity -= liquidity;
}

async function swap(pool: PoolUnderTest, zeroForOne: boolean, amountIn: bigint): Promise<void> {
  const [tokenIn, tokenOut] = zeroForOne ? [pool.token0, pool.token1] : [pool.token1, pool.token0];
  await send(
    trader,
    await router.getAddress(),
    router.interface.encodeFunctionData('exactInputSingle', [
      {
        tokenIn: tokenIn.address,
        tokenOut: tokenOut.address,
        fee: pool.fee,
        recipient: trader,
        deadline: 2n ** 40n,
        amountIn,
        amountOutMinimum: 0n,
        sqrtPriceLimitX96: 0n,
        prefer223Out: false,
      },
    ]),
  );
}

async function grow(pool: PoolUnderTest, next: number): Promise<void> {
  await send(
    trader,
    pool.address,
    poolInterface.encodeFunctionData('increaseObservationCardinalityNext', [next]),
  );
}

async function randomAction(): Promise<void> {
  const pool = random.pick(pools);
  const r = random.next();
  if (r < 0.42) {
    await swap(pool, random.chance(0.5), random.bigint(10n ** 15n, 3n * 10n ** 19n));
  } else if (r < 0.57) {
    // Far too small to cross a tick boundary: the pool writes nothing.
    await swap(pool, random.chance(0.5), random.bigint(1n, 10n ** 6n));
  } else if (r < 0.7) {
    const width = random.int(1, 40) * pool.spacing;
    await mint(
      pool,
      align(pool.tick - width, pool.spacing),
      align(pool.tick + width, pool.spacing),
      random.bigint(10n ** 12n, 10n ** 20n),
    );
  } else if (r < 0.8) {
    // Out of range by thousands of ticks: no same-block swap reaches it.
    const offset = align(random.int(3_000, 30_000), pool.spacing);
    const width = random.int(1, 30) * pool.spacing;
    const lower = random.chance(0.5) ? pool.tick + offset : pool.tick - offset - width;
    await mint(
      pool,
      align(lower, pool.spacing),
      align(lower + width, pool.spacing),
      random.bigint(10n ** 12n, 10n ** 18n),
    );
  } else {
    const held = positions.filter((p) => p.liquidity > 0n);
    if (held.length === 0) return;
    const position = random.pick(held);
    // A zero burn is Uniswap's "poke": a Burn event that changes nothing.
    const amount = random.chance(0.1) ? 0n : random.bigint(1n, position.liquidity);
    await burn(position, amount);
  }
}

/** Reads a mined block's pool events: the pool's tick for the next block, and what the block exercised. */
function account(receipts: RawReceipt[], coverage: Coverage): void {
  const writesPerPool = new Map<string, number>();
  for (const receipt of receipts) {
    if (receipt.status !== '0x1') coverage.reverted += 1;
    for (const raw of receipt.logs) {
      const pool = pools.find((p) => p.address.toLowerCase() === raw.address.toLowerCase());
      if (!pool) continue;
      const log = poolInterface.parseLog(raw as unknown as Log);
      if (!log) continue;
      let writes = false;
      if (log.name === 'Swap') {
        const tick = Number(log.args.getValue('tick'));
        if (tick === pool.tick) coverage.swapsKeepingTick += 1;
        else coverage.swapsMovingTick += 1;
        writes = tick !== pool.tick;
        if ((log.args.getValue('liquidity') as bigint) === 0n) coverage.swapsEndingWithoutLiquidity += 1;
        pool.tick = tick;
      } else if (log.name === 'Mint' || log.name === 'Burn') {
        const amount = log.args.getValue('amount') as bigint;
        const inRange =
          pool.tick >= Number(log.args.getValue('tickLower')) &&
          pool.tick < Number(log.args.getValue('tickUpper'));
        if (amount === 0n) coverage.zeroBurns += 1;
        else if (inRange) coverage.liquidityInRange += 1;
        else coverage.liquidityOutOfRange += 1;
        writes = amount !== 0n && inRange;
      } else if (log.name === 'IncreaseObservationCardinalityNext') {
        coverage.grows += 1;
      }
      if (writes) writesPerPool.set(pool.address, (writesPerPool.get(pool.address) ?? 0) + 1);
    }
  }
  for (const [address, writes] of writesPerPool) {
    coverage.writeBlocks.set(address, (coverage.writeBlocks.get(address) ?? 0) + 1);
    if (writes > 1) coverage.blocksWithSeveralWrites += 1;
  }
}

beforeAll(async () => {
  console.log(`ring differential: seed ${SEED} (RING_SEED=${SEED} replays this run)`);
  random = seededRandom(SEED);
  devnet = await Devnet.start({ genesisTimestampSec: 1_800_000_000 });
  requireDevnetBuild(devnet);
  lp = await (await devnet.actor('lp')).getAddress();
  trader = await (await devnet.actor('trader')).getAddress();
  ({ liquidityManager: manager, router } = devnet.contracts);
  host = await startGraphHost({
    rpcUrl: devnet.rpcUrl,
    chainId: devnet.chainId,
    pollIntervalMs: 20,
    onMappingLog: (entry) => {
      if (entry.level !== 'info' && entry.level !== 'debug')
        mappingProblems.push(`${entry.level}: ${entry.message}`);
    },
  });

  const [a, b, c] = [
    await deployToken(devnet, 'RA'),
    await deployToken(devnet, 'RB'),
    await deployToken(devnet, 'RC'),
  ];
  // A/B 0.05 % at price 1, A/B 0.3 % at an off-tick price, B/C 1 % with only narrow liquidity so that big
  // swaps run it dry (liquidity 0: secondsPerLiquidity then grows by whole seconds).
  const specs: [string, TestToken, TestToken, number, number, bigint][] = [
    ['A/B 500', a, b, 500, 10, Q96],
    ['A/B 3000', a, b, 3000, 60, (Q96 * 3n) / 2n + 12345n],
    ['B/C 10000', b, c, 10000, 200, Q96 / 3n],
  ];
  for (const [name, x, y, fee, spacing, sqrtPriceX96] of specs) {
    const contract = await createPool(devnet, x, y, fee, sqrtPriceX96);
    const [token0, token1] = sorted(x, y);
    const [, tick] = (await contract.getFunction('slot0')()) as [bigint, bigint];
    pools.push({
      name,
      address: await contract.getAddress(),
      contract,
      token0,
      token1,
      fee,
      spacing,
      tick: Number(tick),
    });
  }
  // A pool that is created and never initialised: slot0 all zero, no ring at all.
  await devnet.send('createPool A/C', () =>
    devnet.contracts.factory.getFunction('createPool')(a.address, c.address, a.twin, c.twin, 3000, {
      gasLimit: CREATE_POOL_GAS_LIMIT,
    }),
  );
  uninitialised = (await devnet.contracts.factory.getFunction('getPool')(
    a.address,
    c.address,
    3000,
  )) as string;

  // Every balance and approval in one block: the LM and the router pull from lp and trader.
  const spenders = [await manager.getAddress(), await router.getAddress()];
  for (const token of [a, b, c]) {
    for (const holder of [lp, trader]) {
      await send(holder, token.address, token.erc20.interface.encodeFunctionData('mint', [holder, FUNDING]));
      for (const spender of spenders) {
        await send(
          holder,
          token.address,
          token.erc20.interface.encodeFunctionData('approve', [spender, MaxUint256]),
        );
      }
    }
  }
  // A gen-1 module event, so the host meets the module and its priceOracle() read reverts.
  await send(
    lp,
    devnet.addresses.marginModule,
    devnet.contracts.marginModule.interface.encodeFunctionData('addTokenlist', [[a.address], false]),
  );
  await mineBlock();
  const [p500, p3000, p10000] = pools as [PoolUnderTest, PoolUnderTest, PoolUnderTest];
  await mint(p500, -120_000, 120_000, 10n ** 22n);
  await mint(p3000, align(-120_000, 60), align(120_000, 60), 10n ** 22n);
  await mint(p10000, align(p10000.tick - 4_000, 200), align(p10000.tick + 4_000, 200), 10n ** 21n);
  // The 0.05 % ring starts at 4 slots; the 0.3 % one grows only mid-run; the 1 % one keeps a single slot.
  await grow(p500, 4);
  const { receipts } = await mineBlock();
  expect(receipts.map((r) => r.status)).toEqual(receipts.map(() => '0x1'));
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await devnet?.stop();
});

describe('the graph host mirrors every observation ring exactly', () => {
  it(`${BLOCKS} random blocks of swaps, mints and burns: rings, slot0 and liquidity equal the chain`, async () => {
    const started = Date.now();
    const [p500, p3000] = pools as [PoolUnderTest, PoolUnderTest];
    const coverage: Coverage = {
      swapsMovingTick: 0,
      swapsKeepingTick: 0,
      liquidityInRange: 0,
      liquidityOutOfRange: 0,
      zeroBurns: 0,
      blocksWithSeveralWrites: 0,
      swapsEndingWithoutLiquidity: 0,
      grows: 0,
      reverted: 0,
      writeBlocks: new Map(),
    };
    // Grows at fixed points, in blocks that also carry random actions: mid-run growth, growth of a ring
    // that already wrapped, and a request below the current size (no event, nothing changes).
    const grows = new Map<number, [PoolUnderTest, number][]>([
      [150, [[p3000, 7]]],
      [300, [[p500, 6]]],
      [320, [[p3000, 5]]],
      [400, [[p3000, 12]]],
    ]);
    const checkpoints: string[] = [];
    const cardinalityOf3000: number[] = [];
    let slotsCompared = 0;

    const observesCompared = { answered: 0, old: 0 };

    const start = await devnet.producer.latest();
    const first = await expectRingsEqual(start.hash, start.timestampSec);
    checkpoints.push(start.hash);
    cardinalityOf3000.push(first.cardinality.get(p3000.address) ?? -1);
    slotsCompared += first.slots;
    observesCompared.answered += first.observes.answered;
    observesCompared.old += first.observes.old;

    for (let n = 1; n <= BLOCKS; n++) {
      const actions = random.pick([0, 1, 1, 1, 2, 2, 3, 4, 5]);
      const growAt = grows.get(n) ?? [];
      const growSlot = random.int(0, actions);
      for (let i = 0; i <= actions; i++) {
        if (i === growSlot) for (const [pool, next] of growAt) await grow(pool, next);
        if (i < actions) await randomAction();
      }
      const head = await devnet.producer.latest();
      // Mostly ordinary gaps, sometimes a single second, sometimes long pauses.
      const gap = random.pick([1, 2, 12, 12, 12, 13, 30, 600, 3_700]);
      const { hash, receipts } = await mineBlock(head.timestampSec + gap);
      account(receipts, coverage);
      if (n % CHECK_EVERY === 0 || n === BLOCKS) {
        const check = await expectRingsEqual(hash, head.timestampSec + gap);
        checkpoints.push(hash);
        cardinalityOf3000.push(check.cardinality.get(p3000.address) ?? -1);
        slotsCompared += check.slots;
        observesCompared.answered += check.observes.answered;
        observesCompared.old += check.observes.old;
      }
    }
    // Time travel: every checkpoint again, from the host's versioned store at those block hashes.
    for (const hash of checkpoints) slotsCompared += (await expectRingsEqual(hash)).slots;

    const summary = {
      seed: SEED,
      blocks: BLOCKS,
      checkpoints: checkpoints.length,
      slotsCompared,
      observesCompared,
      ...coverage,
      writeBlocks: Object.fromEntries(pools.map((p) => [p.name, coverage.writeBlocks.get(p.address) ?? 0])),
      cardinalityOfTheMidRunPool: cardinalityOf3000,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(`ring differential: ${JSON.stringify(summary)}`);

    // The history really exercised every rule, whatever the seed.
    expect(coverage.swapsMovingTick).toBeGreaterThan(100);
    expect(coverage.swapsKeepingTick).toBeGreaterThan(10);
    expect(coverage.liquidityInRange).toBeGreaterThan(10);
    expect(coverage.liquidityOutOfRange).toBeGreaterThan(10);
    expect(coverage.blocksWithSeveralWrites).toBeGreaterThan(10);
    // Three real grows; the request below the current size emits nothing.
    expect(coverage.grows).toBe(3);
    // Both rings wrapped: more written blocks than slots.
    expect(coverage.writeBlocks.get(p500.address)).toBeGreaterThan(6 * 3);
    expect(coverage.writeBlocks.get(p3000.address)).toBeGreaterThan(12 * 3);
    expect(cardinalityOf3000[0]).toBe(1);
    expect(cardinalityOf3000.at(-1)).toBe(12);
    // observe() from the mirror matched the pool's answers and its "OLD" reverts alike.
    expect(observesCompared.answered).toBeGreaterThan(100);
    expect(observesCompared.old).toBeGreaterThan(10);
    expect(mappingProblems).toEqual([]);
  }, 180_000);

  it('records the gen-1 module with no priceOracle and indexes on', async () => {
    const data = await graphql<{ marginModules: { id: string; priceOracle: string | null }[] }>(
      '{ marginModules { id priceOracle } }',
      {},
    );
    expect(data.marginModules).toEqual([
      { id: devnet.addresses.marginModule.toLowerCase(), priceOracle: null },
    ]);
  });
});
