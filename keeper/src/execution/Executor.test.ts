import { Transaction, Wallet, keccak256, toQuantity } from 'ethers';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RpcAnswerError } from '../chain/RpcClient.js';
import { makePosition } from '../decision/testFixtures.js';
import type { InFlightAction, Plan, PlannedAction } from '../decision/types.js';
import type { Address, PositionState } from '../model/types.js';
import type { BundleOptions, BundleRelay, BundleSimulation } from './BundleRelay.js';
import { RelaySimulator } from './BundleSimulator.js';
import { SubmissionError } from './ExecutionError.js';
import { Executor } from './Executor.js';
import type { ExecutionSettings } from './executionSettings.js';
import { MODULE, gwei, makeAction, testExecutionSettings } from './testActions.js';

const key = new Wallet(`0x${'42'.repeat(32)}`);
const ME = key.address.toLowerCase() as Address;
const HEAD = { number: 100, hash: `0x${'ab'.repeat(32)}`, timestampSec: 1_700_000_000 };

const settings = testExecutionSettings;

/** A chain that answers what execution asks: a nonce, receipts by hash, the head block, calls. */
class FakeChain {
  nonce = 5;
  receipts = new Map<
    string,
    { status: string; blockNumber: string; gasUsed: string; effectiveGasPrice: string }
  >();
  revertingPositions = new Set<bigint>();
  sentRaw: string[] = [];

  async send(method: string, params: unknown[]): Promise<unknown> {
    switch (method) {
      case 'eth_getTransactionCount':
        return toQuantity(this.nonce);
      case 'eth_getTransactionReceipt':
        return this.receipts.get(params[0] as string) ?? null;
      case 'eth_getBlockByHash':
        return { baseFeePerGas: toQuantity(10n * gwei), gasUsed: '0x0', gasLimit: toQuantity(30_000_000) };
      case 'eth_call': {
        const data = (params[0] as { data: string }).data;
        const positionId = BigInt(`0x${data.slice(10, 74)}`);
        if (this.revertingPositions.has(positionId))
          throw new RpcAnswerError('execution reverted: Liquidation criteria are not met', 3, '0x');
        return '0x';
      }
      case 'eth_sendRawTransaction':
        this.sentRaw.push(params[0] as string);
        return keccak256(params[0] as string);
      default:
        throw new Error(`unexpected ${method}`);
    }
  }

  land(raw: string, blockNumber: number, status = 1): void {
    this.receipts.set(keccak256(raw), {
      status: toQuantity(status),
      blockNumber: toQuantity(blockNumber),
      gasUsed: toQuantity(100_000),
      effectiveGasPrice: toQuantity(2n * gwei),
    });
  }
}

/** A relay that simulates by position: listed ones revert. */
class FakeRelay implements BundleRelay {
  sent: { txs: readonly string[]; block: bigint; options: BundleOptions }[] = [];
  cancelled: string[] = [];
  reverting = new Set<bigint>();
  failure: SubmissionError | null = null;
  /** Refuses eth_sendBundle only (simulation still answers). */
  sendFailure: SubmissionError | null = null;

  constructor(readonly name: string) {}

  async simulate(signedTxs: readonly string[]): Promise<BundleSimulation> {
    if (this.failure) throw this.failure;
    return {
      results: signedTxs.map((raw) => {
        const positionId = BigInt(`0x${Transaction.from(raw).data.slice(10, 74)}`);
        return {
          txHash: keccak256(raw),
          gasUsed: 100_000n,
          error: this.reverting.has(positionId)
            ? 'execution reverted: Liquidation criteria are not met'
            : null,
        };
      }),
      totalGasUsed: 100_000n * BigInt(signedTxs.length),
      coinbaseDiffWei: 0n,
    };
  }

  async send(txs: readonly string[], block: bigint, options: BundleOptions): Promise<string> {
    if (this.failure) throw this.failure;
    if (this.sendFailure) throw this.sendFailure;
    this.sent.push({ txs, block, options });
    return keccak256(txs[0] ?? '0x');
  }

  async cancel(uuid: string): Promise<void> {
    this.cancelled.push(uuid);
  }
}

function world(
  overrides: Partial<ExecutionSettings> = {},
  positions = new Map<bigint, PositionState>(),
  relayCount = 2,
) {
  const chain = new FakeChain();
  const relays = Array.from({ length: relayCount }, (_, i) => new FakeRelay(`relay${i}`));
  const inFlight = new Map<bigint, InFlightAction>();
  const executor = new Executor({
    chainId: 31337,
    marginModule: MODULE,
    rpc: chain,
    signers: [key],
    relays,
    // These cases script what would revert through the relays' eth_callBundle.
    simulator: new RelaySimulator(relays),
    privateRpc: null,
    settings: { ...settings, ...overrides },
    inFlight,
    positionOf: (id) => positions.get(id),
    log: pino({ level: 'silent' }),
  });
  return { chain, relays, inFlight, executor, positions };
}

