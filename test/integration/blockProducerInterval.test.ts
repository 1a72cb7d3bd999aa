import type { JsonRpcProvider } from 'ethers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BlockProducer, type ScheduledBlock } from '../../devnet/chain/BlockProducer.js';
import { connectChain } from '../../devnet/chain/connectChain.js';
import { startAnvil, type Anvil } from '../../devnet/chain/startAnvil.js';

// The fixed-interval producer is a clock: blocks come at their slot whatever the before-block hooks (the relay,
// a keeper they might wait for) do. Every wait below is bounded; the assertions are on block numbers,
// timestamps and slot indices, plus a lateness bound per block that is loose enough for a loaded machine.

const INTERVAL_MS = 400;
const BUDGET_MS = 100;
/** A block mined later than its slot + budget + this would mean the producer waited for something. */
const SLACK_MS = 250;

let anvil: Anvil;
let provider: JsonRpcProvider;
let producer: BlockProducer | undefined;

beforeAll(async () => {
  anvil = await startAnvil({ chainId: 31337, genesisTimestampSec: 1_800_000_000 });
  provider = await connectChain(anvil.rpcUrl, 31337);
});

afterEach(async () => {
  await producer?.stop();
  producer = undefined;
});

afterAll(async () => {
  provider?.destroy();
  await anvil?.stop();
});

