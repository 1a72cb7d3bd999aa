import type { Contract, JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { addLiquidity, createPool } from '../../devnet/scenario/pools.js';
import { deployToken, fund, type TestToken } from '../../devnet/scenario/tokens.js';
import { requireDevnetBuild } from './requireDevnetBuild.js';

// A graph host told to lag k blocks answers as a hosted subgraph that is k blocks behind: `_meta.block`, the
// entities and the "not yet indexed" error all as of head − k, whatever the chain does meanwhile.

const E18 = 10n ** 18n;
const Q96 = 2n ** 96n;
const LAG = 3;

let devnet: Devnet;
let host: GraphHost;
let trader: JsonRpcSigner;
let base: TestToken;
let token: TestToken;
let pool: Contract;
let poolId: string;

interface Answer {
  data?: {
    _meta?: { block: { number: number; hash: string | null } };
    pool?: { tick: number } | null;
    pools?: { id: string }[];
  };
  errors?: { message: string }[];
}

async function query(text: string): Promise<Answer> {
  const response = await fetch(host.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: text }),
  });
  return (await response.json()) as Answer;
}

/** The host's latest answer: its `_meta.block` and the pool's tick there. */
async function latestAnswer(): Promise<{ number: number; hash: string; tick: number }> {
  const answer = await query(`{ _meta { block { number hash } } pool(id: "${poolId}") { tick } }`);
  expect(answer.errors).toBeUndefined();
  const block = answer.data?._meta?.block;
  const tick = answer.data?.pool?.tick;
  if (!block?.hash || tick === undefined) throw new Error(`incomplete answer ${JSON.stringify(answer)}`);
  return { number: block.number, hash: block.hash, tick };
}

async function tickAt(blockNumber: number): Promise<number> {
  const [, tick] = (await pool.getFunction('slot0')({ blockTag: blockNumber })) as [bigint, bigint];
  return Number(tick);
}

/**
 * Bounded wait until the indexer has looked at chain head `head` and settled with its store at `head - lag`:
 * without the lag it would only settle at `head` itself, so this times out rather than passes.
 */
