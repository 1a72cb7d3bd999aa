import { RpcAnswerError, type RpcClient } from '../chain/RpcClient.js';
import { gasFor } from '../decision/gasFor.js';
import type { GasTable, Plan, PlannedAction, SkippedPosition } from '../decision/types.js';
import { liquidateCalldata } from '../execution/liquidateCalldata.js';
import type { Address } from '../model/types.js';

export interface SimulatedPlan {
  plan: Plan;
  /** Completions the contract would refuse at the target timestamp (the 95 % floor, dust, no pool…). */
  blockedCompletions: { positionId: bigint; reason: string; action: PlannedAction }[];
  /** eth_estimateGas calls made. */
  calls: number;
}

const toHex = (n: bigint) => `0x${n.toString(16)}`;

/**
 * Every planned call estimated with `eth_estimateGas` on the head's state at the target block's timestamp (a block
 * override), as the executing block will run it. The estimate becomes the call's gas (never below the table's
 * floor: the margin then goes on top when the limit is set), and a call that reverts there is not sent: a
 * completion is reported as blocked (it is retried every block, since time moves the TWAP and the floor with
 * it), any other call as a simulation revert. Modules built with revert strings stripped answer a bare revert,
 * so the reason is the node's message, never the contract's string.
 */
export async function simulateActions(
  rpc: RpcClient,
  marginModule: Address,
  plan: Plan,
  options: {
    blockNumber: number;
    timestampSec: bigint;
    floor: GasTable;
    receiver: Address | null;
    /** Non-base assets of a position: where the floor table is read. */
    nonBaseAssets: (positionId: bigint) => number;
  },
): Promise<SimulatedPlan> {
  const actions: PlannedAction[] = [];
  const skipped: SkippedPosition[] = [...plan.skipped];
  const blockedCompletions: SimulatedPlan['blockedCompletions'] = [];
  let calls = 0;
  for (const action of plan.actions) {
    const tx = {
      from: action.sender,
      to: marginModule,
      data: liquidateCalldata(action.positionId, options.receiver ?? action.sender),
    };
    let estimate: bigint;
    try {
      calls += 1;
      const raw = (await rpc.send('eth_estimateGas', [
        tx,
        toHex(BigInt(options.blockNumber)),
        {},
        { time: toHex(options.timestampSec) },
      ])) as string;
      estimate = BigInt(raw);
    } catch (err) {
      if (!(err instanceof RpcAnswerError)) throw err;
      const blocked = action.kind === 'complete';
      if (blocked) blockedCompletions.push({ positionId: action.positionId, reason: err.message, action });
      skipped.push({
        positionId: action.positionId,
        orderId: action.orderId,
        phase: action.phase,
        reason: blocked ? 'completion-blocked' : 'simulation-reverts',
        candidate: action.kind,
        liquidatableAtSec: action.liquidatableAtSec,
        detail: `${action.kind} reverts in simulation at ${options.timestampSec}: ${err.message}; ${action.detail}`,
      });
      continue;
    }
    const nonBase = options.nonBaseAssets(action.positionId);
    const table =
      action.kind === 'freeze'
        ? options.floor.freeze
        : action.kind === 'complete'
          ? options.floor.complete
          : options.floor.refreeze;
    const floor = gasFor(table, nonBase);
    actions.push({ ...action, gasUnits: estimate > floor ? estimate : floor });
  }
  skipped.sort((a, b) => (a.positionId < b.positionId ? -1 : a.positionId > b.positionId ? 1 : 0));
  return { plan: { ...plan, actions, skipped }, blockedCompletions, calls };
}