const plan = (actions: PlannedAction[], blockNumber = 101n): Plan => ({
  blockNumber,
  timestampSec: BigInt(HEAD.timestampSec + 12),
  actions,
  skipped: [],
});
const head = (number: number) => ({ ...HEAD, number });
const freezes = (...ids: bigint[]) => ids.map((positionId) => makeAction({ positionId, sender: ME }));
const nonceOf = (raw: string) => Transaction.from(raw).nonce;

describe('Executor, bundle mode', () => {
  it('simulates, drops what would revert, re-signs the rest with nonces in order, sends to every relay', async () => {
    const { relays, inFlight, executor } = world();
    relays[0]!.reverting.add(2n);
    const report = await executor.onBlock(HEAD, plan(freezes(1n, 2n, 3n)));
    expect(report.mode).toBe('bundle');
    expect(report.dropped).toEqual([
      {
        positionId: 2n,
        kind: 'freeze',
        sender: ME,
        reason: expect.stringContaining('would revert: execution reverted'),
      },
    ]);
    expect(report.sent.map((s) => [s.positionId, s.nonce, s.relaysAccepted])).toEqual([
      [1n, 5, 2],
      [3n, 6, 2],
    ]);
    for (const relay of relays) {
      expect(relay.sent).toHaveLength(1);
      expect(relay.sent[0]?.block).toBe(101n);
      expect(relay.sent[0]?.txs.map(nonceOf)).toEqual([5, 6]);
    }
    expect([...inFlight]).toEqual([
      [1n, { kind: 'freeze', sender: ME, sentAtBlock: 100n, lastTargetBlock: 101n }],
      [3n, { kind: 'freeze', sender: ME, sentAtBlock: 100n, lastTargetBlock: 101n }],
    ]);
  });

  it('swap-then-complete: the swaps ride before their completion, fall with it, and their gas is its cost', async () => {
    const swap = (assetIndex: number) => ({
      assetIndex,
      asset: `0x${'20'.repeat(20)}` as Address,
      whitelistId1: 1n,
      whitelistId2: 0n,
      amount: 400n,
      assetOut: `0x${'10'.repeat(20)}` as Address,
      feeTier: 3000,
      quote: 1_000n,
      minAmountOut: 900n,
      gasUnits: 150_000n,
    });
    const swapThenComplete = (positionId: bigint) =>
      makeAction({
        positionId,
        sender: ME,
        kind: 'complete',
        completeBySec: BigInt(HEAD.timestampSec + 100),
        swapsFirst: [swap(2), swap(1)],
      });
    const positions = new Map([[5n, makePosition({ positionId: 5n, open: false, frozenBy: ME })]]);
    const { chain, relays, executor } = world({}, positions, 1);
    // Position 6's calls revert in simulation: its swaps go with its completion, dropped once, nonces closed up.
    relays[0]!.reverting.add(6n);
    const report = await executor.onBlock(
      HEAD,
      plan([swapThenComplete(5n), swapThenComplete(6n), ...freezes(1n)]),
    );
    expect(report.dropped.map((d) => [d.positionId, d.kind])).toEqual([[6n, 'complete']]);
    expect(report.dropped[0]?.reason).toContain('its marginSwap of asset 2 would revert');
    expect(report.sent.map((s) => [s.positionId, s.kind, s.nonce])).toEqual([
      [5n, 'complete', 7],
      [1n, 'freeze', 8],
    ]);
    const txs = relays[0]!.sent[0]!.txs;
    expect(txs.map(nonceOf)).toEqual([5, 6, 7, 8]);
    expect(txs.map((raw) => Transaction.from(raw).data.slice(0, 10))).toEqual([
      '0x1d64193b',
      '0x1d64193b',
      '0x5fae8b3d',
      '0x5fae8b3d',
    ]);
    for (const raw of txs.slice(0, 3)) chain.land(raw, 101);
    const next = await executor.onBlock(head(101), null);
    const settled = next.outcomes.find((o) => o.positionId === 5n);
    expect(settled?.outcome).toBe('included');
    // Three transactions of 100,000 gas at 2 gwei: the completion and its two swaps.
    expect(settled?.gasCostWei).toBe(600_000n * gwei);
    expect(executor.totals.gasLostWei).toBe(0n);
  });

  it('sends a bundle for each of several target blocks', async () => {
    const { relays, executor } = world({ targetBlocks: 3 }, new Map(), 1);
    const report = await executor.onBlock(HEAD, plan(freezes(1n)));
    expect(relays[0]?.sent.map((s) => s.block)).toEqual([101n, 102n, 103n]);
    expect(report.sent[0]?.lastTargetBlock).toBe(103n);
  });

  it('settles: included clears the in-flight record; not included after the last target is dropped', async () => {
    const positions = new Map([
      [1n, makePosition({ positionId: 1n })],
      [2n, makePosition({ positionId: 2n })],
    ]);
    const { chain, relays, inFlight, executor } = world({}, positions);
    await executor.onBlock(HEAD, plan(freezes(1n, 2n)));
    const [first] = relays[0]!.sent[0]!.txs;
    chain.land(first as string, 101);
    const next = await executor.onBlock(head(101), null);
    expect(next.outcomes.map((o) => [o.positionId, o.outcome, o.gasCostWei])).toEqual([
      [1n, 'included', 200_000n * gwei],
      [2n, 'dropped', 0n],
    ]);
    expect(inFlight.size).toBe(0);
    expect(executor.totals).toMatchObject({
      included: 1,
      dropped: 1,
      gasSpentWei: 200_000n * gwei,
      gasLostWei: 0n,
    });
  });

  it('counts a landed revert as gas lost', async () => {
    const { chain, relays, executor } = world({}, new Map(), 1);
    await executor.onBlock(HEAD, plan(freezes(1n)));
    chain.land(relays[0]!.sent[0]!.txs[0] as string, 101, 0);
    const next = await executor.onBlock(head(101), null);
    expect(next.outcomes[0]?.outcome).toBe('reverted');
    expect(executor.totals.gasLostWei).toBe(200_000n * gwei);
  });

  it('a step someone else took before the last target block is beaten, and its bundles are withdrawn', async () => {
    const positions = new Map([[1n, makePosition({ positionId: 1n })]]);
    const { relays, executor, inFlight } = world({ targetBlocks: 3 }, positions, 1);
    await executor.onBlock(HEAD, plan(freezes(1n)));
    positions.set(
      1n,
      makePosition({ positionId: 1n, frozenAtSec: 5n, frozenBy: `0x${'cc'.repeat(20)}` as Address }),
    );
    const next = await executor.onBlock(head(101), null);
    expect(next.outcomes.map((o) => o.outcome)).toEqual(['beaten']);
    expect(relays[0]?.cancelled).toEqual([relays[0]?.sent[0]?.options.replacementUuid]);
    expect(inFlight.size).toBe(0);
  });

  it('drops a step of a plan made before our own identical step landed', async () => {
    const positions = new Map([[1n, makePosition({ positionId: 1n })]]);
    const { chain, relays, executor } = world({}, positions, 1);
    await executor.onBlock(HEAD, plan(freezes(1n)));
    chain.land(relays[0]!.sent[0]!.txs[0] as string, 101);
    const next = await executor.onBlock(head(101), plan(freezes(1n), 102n));
    expect(next.sent).toEqual([]);
    expect(next.dropped.map((d) => d.reason)).toEqual(['our freeze has just landed; the plan predates it']);
  });

  it('a relay that refuses the simulation drops the bundle with the reason', async () => {
    const { relays, executor } = world({}, new Map(), 1);
    relays[0]!.failure = new SubmissionError(
      'eth_callBundle refused by relay0: nonce too low (-32000)',
      'relay0',
      true,
    );
    const report = await executor.onBlock(HEAD, plan(freezes(1n)));
    expect(report.sent).toEqual([]);
    expect(report.fallback).toBeNull();
    expect(report.dropped[0]?.reason).toMatch(/^simulation refused: .*nonce too low/);
  });
});

