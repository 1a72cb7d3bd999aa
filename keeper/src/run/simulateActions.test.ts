import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Interface } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient } from '../chain/RpcClient.js';
import { decidePosition } from '../decision/decidePosition.js';
import { planBlock } from '../decision/planBlock.js';
import {
  ME,
  NEXT_SEC,
  OTHER,
  T0,
  liquidatableAt,
  makeContext,
  makeInput,
  makePosition,
} from '../decision/testFixtures.js';
import { twapGasTable } from '../decision/twapGasTable.js';
import type { Address } from '../model/types.js';
import { simulateActions } from './simulateActions.js';

const MM = '0x5f2d775362adbc70a6814456a41b268e29259ba0' as Address;
const liquidate = new Interface(['function liquidate(uint256 positionId, address receiver)']);

/** A node whose eth_estimateGas answers per position id: a gas figure, or a bare revert as a stripped module gives. */
const estimates = new Map<bigint, bigint | 'revert'>();
const seen: unknown[][] = [];
let server: Server;
let rpc: RpcClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const request = JSON.parse(body) as { id: number; method: string; params: unknown[] };
      let payload: object;
      if (request.method === 'eth_chainId') payload = { result: '0x7a69' };
      else {
        seen.push(request.params);
        const data = (request.params[0] as { data: string }).data;
        const id = liquidate.decodeFunctionData('liquidate', data)[0] as bigint;
        const answer = estimates.get(id);
        payload =
          answer === 'revert' || answer === undefined
            ? { error: { code: 3, message: 'execution reverted', data: '0x' } }
            : { result: `0x${answer.toString(16)}` };
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: request.id, ...payload }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  rpc = new RpcClient([`http://127.0.0.1:${(server.address() as AddressInfo).port}`], 31337);
});
afterAll(async () => {
  rpc.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('simulateActions (gen 2/3 pre-send simulation)', () => {
  it('gives each call its estimate at the target timestamp (never below the floor) and holds back what reverts', async () => {
    const context = { ...makeContext(), moduleGeneration: 3 as const };
    const inputs = [
      // 1: liquidatable, our freeze estimates high; 2: a competitor's freeze we complete, but the floor blocks it;
      // 3: liquidatable, estimates under the floor; 4: a freeze that reverts in simulation.
      makeInput({ position: makePosition({ positionId: 1n }), valuation: liquidatableAt() }),
      makeInput({
        position: makePosition({ positionId: 2n, frozenAtSec: T0, frozenBy: OTHER }),
        valuation: liquidatableAt(),
      }),
      makeInput({ position: makePosition({ positionId: 3n }), valuation: liquidatableAt() }),
      makeInput({ position: makePosition({ positionId: 4n }), valuation: liquidatableAt() }),
    ];
    const plan = planBlock({ ...context, positions: inputs });
    expect(plan.actions.map((a) => [a.positionId, a.kind, a.sender])).toEqual([
      [2n, 'complete', ME],
      ...[1n, 3n, 4n].map((id) => [id, 'freeze', ME]),
    ]);
    estimates.set(1n, 400_000n);
    estimates.set(2n, 'revert');
    estimates.set(3n, 1_000n);
    estimates.set(4n, 'revert');
    const simulated = await simulateActions(rpc, MM, plan, {
      blockNumber: 100,
      timestampSec: NEXT_SEC,
      floor: twapGasTable,
      receiver: null,
      nonBaseAssets: () => 1,
    });
    expect(simulated.calls).toBe(4);
    expect(simulated.plan.actions.map((a) => [a.positionId, a.gasUnits])).toEqual([
      [1n, 400_000n],
      [3n, twapGasTable.freeze[1]],
    ]);
    expect(simulated.blockedCompletions.map((b) => b.positionId)).toEqual([2n]);
    expect(
      simulated.plan.skipped.filter((s) => s.positionId <= 4n).map((s) => [s.positionId, s.reason]),
    ).toEqual([
      [2n, 'completion-blocked'],
      [4n, 'simulation-reverts'],
    ]);
    // Estimated on the head's state with the next block's timestamp, from the sender that would send it.
    const [tx, block, , overrides] = seen[0] as [{ from: string }, string, unknown, { time: string }];
    expect(tx.from).toBe(ME);
    expect(block).toBe('0x64');
    expect(BigInt(overrides.time)).toBe(NEXT_SEC);
  });

  it('a position whose completion can never succeed is not frozen, but a freeze already there is still completed', () => {
    const context = { ...makeContext(), moduleGeneration: 3 as const };
    const dust = 'completion can never succeed: 1 of 0x… quotes 0 of the base asset';
    const freeze = decidePosition(
      makeInput({ position: makePosition(), valuation: liquidatableAt(), completionNeverSucceeds: dust }),
      context,
    );
    expect(freeze).toMatchObject({ kind: 'skip', skipped: { reason: 'completion-never-succeeds' } });
    const complete = decidePosition(
      makeInput({
        position: makePosition({ frozenAtSec: T0, frozenBy: ME }),
        valuation: liquidatableAt(),
        completionNeverSucceeds: dust,
      }),
      context,
    );
    expect(complete).toMatchObject({ kind: 'act', action: { kind: 'complete' } });
  });
});