/** Polls `done` until it holds, at most `timeoutMs`. */
async function until(what: string, done: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function expectOnTime(blocks: ScheduledBlock[]): void {
  for (const b of blocks) {
    expect(b.minedAtMs).toBeGreaterThanOrEqual(b.dueAtMs);
    expect(b.minedAtMs - b.dueAtMs, `block ${b.number} (slot ${b.slot})`).toBeLessThanOrEqual(
      BUDGET_MS + SLACK_MS,
    );
  }
}

/** Consecutive numbers from `first`, each `secondsPerBlock` after the one before on the chain. */
function expectContiguous(blocks: ScheduledBlock[], first: number, firstTs: number, secondsPerBlock: number) {
  expect(blocks.map((b) => b.number)).toEqual(blocks.map((_, i) => first + i));
  expect(blocks.map((b) => b.timestampSec)).toEqual(
    blocks.map((_, i) => firstTs + (i + 1) * secondsPerBlock),
  );
}

describe('the block producer on a fixed interval', { timeout: 60_000 }, () => {
  it('with no hooks (no keeper), mines one block per slot, on time, chain time advancing by secondsPerBlock', async () => {
    producer = new BlockProducer(provider, { secondsPerBlock: 12 });
    const head = await producer.latest();
    const mined: ScheduledBlock[] = [];
    const errors: unknown[] = [];
    producer.start(INTERVAL_MS, {
      hookBudgetMs: BUDGET_MS,
      onBlock: (b) => mined.push(b),
      onError: (e) => errors.push(e),
    });
    expect(producer.running).toBe(true);
    await until('5 blocks', () => mined.length >= 5);
    await producer.stop();
    expect(producer.running).toBe(false);
    expectContiguous(mined, head.number + 1, head.timestampSec, 12);
    // No drift: slot k is due exactly k intervals after slot 0.
    for (const b of mined) expect(b.dueAtMs - (mined[0]?.dueAtMs ?? 0)).toBe(b.slot * INTERVAL_MS);
    expectOnTime(mined);
    expect(errors.filter((e) => !/missed/.test(String(e)))).toEqual([]);
  });

  it('mines on time while a hook hangs, skips that hook while it is busy, and runs it again once it is done', async () => {
    producer = new BlockProducer(provider, { secondsPerBlock: 5 });
    const head = await producer.latest();
    const mined: ScheduledBlock[] = [];
    const errors: string[] = [];
    const seen: number[] = [];
    let release: () => void = () => undefined;
    const hanging = new Promise<void>((r) => (release = r));
    producer.onBeforeBlock(async (next) => {
      seen.push(next.number);
      // The first block's hook never finishes on its own: like a pacing hook waiting for a keeper that is late.
      if (seen.length === 1) await hanging;
    });
    producer.start(INTERVAL_MS, {
      hookBudgetMs: BUDGET_MS,
      onBlock: (b) => mined.push(b),
      onError: (e) => errors.push(String(e)),
    });
    await until('4 blocks while the hook hangs', () => mined.length >= 4);
    // The hook is still hanging: only the first block called it, and every block came anyway.
    expect(seen).toEqual([head.number + 1]);
    expect(errors.some((e) => e.includes(`block ${head.number + 1}: before-block hooks overran`))).toBe(true);
    expect(errors.some((e) => e.includes(`block ${head.number + 2}: a before-block hook still busy`))).toBe(
      true,
    );
    release();
    const releasedAt = mined.length;
    await until('the hook to run again', () => seen.length >= 2 && mined.length >= releasedAt + 2);
    await producer.stop();
    expect(seen[1]).toBeGreaterThan(head.number + 4);
    expectContiguous(mined, head.number + 1, head.timestampSec, 5);
    expectOnTime(mined);
  });

  it('waits for a hook that finishes within its budget: what the hook sends lands in that block', async () => {
    producer = new BlockProducer(provider, { secondsPerBlock: 12 });
    const [from] = (await provider.send('eth_accounts', [])) as string[];
    const sent = new Map<number, string>();
    producer.onBeforeBlock(async (next) => {
      if (sent.size > 0) return;
      // A relay-like hook: it puts a transaction in the pool for exactly this block.
      const hash = (await provider.send('eth_sendTransaction', [{ from, to: from, value: '0x1' }])) as string;
      sent.set(next.number, hash);
    });
    const mined: ScheduledBlock[] = [];
    producer.start(INTERVAL_MS, { hookBudgetMs: BUDGET_MS * 3, onBlock: (b) => mined.push(b) });
    await until('2 blocks', () => mined.length >= 2);
    await producer.stop();
    const [number, hash] = [...sent][0] ?? [];
    if (number === undefined || hash === undefined) throw new Error('the hook never sent its transaction');
    const receipt = await provider.getTransactionReceipt(hash);
    expect(receipt?.blockNumber).toBe(number);
    expect(mined[0]?.number).toBe(number);
  });

  it('mine() joins the next scheduled block instead of mining an extra one; on demand again after stop()', async () => {
    producer = new BlockProducer(provider, { secondsPerBlock: 12 });
    const [from] = (await provider.send('eth_accounts', [])) as string[];
    const mined: ScheduledBlock[] = [];
    producer.start(INTERVAL_MS, { hookBudgetMs: BUDGET_MS, onBlock: (b) => mined.push(b) });
    const hash = (await provider.send('eth_sendTransaction', [{ from, to: from, value: '0x2' }])) as string;
    const [a, b] = await Promise.all([producer.mine(), producer.mine()]);
    // Both callers got the same scheduled block, and it holds the transaction sent before.
    expect(b).toEqual(a);
    expect(mined.map((m) => m.number)).toContain(a.number);
    expect((await provider.getTransactionReceipt(hash))?.blockNumber).toBe(a.number);
    await expect(producer.mine({ timestampSec: a.timestampSec + 100 })).rejects.toThrow(/on-demand mining/);
    const waiting = producer.mine();
    await producer.stop();
    // The scheduled block the caller waited for may have come before stop(); else the call is refused.
    const outcome = await waiting.then(
      (m) => m.number,
      (e: unknown) => String(e),
    );
    if (typeof outcome === 'string') expect(outcome).toMatch(/the block producer stopped/);
    else expect(outcome).toBe(a.number + 1);
    const head = await producer.latest();
    const onDemand = await producer.mine();
    expect(onDemand.number).toBe(head.number + 1);
    expect(onDemand.timestampSec).toBe(head.timestampSec + 12);
  });
});