describe('Executor, relays down', () => {
  const down = () =>
    new SubmissionError('eth_callBundle to relay failed: connect ECONNREFUSED', 'relay', false);

  it('without a fallback: nothing sent, every action dropped with the reason, said in the report', async () => {
    const { relays, executor, inFlight } = world({}, new Map(), 2);
    for (const relay of relays) relay.failure = down();
    const report = await executor.onBlock(HEAD, plan(freezes(1n, 2n)));
    expect(report.fallback).toMatch(
      /^relay is down \(.*ECONNREFUSED.*\): no fallback configured, not sending$/,
    );
    expect(report.dropped.map((d) => d.positionId)).toEqual([1n, 2n]);
    expect(inFlight.size).toBe(0);
  });

  it('with the public mempool as fallback: simulated by eth_call, sent raw, nonces from ours', async () => {
    const { chain, relays, executor } = world({ fallback: ['public'] }, new Map(), 1);
    relays[0]!.failure = down();
    chain.revertingPositions.add(2n);
    const report = await executor.onBlock(HEAD, plan(freezes(1n, 2n, 3n)));
    expect(report.fallback).toMatch(/→ falling back to public$/);
    expect(report.mode).toBe('public');
    expect(report.sent.map((s) => [s.positionId, s.nonce, s.mode])).toEqual([
      [1n, 5, 'public'],
      [3n, 6, 'public'],
    ]);
    expect(chain.sentRaw.map(nonceOf)).toEqual([5, 6]);
    expect(report.dropped.map((d) => d.positionId)).toEqual([2n]);
  });

  it('every relay refusing the bundle: the fallback sends it, once', async () => {
    const { chain, relays, executor } = world({ fallback: ['public'] }, new Map(), 2);
    for (const relay of relays)
      relay.sendFailure = new SubmissionError(`${relay.name}: rate limited`, relay.name, true);
    const report = await executor.onBlock(HEAD, plan(freezes(1n)));
    expect(report.fallback).toMatch(/^every relay refused \(.*rate limited.*\) → falling back to public$/);
    expect(report.sent.map((s) => [s.positionId, s.mode])).toEqual([[1n, 'public']]);
    expect(chain.sentRaw).toHaveLength(1);
  });

  it('one relay refusing while another takes it: no fallback', async () => {
    const { chain, relays, executor } = world({ fallback: ['public'] }, new Map(), 2);
    relays[0]!.sendFailure = new SubmissionError('relay0: rate limited', 'relay0', true);
    const report = await executor.onBlock(HEAD, plan(freezes(1n)));
    expect(report.fallback).toBeNull();
    expect(report.sent.map((s) => [s.mode, s.relaysAccepted])).toEqual([['bundle', 1]]);
    expect(chain.sentRaw).toEqual([]);
  });

  it('a relay that answers is used even when another is down', async () => {
    const { relays, executor } = world({ fallback: ['public'] }, new Map(), 2);
    relays[1]!.failure = down();
    const report = await executor.onBlock(HEAD, plan(freezes(1n)));
    expect(report.fallback).toBeNull();
    expect(report.sent.map((s) => [s.mode, s.relaysAccepted])).toEqual([['bundle', 1]]);
  });
});

