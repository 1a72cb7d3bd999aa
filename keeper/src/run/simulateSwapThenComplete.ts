import { RpcAnswerError, type RpcClient } from '../chain/RpcClient.js';
import type { PlannedAction } from '../decision/types.js';
import { liquidateCalldata } from '../execution/liquidateCalldata.js';
import { marginSwapCalldata } from '../execution/marginSwapCalldata.js';
import type { Address } from '../model/types.js';

interface SimulatedCall {
  status?: string;
  gasUsed?: string;
  error?: { message?: string };
}

export type SwapThenCompleteSimulation =
  { ok: true; swapGas: bigint[]; completionGas: bigint } | { ok: false; reason: string };

const toHex = (n: bigint) => `0x${n.toString(16)}`;

/**
 * A completion's `swapsFirst` and the completion itself, in order, from the freezer, on the head's state as the
 * target block (`eth_simulateV1` carries each call's effects to the next, as the bundle will run): the completion
 * can only be judged after the swaps, which eth_estimateGas alone cannot do. Gas is each call's gas used.
 */
export async function simulateSwapThenComplete(
  rpc: Pick<RpcClient, 'send'>,
  marginModule: Address,
  action: PlannedAction,
  options: { blockNumber: number; timestampSec: bigint; receiver: Address | null },
): Promise<SwapThenCompleteSimulation> {
  const swaps = action.swapsFirst ?? [];
  const calls = [
    ...swaps.map((swap) => marginSwapCalldata(action.positionId, swap)),
    liquidateCalldata(action.positionId, options.receiver ?? action.sender),
  ].map((data) => ({ from: action.sender, to: marginModule, data }));
  let results: SimulatedCall[];
  try {
    const blocks = (await rpc.send('eth_simulateV1', [
      {
        blockStateCalls: [
          {
            blockOverrides: {
              number: toHex(BigInt(options.blockNumber + 1)),
              time: toHex(options.timestampSec),
            },
            calls,
          },
        ],
        validation: false,
      },
      toHex(BigInt(options.blockNumber)),
    ])) as { calls?: SimulatedCall[] }[];
    results = blocks[0]?.calls ?? [];
  } catch (err) {
    if (!(err instanceof RpcAnswerError)) throw err;
    return { ok: false, reason: `eth_simulateV1 refused: ${err.message}` };
  }
  const gas: bigint[] = [];
  for (let i = 0; i < calls.length; i++) {
    const result = results[i];
    const what =
      i < swaps.length ? `marginSwap of asset ${swaps[i]?.assetIndex}` : 'the completion after the swaps';
    if (result === undefined) return { ok: false, reason: `${what}: no simulation result` };
    if (result.status !== '0x1')
      return { ok: false, reason: `${what} reverts: ${result.error?.message ?? 'reverted'}` };
    gas.push(BigInt(result.gasUsed ?? '0x0'));
  }
  return { ok: true, swapGas: gas.slice(0, swaps.length), completionGas: gas[swaps.length] ?? 0n };
}
