import { Interface } from 'ethers';
import { RpcAnswerError, type RpcClient } from '../chain/RpcClient.js';

const mm = new Interface([
  'function getPositionStatus(uint256 positionId) view returns (uint256 debt, uint256 value)',
  'function multicall(bytes[] data) payable returns (bytes[] results)',
]);

export type OnchainStatus = { ok: true; debt: bigint; value: bigint } | { ok: false; reason: string };

const toHex = (n: number | bigint) => `0x${n.toString(16)}`;

async function callMany(
  rpc: RpcClient,
  marginModule: string,
  ids: bigint[],
  blockHash: string,
  timestampSec: bigint,
  out: Map<bigint, OnchainStatus>,
): Promise<void> {
  if (ids.length === 0) return;
  const calls = ids.map((id) => mm.encodeFunctionData('getPositionStatus', [id]));
  const data = mm.encodeFunctionData('multicall', [calls]);
  try {
    const raw = (await rpc.send('eth_call', [
      { to: marginModule, data },
      { blockHash },
      {},
      { time: toHex(timestampSec) },
    ])) as string;
    const [results] = mm.decodeFunctionResult('multicall', raw) as unknown as [string[]];
    results.forEach((result, i) => {
      const [debt, value] = mm.decodeFunctionResult('getPositionStatus', result) as unknown as [
        bigint,
        bigint,
      ];
      out.set(ids[i] as bigint, { ok: true, debt, value });
    });
  } catch (err) {
    if (!(err instanceof RpcAnswerError)) throw err;
    // multicall reverts as a whole when one position's valuation reverts: split to find which.
    if (ids.length === 1) {
      out.set(ids[0] as bigint, { ok: false, reason: err.message });
      return;
    }
    const half = Math.ceil(ids.length / 2);
    await callMany(rpc, marginModule, ids.slice(0, half), blockHash, timestampSec, out);
    await callMany(rpc, marginModule, ids.slice(half), blockHash, timestampSec, out);
  }
}

/**
 * The contract's own (debt, value) for positions, as it will compute them in a block with timestamp
 * `timestampSec` on the state of block `blockHash`: batched through the module's multicall (one eth_call
 * per `batchSize` positions), a reverting valuation isolated by splitting the batch.
 */
export async function onchainStatus(
  rpc: RpcClient,
  marginModule: string,
  positionIds: bigint[],
  blockHash: string,
  timestampSec: bigint,
  batchSize = 200,
): Promise<Map<bigint, OnchainStatus>> {
  const out = new Map<bigint, OnchainStatus>();
  for (let i = 0; i < positionIds.length; i += batchSize) {
    await callMany(rpc, marginModule, positionIds.slice(i, i + batchSize), blockHash, timestampSec, out);
  }
  return out;
}
