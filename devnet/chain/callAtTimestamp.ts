import type { JsonRpcProvider } from 'ethers';

export type CallOutcome =
  | { ok: true; data: string }
  /** `require`/`revert` (with its revert data) or an invalid opcode (solc 0.7.6's division by zero). */
  | { ok: false; kind: 'revert' | 'invalid-opcode'; message: string; data: string };

/** eth_call state override for one account: replaced code, and storage slots set on top of the chain's. */
export interface AccountOverride {
  code?: string;
  stateDiff?: Record<string, string>;
}

/**
 * eth_call on `blockTag`'s state as if executed in a block with timestamp `timestampSec` (block override),
 * which is how the contract will see a call in the next block. Node errors other than a revert are thrown.
 * Prefer `{ blockHash }` over a number for past blocks: a number is ambiguous after a reorg or evm_revert.
 * `stateOverride` changes accounts for this call only (nothing is written to the chain).
 */
export async function callAtTimestamp(
  provider: JsonRpcProvider,
  tx: { to: string; data: string; from?: string; value?: string },
  timestampSec: number | bigint,
  blockTag: string | number | { blockHash: string } = 'latest',
  stateOverride: Record<string, AccountOverride> = {},
): Promise<CallOutcome> {
  const tag = typeof blockTag === 'number' ? `0x${blockTag.toString(16)}` : blockTag;
  const overrides = { time: `0x${BigInt(timestampSec).toString(16)}` };
  try {
    const data = (await provider.send('eth_call', [tx, tag, stateOverride, overrides])) as string;
    return { ok: true, data };
  } catch (err) {
    const e = err as {
      error?: { code?: number; message?: string; data?: string };
      info?: unknown;
      message?: string;
    };
    const rpcError =
      e.error ?? (e.info as { error?: { code?: number; message?: string; data?: string } })?.error;
    const message = rpcError?.message ?? e.message ?? String(err);
    if (/InvalidFEOpcode/i.test(message)) return { ok: false, kind: 'invalid-opcode', message, data: '0x' };
    if (rpcError?.code === 3 || /execution reverted/i.test(message)) {
      return { ok: false, kind: 'revert', message, data: rpcError?.data ?? '0x' };
    }
    throw err;
  }
}
