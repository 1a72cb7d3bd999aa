import { Wallet, toQuantity } from 'ethers';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Plan, PlannedAction } from '../decision/types.js';
import type { Address } from '../model/types.js';
import { Executor, type SubmitterParts } from './Executor.js';
import type { Submitter } from './Submitter.js';
import { MODULE, gwei, makeAction, testExecutionSettings } from './testActions.js';
import type { BlockContext, ModeResult, SubmissionMode } from './types.js';

const key = new Wallet(`0x${'42'.repeat(32)}`);
const ME = key.address.toLowerCase() as Address;
const HEAD = { number: 100, hash: `0x${'ab'.repeat(32)}`, timestampSec: 1_700_000_000 };

const settings = testExecutionSettings;

/** How a fake submitter treats what it is given. */
type Behaviour =
  | 'sends'
  | 'down'
  | 'refuses'
  /** Sends the first action of each key and passes the rest on as refused. */
  | 'sends-first'
  /** A faulty one: sends everything and passes everything on too. */
  | 'sends-and-passes';

/** A submitter that records each call and records what it "sends" in the executor's book. */
class FakeSubmitter implements Submitter {
  calls: bigint[][] = [];
  cancelled = 0;

  constructor(
    readonly mode: SubmissionMode,
    public behaviour: Behaviour,
    private readonly parts: SubmitterParts,
  ) {}

  async submit(bySender: Map<Address, PlannedAction[]>, context: BlockContext): Promise<ModeResult> {
    this.calls.push([...bySender.values()].flat().map((a) => a.positionId));
    const result: ModeResult = { sent: [], dropped: [], unsent: new Map(), passOn: null };
    for (const [sender, actions] of bySender) {
      const send = (action: PlannedAction, nonce: number) =>
        result.sent.push(
          this.parts.book.record(
            this.mode,
            action,
            {
              type: 2,
              chainId: 31337n,
              nonce,
              to: MODULE,
              data: `0x${action.positionId.toString(16).padStart(8, '0')}${this.mode.length}`,
              value: 0n,
              gasLimit: 100_000n,
              maxFeePerGas: gwei,
              maxPriorityFeePerGas: gwei,
            },
            `0x${(action.positionId * 1000n + BigInt(this.mode.length)).toString(16).padStart(16, '0')}`,
            context,
            { replacementUuid: null, relaysAccepted: 1, lastTargetBlock: context.nextBlock },
          ),
        );
      switch (this.behaviour) {
        case 'sends':
          actions.forEach(send);
          break;
        case 'down':
          result.unsent.set(sender, actions);
          result.passOn = { cause: 'down', reason: 'connect ECONNREFUSED' };
          break;
        case 'refuses':
          result.unsent.set(sender, actions);
          result.passOn = { cause: 'refused', reason: 'bundle refused: rate limited' };
          break;
        case 'sends-first':
          actions.slice(0, 1).forEach(send);
          result.unsent.set(sender, actions.slice(1));
          result.passOn = { cause: 'refused', reason: 'too many' };
          break;
        case 'sends-and-passes':
          actions.forEach(send);
          result.unsent.set(sender, actions);
          result.passOn = { cause: 'refused', reason: 'confused' };
          break;
      }
    }
    return result;
  }

  async settle() {
    return null;
  }

  async cancel() {
    this.cancelled += 1;
  }
}

const chain = {
  async send(method: string): Promise<unknown> {
    if (method === 'eth_getBlockByHash')
      return { baseFeePerGas: toQuantity(10n * gwei), gasUsed: '0x0', gasLimit: toQuantity(30_000_000) };
    if (method === 'eth_getTransactionReceipt') return null;
    throw new Error(`unexpected ${method}`);
  },
};

function world(list: [SubmissionMode, Behaviour][], log = pino({ level: 'silent' })) {
  const fakes: FakeSubmitter[] = [];
  const executor = new Executor({
    chainId: 31337,
    marginModule: MODULE,
    rpc: chain,
    signers: [key],
    relays: [],
    privateRpc: null,
    settings,
    inFlight: new Map(),
    positionOf: () => undefined,
    log,
    submitters: (parts) => {
      for (const [mode, behaviour] of list) fakes.push(new FakeSubmitter(mode, behaviour, parts));
      return fakes;
    },
  });
  return { executor, fakes };
}

const plan = (ids: bigint[]): Plan => ({
  blockNumber: 101n,
  timestampSec: BigInt(HEAD.timestampSec + 12),
  actions: ids.map((positionId) => makeAction({ positionId, sender: ME })),
  skipped: [],
});

