import { Transaction } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlacedBundle, RelayReport } from '../../devnet/relay/RelayLog.js';
import { installTestContracts } from './installTestContracts.js';
import { GWEI, startRelayKit, type RelayKit } from './startRelayKit.js';

let kit: RelayKit;

beforeAll(async () => {
  kit = await startRelayKit();
});
afterAll(async () => {
  await kit?.stop();
});

function hashOf(raw: string): string {
  return Transaction.from(raw).hash as string;
}

async function send(txs: string[], block: number): Promise<string> {
  const sent = await kit.flashbots.sendRawBundle(txs, block);
  if ('error' in sent) throw new Error(sent.error.message);
  return sent.bundleHash;
}

function placements(report: RelayReport, bundleHash: string): PlacedBundle[] {
  return report.blocks.flatMap((b) => b.bundles).filter((b) => b.bundleHash === bundleHash);
}

async function poolSize(): Promise<number> {
  const status = (await kit.provider.send('txpool_status', [])) as { pending: string; queued: string };
  return Number(status.pending) + Number(status.queued);
}

describe('when the block is not what the relay built', () => {
  it('takes a placement back when its block is not mined, and places it in the block that is', async () => {
    const a = await kit.wallet();
    const txs = [await kit.sign(a, { to: a.address, value: 1n })];
    const target = (await kit.provider.getBlockNumber()) + 1;
    const bundleHash = await send(txs, target);
    const off = kit.producer.onBeforeBlock(async () => {
      throw new Error('a later hook failed');
    });
    try {
      await expect(kit.producer.mine()).rejects.toThrow(/a later hook failed/);
    } finally {
      off();
    }
    expect(await poolSize()).toBe(1);
    const mined = await kit.producer.mine();
    expect(mined.number).toBe(target);
    const receipt = await kit.provider.getTransactionReceipt(hashOf(txs[0] as string));
    expect([receipt?.blockNumber, receipt?.status]).toEqual([target, 1]);
    expect(await poolSize()).toBe(0);
    expect(placements(await kit.relay.landed(), bundleHash).map((p) => p.status)).toEqual([
      'withdrawn',
      'landed',
    ]);
  });

  it('reports a violation when a public transaction reaches the pool after its last look and breaks a bundle', async () => {
    const c = await installTestContracts(kit.provider);
    const a = await kit.wallet();
    const rival = await kit.wallet();
    const txs = [await kit.sign(a, { to: c.claim, data: '0x01' })];
    const bundleHash = await send(txs, (await kit.provider.getBlockNumber()) + 1);
    // A hook registered after the relay's runs between the relay's last look and evm_mine: the documented race.
    const rivalClaim = await kit.sign(rival, { to: c.claim, data: '0x02', maxFeePerGas: 50n * GWEI });
    const off = kit.producer.onBeforeBlock(async () => {
      await kit.provider.send('eth_sendRawTransaction', [rivalClaim]);
    });
    try {
      await kit.producer.mine();
    } finally {
      off();
    }
    expect((await kit.provider.getTransactionReceipt(hashOf(txs[0] as string)))?.status).toBe(0);
    const report = await kit.relay.landed();
    expect(placements(report, bundleHash).map((p) => p.status)).toEqual(['violated']);
    expect(report.violations).toEqual([
      expect.objectContaining({
        bundleHash,
        detail: `transaction(s) ${hashOf(txs[0] as string)} reverted on chain`,
      }),
    ]);
  });

  it('forgets pending bundles on clear()', async () => {
    const a = await kit.wallet();
    const txs = [await kit.sign(a, { to: a.address, value: 1n })];
    await send(txs, (await kit.provider.getBlockNumber()) + 2);
    await kit.relay.clear();
    await kit.producer.mineMany(2);
    expect(await kit.provider.getTransactionReceipt(hashOf(txs[0] as string))).toBeNull();
    expect(await kit.relay.landed()).toEqual({ blocks: [], dropped: [], violations: [], errors: [] });
  });
});
