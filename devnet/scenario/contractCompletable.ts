import { Interface, type JsonRpcProvider } from 'ethers';
import { callAtTimestamp } from '../chain/callAtTimestamp.js';

const mm = new Interface([
  'function positions(uint256) view returns (uint256 orderId, address owner, uint256 deadline, uint256 createdAt, uint256 initialBalance, uint256 interest, bool open, uint256 frozenTime, address liquidator)',
  'function liquidate(uint256 positionId, address receiver)',
]);

/** The freeze window: a completion is allowed while T − frozenTime ≤ this, then the next call re-freezes. */
const COMPLETION_WINDOW_SEC = 3600n;

/**
 * Of `ids`, the frozen, open positions whose completion would succeed in a block at `timestampSec` on top of block
 * `hash`: `liquidate` simulated from the freezer (who may complete in every generation) within the freeze window.
 * On gen 2/3 this is where the 95 % floor on forced swaps shows: frozen, still liquidatable, but not completable.
 */
export async function contractCompletable(
  provider: JsonRpcProvider,
  marginModule: string,
  ids: Iterable<bigint>,
  hash: string,
  timestampSec: number,
): Promise<Set<bigint>> {
  const out = new Set<bigint>();
  for (const id of ids) {
    const raw = (await provider.send('eth_call', [
      { to: marginModule, data: mm.encodeFunctionData('positions', [id]) },
      { blockHash: hash },
    ])) as string;
    const position = mm.decodeFunctionResult('positions', raw);
    const frozenTime = position.getValue('frozenTime') as bigint;
    const t = BigInt(timestampSec);
    if (position.getValue('open') !== true || frozenTime === 0n || t <= frozenTime) continue;
    if (t - frozenTime > COMPLETION_WINDOW_SEC) continue;
    const liquidator = position.getValue('liquidator') as string;
    const outcome = await callAtTimestamp(
      provider,
      { to: marginModule, from: liquidator, data: mm.encodeFunctionData('liquidate', [id, liquidator]) },
      timestampSec,
      { blockHash: hash },
    );
    if (outcome.ok) out.add(id);
  }
  return out;
}