describe('Executor over an ordered list of submitters', () => {
  it('the first one sends: the fallbacks are never asked', async () => {
    const { executor, fakes } = world([
      ['bundle', 'sends'],
      ['private-rpc', 'sends'],
    ]);
    const report = await executor.onBlock(HEAD, plan([1n, 2n]));
    expect(fakes.map((f) => f.calls)).toEqual([[[1n, 2n]], []]);
    expect(report.mode).toBe('bundle');
    expect(report.fallback).toBeNull();
    expect(report.sent.map((s) => [s.positionId, s.mode])).toEqual([
      [1n, 'bundle'],
      [2n, 'bundle'],
    ]);
  });

  it('every relay down: the private RPC gets the block, said in the report', async () => {
    const { executor, fakes } = world([
      ['bundle', 'down'],
      ['private-rpc', 'sends'],
      ['public', 'sends'],
    ]);
    const report = await executor.onBlock(HEAD, plan([1n, 2n]));
    expect(fakes.map((f) => f.calls)).toEqual([[[1n, 2n]], [[1n, 2n]], []]);
    expect(report.mode).toBe('private-rpc');
    expect(report.fallback).toBe('relay is down (connect ECONNREFUSED) → falling back to private-rpc');
    expect(report.sent.map((s) => [s.positionId, s.mode])).toEqual([
      [1n, 'private-rpc'],
      [2n, 'private-rpc'],
    ]);
  });

  it('every relay refusing: the fallback is used too', async () => {
    const { executor, fakes } = world([
      ['bundle', 'refuses'],
      ['private-rpc', 'sends'],
    ]);
    const report = await executor.onBlock(HEAD, plan([3n]));
    expect(fakes[1]?.calls).toEqual([[3n]]);
    expect(report.fallback).toBe(
      'every relay refused (bundle refused: rate limited) → falling back to private-rpc',
    );
    expect(report.sent.map((s) => s.mode)).toEqual(['private-rpc']);
  });

  it('down the whole list in order, to the public mempool', async () => {
    const { executor, fakes } = world([
      ['bundle', 'down'],
      ['private-rpc', 'down'],
      ['public', 'sends'],
    ]);
    const report = await executor.onBlock(HEAD, plan([1n]));
    expect(fakes.map((f) => f.calls.length)).toEqual([1, 1, 1]);
    expect(report.mode).toBe('public');
    expect(report.fallback).toBe(
      'private-rpc endpoint is down (connect ECONNREFUSED) → falling back to public',
    );
    expect(report.sent.map((s) => s.mode)).toEqual(['public']);
  });

  it('the end of the list: what is left is dropped with the reason, nothing sent', async () => {
    const { executor } = world([
      ['bundle', 'down'],
      ['private-rpc', 'refuses'],
    ]);
    const report = await executor.onBlock(HEAD, plan([1n, 2n]));
    expect(report.sent).toEqual([]);
    expect(report.dropped.map((d) => [d.positionId, d.reason])).toEqual([
      [
        1n,
        'private-rpc endpoint refused (bundle refused: rate limited): no fallback configured, not sending',
      ],
      [
        2n,
        'private-rpc endpoint refused (bundle refused: rate limited): no fallback configured, not sending',
      ],
    ]);
  });

  it('only what the first passed on goes to the next', async () => {
    const { executor, fakes } = world([
      ['bundle', 'sends-first'],
      ['public', 'sends'],
    ]);
    const report = await executor.onBlock(HEAD, plan([1n, 2n, 3n]));
    expect(fakes[1]?.calls).toEqual([[2n, 3n]]);
    expect(report.sent.map((s) => [s.positionId, s.mode])).toEqual([
      [1n, 'bundle'],
      [2n, 'public'],
      [3n, 'public'],
    ]);
  });

  it('never sends an action twice in a block, even when a submitter passes on what it sent', async () => {
    const { executor, fakes } = world([
      ['bundle', 'sends-and-passes'],
      ['private-rpc', 'sends'],
      ['public', 'sends'],
    ]);
    const report = await executor.onBlock(HEAD, plan([1n, 2n]));
    expect(fakes.map((f) => f.calls)).toEqual([[[1n, 2n]], [], []]);
    const ids = report.sent.map((s) => s.positionId);
    expect(ids).toEqual([1n, 2n]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('an outage is logged once per mode, however many blocks it lasts, and its end once', async () => {
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
    const behaviours: Behaviour[] = ['down', 'down', 'down'];
    const fakes: FakeSubmitter[] = [];
    const executor = new Executor({
      chainId: 31337,
      marginModule: MODULE,
      rpc: chain,
      signers: [key],
      relays: [],
      privateRpc: null,
      settings,
      inFlight: new Map(),
      positionOf: () => undefined,
      log,
      submitters: (parts) => {
        fakes.push(
          new FakeSubmitter('bundle', 'down', parts),
          new FakeSubmitter('private-rpc', 'down', parts),
        );
        fakes.push(new FakeSubmitter('public', 'sends', parts));
        return fakes;
      },
    });
    for (const [i] of behaviours.entries())
      await executor.onBlock(
        { ...HEAD, number: 100 + i },
        { ...plan([BigInt(10 + i)]), blockNumber: BigInt(101 + i) },
      );
    const warnings = lines.filter((l) => l.level === 40).map((l) => l.msg);
    expect(warnings).toEqual([
      'relay is down (connect ECONNREFUSED) → falling back to private-rpc',
      'private-rpc endpoint is down (connect ECONNREFUSED) → falling back to public',
    ]);
    expect(fakes[2]?.calls).toEqual([[10n], [11n], [12n]]);
    fakes[0]!.behaviour = 'sends';
    for (const i of [3, 4])
      await executor.onBlock(
        { ...HEAD, number: 100 + i },
        { ...plan([BigInt(10 + i)]), blockNumber: BigInt(101 + i) },
      );
    expect(lines.filter((l) => l.msg === 'bundle endpoints reachable again')).toHaveLength(1);
    expect(fakes[0]?.calls).toHaveLength(5);
    expect(fakes[2]?.calls).toHaveLength(3);
  });
});
