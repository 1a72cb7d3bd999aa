import { Interface, type JsonRpcProvider } from 'ethers';

const mm = new Interface([
  'function subjectToLiquidation(uint256) view returns (bool)',
  'function positionIndex() view returns (uint256)',
  'function positions(uint256) view returns (uint256, address, uint256, uint256, uint256, uint256, bool, uint256, address)',
  'function multicall(bytes[]) returns (bytes[])',
]);

/**
 * The contract's own answer, independently of the keeper's valuation: every open position's
 * subjectToLiquidation, evaluated on block `hash` with timestamp `timestampSec` (block override), batched
 * through the module's multicall; a batch that reverts is split until the reverting position is alone (a
 * reverting valuation means `liquidate` reverts too: not liquidatable; `onRevert` hears of each such position).
 */
export async function contractLiquidatable(
  provider: JsonRpcProvider,
  marginModule: string,
  hash: string,
  timestampSec: number,
  onRevert?: (positionId: bigint) => void,
): Promise<Set<bigint>> {
  const call = (data: string) =>
    provider.send('eth_call', [
      { to: marginModule, data },
      { blockHash: hash },
      {},
      { time: `0x${timestampSec.toString(16)}` },
    ]) as Promise<string>;
  const multicall = async (calls: string[]): Promise<string[]> => {
    const raw = await call(mm.encodeFunctionData('multicall', [calls]));
    return [...(mm.decodeFunctionResult('multicall', raw)[0] as string[])];
  };
  const [count] = mm.decodeFunctionResult(
    'positionIndex',
    await call(mm.encodeFunctionData('positionIndex')),
  );
  const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i));
  const states =
    ids.length > 0 ? await multicall(ids.map((id) => mm.encodeFunctionData('positions', [id]))) : [];
  const open = ids.filter((_, i) => mm.decodeFunctionResult('positions', states[i]!)[6] === true);
  const out = new Set<bigint>();
  const check = async (batch: bigint[]): Promise<void> => {
    if (batch.length === 0) return;
    try {
      const answers = await multicall(batch.map((id) => mm.encodeFunctionData('subjectToLiquidation', [id])));
      answers.forEach((answer, i) => {
        if (mm.decodeFunctionResult('subjectToLiquidation', answer)[0] === true) out.add(batch[i]!);
      });
    } catch {
      if (batch.length === 1) {
        onRevert?.(batch[0]!);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await check(batch.slice(0, half));
      await check(batch.slice(half));
    }
  };
  await check(open);
  return out;
}