async function settledBehind(head: number, lag: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = host.indexer.status();
    if (status.chainHead === head && status.state === 'synced' && status.head?.number === head - lag) return;
    if (Date.now() > deadline) {
      throw new Error(`the host did not settle at ${head - lag} (chain ${head}): ${JSON.stringify(status)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * One swap per amount, exactly one block each (the trader was funded and approved up front), alternating
 * direction so the tick moves every block.
 */
async function swaps(amounts: bigint[]): Promise<void> {
  const router = devnet.contracts.router.connect(trader) as Contract;
  for (const [i, amount] of amounts.entries()) {
    const [tokenIn, tokenOut] = i % 2 === 0 ? [token.address, base.address] : [base.address, token.address];
    const head = await devnet.producer.latest();
    await devnet.send(`swap ${amount}`, () =>
      router.getFunction('exactInputSingle')({
        tokenIn,
        tokenOut,
        fee: 3000,
        recipient: trader.address,
        deadline: head.timestampSec + 10_000,
        amountIn: amount,
        amountOutMinimum: 0,
        sqrtPriceLimitX96: 0,
        prefer223Out: false,
      }),
    );
  }
}

beforeAll(async () => {
  devnet = await Devnet.start({ genesisTimestampSec: 1_800_000_000 });
  requireDevnetBuild(devnet);
  const lp = await devnet.actor('lp');
  trader = await devnet.actor('trader');
  base = await deployToken(devnet, 'BASE');
  token = await deployToken(devnet, 'TOK');
  pool = await createPool(devnet, token, base, 3000, Q96);
  await addLiquidity(devnet, lp, pool, -60_000, 60_000, 10n ** 24n);
  poolId = (await pool.getAddress()).toLowerCase();
  const router = await devnet.contracts.router.getAddress();
  for (const t of [base, token]) await fund(devnet, t.erc20, trader, 10n ** 30n, router);
  host = await startGraphHost({
    rpcUrl: devnet.rpcUrl,
    chainId: devnet.chainId,
    pollIntervalMs: 20,
    lagBlocks: LAG,
  });
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await devnet?.stop();
});

describe('a graph host that lags', { timeout: 120_000 }, () => {
  it(`answers ${LAG} blocks behind the head, refuses blocks beyond, and catches up when the lag goes to 0`, async () => {
    await swaps([5n * E18, 7n * E18, 11n * E18, 13n * E18, 17n * E18]);
    const head = await devnet.producer.latest();
    await settledBehind(head.number, LAG);

    const held = head.number - LAG;
    const heldBlock = await devnet.provider.getBlock(held);
    const answer = await latestAnswer();
    expect(answer.number).toBe(held);
    expect(answer.hash).toBe(heldBlock?.hash?.toLowerCase());
    // The entities are the chain's as of head − lag, not the head's (the swaps moved the tick since).
    expect(answer.tick).toBe(await tickAt(held));
    expect(await tickAt(head.number)).not.toBe(answer.tick);
    expect(host.indexer.status().lagBlocks).toBe(LAG);

    // graph-node's error for a block it has not indexed yet, for every block between head − lag and the head.
    for (let n = held + 1; n <= head.number; n++) {
      const beyond = await query(`{ pools(block: { number: ${n} }) { id } }`);
      expect(beyond.errors?.[0]?.message).toMatch(
        new RegExp(
          `has only indexed up to block number ${held} and data for block number ${n} is therefore not yet available`,
        ),
      );
    }
    const gte = await query(`{ pools(block: { number_gte: ${held + 1} }) { id } }`);
    expect(gte.errors?.[0]?.message).toMatch(new RegExp(`has only indexed up to block number ${held}`));
    const atHeld = await query(`{ pools(block: { number: ${held} }) { id } }`);
    expect(atHeld.errors).toBeUndefined();
    expect(atHeld.data?.pools?.map((p) => p.id)).toEqual([poolId]);

    host.indexer.setLagBlocks(0);
    await host.indexer.waitFor({ hash: head.hash }, 30_000);
    const caughtUp = await latestAnswer();
    expect(caughtUp.number).toBe(head.number);
    expect(caughtUp.hash).toBe(head.hash.toLowerCase());
    expect(caughtUp.tick).toBe(await tickAt(head.number));
  });

  it('raising the lag at run time holds the store until the chain is that far ahead', async () => {
    const start = await devnet.producer.latest();
    await host.indexer.waitFor({ hash: start.hash }, 30_000);
    host.indexer.setLagBlocks(2);
    await swaps([3n * E18]);
    // One block on: the store stays at the old head (one behind) rather than dropping blocks it indexed.
    await settledBehind(start.number + 1, 1);
    expect((await latestAnswer()).number).toBe(start.number);
    await swaps([4n * E18, 6n * E18]);
    await settledBehind(start.number + 3, 2);
    expect((await latestAnswer()).number).toBe(start.number + 1);
  });

  it('follows reorgs while lagging: a branch deeper than the lag is rolled back, a shallower one is never seen', async () => {
    host.indexer.setLagBlocks(2);
    const reorgsBefore = host.indexer.status().reorgs;

    // A fork one block deep, under a two-block lag: the host never indexed the replaced block.
    const shallow = await devnet.snapshot();
    await swaps([2n * E18]);
    const shallowHead = await devnet.producer.latest();
    await settledBehind(shallowHead.number, 2);
    await devnet.revert(shallow);
    await swaps([9n * E18, 8n * E18]);
    const afterShallow = await devnet.producer.latest();
    await settledBehind(afterShallow.number, 2);
    expect(host.indexer.status().reorgs).toBe(reorgsBefore);
    const shallowAnswer = await latestAnswer();
    expect(shallowAnswer.hash).toBe(
      (await devnet.provider.getBlock(afterShallow.number - 2))?.hash?.toLowerCase(),
    );

    // Branch A, four blocks, indexed up to head − 2; then the chain goes back below the store head and grows
    // branch B, longer, with other swaps.
    const snapshot = await devnet.snapshot();
    await swaps([21n * E18, 22n * E18, 23n * E18, 24n * E18]);
    const headA = await devnet.producer.latest();
    await settledBehind(headA.number, 2);
    const abandoned = (await latestAnswer()).hash;
    await devnet.revert(snapshot);
    await swaps([31n * E18, 32n * E18, 33n * E18, 34n * E18, 35n * E18, 36n * E18]);
    const headB = await devnet.producer.latest();
    await settledBehind(headB.number, 2);

    const answer = await latestAnswer();
    const expected = await devnet.provider.getBlock(headB.number - 2);
    expect(answer.number).toBe(headB.number - 2);
    expect(answer.hash).toBe(expected?.hash?.toLowerCase());
    expect(answer.tick).toBe(await tickAt(headB.number - 2));
    expect(host.store.blockByHash(abandoned)).toBeUndefined();
    expect(host.indexer.status().reorgs).toBe(reorgsBefore + 1);
    expect(host.store.indexingError()).toBeUndefined();
  });
});