describe('Executor boundaries and waste', () => {
  it('a submission whose receipt cannot be read stays in flight; the others settle', async () => {
    const positions = new Map([
      [1n, makePosition({ positionId: 1n })],
      [2n, makePosition({ positionId: 2n })],
    ]);
    const { chain, relays, inFlight, executor } = world({}, positions, 1);
    await executor.onBlock(HEAD, plan(freezes(1n, 2n)));
    const [first, second] = relays[0]!.sent[0]!.txs as string[];
    chain.land(second as string, 101);
    const send = chain.send.bind(chain);
    chain.send = async (method, params) => {
      if (method === 'eth_getTransactionReceipt' && params[0] === keccak256(first as string))
        throw new Error('socket hang up');
      return send(method, params);
    };
    const next = await executor.onBlock(head(101), null);
    expect(next.outcomes.map((o) => [o.positionId, o.outcome])).toEqual([[2n, 'included']]);
    expect([...inFlight.keys()]).toEqual([1n]);
  });

  it('wasted_gas_wei: gas on a position whose completion has not landed, cleared when it does', async () => {
    const positions = new Map([[1n, makePosition({ positionId: 1n })]]);
    const { chain, relays, executor } = world({}, positions, 1);
    await executor.onBlock(HEAD, plan(freezes(1n)));
    chain.land(relays[0]!.sent[0]!.txs[0] as string, 101);
    await executor.onBlock(head(101), null);
    expect(executor.totals.wastedGasWei).toBe(200_000n * gwei);
    expect(executor.ledger.spend(1n)).toMatchObject({ freezesLanded: 1, rewarded: false });
    const complete = makeAction({ positionId: 1n, sender: ME, kind: 'complete' });
    await executor.onBlock(head(101), plan([complete], 102n));
    chain.land(relays[0]!.sent[1]!.txs[0] as string, 102);
    await executor.onBlock(head(102), null);
    expect(executor.totals.wastedGasWei).toBe(0n);
    expect(executor.totals.gasSpentWei).toBe(400_000n * gwei);
  });
});
