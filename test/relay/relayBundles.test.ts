import { FlashbotsBundleProvider } from '@flashbots/ethers-provider-bundle';
import { Transaction, type TransactionReceipt, type Wallet } from 'ethers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DroppedBundle, PlacedBundle, RelayReport } from '../../devnet/relay/RelayLog.js';
import { installTestContracts, type TestContracts } from './installTestContracts.js';
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

async function send(
  txs: string[],
  block: number,
  opts: Parameters<FlashbotsBundleProvider['sendRawBundle']>[2] = {},
): Promise<string> {
  const sent = await kit.flashbots.sendRawBundle(txs, block, opts);
  if ('error' in sent) throw new Error(`relay refused the bundle: ${sent.error.message}`);
  return sent.bundleHash;
}

async function head(): Promise<number> {
  return kit.provider.getBlockNumber();
}

async function receipt(raw: string): Promise<TransactionReceipt | null> {
  return kit.provider.getTransactionReceipt(hashOf(raw));
}

function placed(report: RelayReport, bundleHash: string): PlacedBundle | undefined {
  return report.blocks.flatMap((b) => b.bundles).find((b) => b.bundleHash === bundleHash);
}

function dropped(report: RelayReport, bundleHash: string): DroppedBundle | undefined {
  return report.dropped.find((d) => d.bundleHash === bundleHash);
}

async function poolSize(): Promise<number> {
  const status = (await kit.provider.send('txpool_status', [])) as { pending: string; queued: string };
  return Number(status.pending) + Number(status.queued);
}

/** Balance and nonce of each wallet, to show that a dropped bundle cost nobody anything. */
async function accounts(wallets: Wallet[]): Promise<[bigint, number][]> {
  return Promise.all(
    wallets.map(
      async (w) =>
        [await kit.provider.getBalance(w.address), await kit.provider.getTransactionCount(w.address)] as [
          bigint,
          number,
        ],
    ),
  );
}

describe('bundles through @flashbots/ethers-provider-bundle', () => {
  // Each test claims its own contract: a claim contract can be claimed once.
  let c: TestContracts;
  beforeEach(async () => {
    c = await installTestContracts(kit.provider);
  });

  it('lands a signed bundle whole, together and in order, in its target block', async () => {
    const [a, b] = [await kit.wallet(), await kit.wallet()];
    const txs = [
      await kit.sign(a, { to: c.claim, data: '0x01' }),
      await kit.sign(b, { to: a.address, value: 5n }),
    ];
    const target = (await head()) + 1;
    const bundleHash = await send(txs, target);
    expect(bundleHash).toBe(FlashbotsBundleProvider.generateBundleHash(txs.map(hashOf)));

    const mined = await kit.producer.mine();
    expect(mined.number).toBe(target);
    const receipts = await Promise.all(txs.map(receipt));
    expect(receipts.map((r) => r?.blockNumber)).toEqual([target, target]);
    expect(receipts.map((r) => r?.status)).toEqual([1, 1]);
    expect((receipts[1]?.index ?? -1) - (receipts[0]?.index ?? -1)).toBe(1);
    expect(await poolSize()).toBe(0);

    const report = await kit.relay.landed();
    const entry = placed(report, bundleHash);
    expect(entry).toMatchObject({
      status: 'landed',
      targetBlock: target,
      txHashes: txs.map(hashOf),
      firstTxIndex: receipts[0]?.index,
    });
    expect(report.violations).toEqual([]);
  });

  it('drops the whole bundle when a transaction reverts: nothing lands, nobody pays gas', async () => {
    const [a, b] = [await kit.wallet(), await kit.wallet()];
    const claimed = [await kit.sign(a, { to: c.claim, data: '0x02' })];
    await send(claimed, (await head()) + 1);
    await kit.producer.mine();
    expect((await receipt(claimed[0] as string))?.status).toBe(1);

    // b's transfer would succeed, but a's second claim reverts: neither may run.
    const txs = [
      await kit.sign(b, { to: b.address, value: 1n }),
      await kit.sign(a, { to: c.claim, data: '0x03' }),
    ];
    const before = await accounts([a, b]);
    const coinbase = (await kit.provider.getBlock('latest'))?.miner as string;
    const coinbaseBefore = await kit.provider.getBalance(coinbase);
    const bundleHash = await send(txs, (await head()) + 1);
    await kit.producer.mine();

    expect(await Promise.all(txs.map(receipt))).toEqual([null, null]);
    expect(await accounts([a, b])).toEqual(before);
    expect(await kit.provider.getBalance(coinbase)).toBe(coinbaseBefore);
    expect(await poolSize()).toBe(0);
    const report = await kit.relay.landed();
    expect(placed(report, bundleHash)).toBeUndefined();
    expect(dropped(report, bundleHash)).toMatchObject({ reason: 'reverted' });
    expect(dropped(report, bundleHash)?.detail).toMatch(
      new RegExp(`${hashOf(txs[1] as string)} failed \\(execution reverted: taken\\)`),
    );
  });

  it('lands a bundle whose reverting transaction is listed in revertingTxHashes', async () => {
    const [a, b] = [await kit.wallet(), await kit.wallet()];
    await send([await kit.sign(a, { to: c.claim, data: '0x04' })], (await head()) + 1);
    await kit.producer.mine();
    const failing = await kit.sign(a, { to: c.claim, data: '0x05' });
    const txs = [await kit.sign(b, { to: b.address, value: 1n }), failing];
    const bundleHash = await send(txs, (await head()) + 1, { revertingTxHashes: [hashOf(failing)] });
    await kit.producer.mine();
    expect((await Promise.all(txs.map(receipt))).map((r) => r?.status)).toEqual([1, 0]);
    expect(placed(await kit.relay.landed(), bundleHash)?.status).toBe('landed');
  });

  it('does not include a bundle before or after its target block', async () => {
    const a = await kit.wallet();
    const early = [await kit.sign(a, { to: a.address, value: 1n })];
    const now = await head();
    const earlyHash = await send(early, now + 2);
    await kit.producer.mine();
    expect(await receipt(early[0] as string)).toBeNull();
    await kit.producer.mine();
    expect((await receipt(early[0] as string))?.blockNumber).toBe(now + 2);
    expect(placed(await kit.relay.landed(), earlyHash)?.status).toBe('landed');

    const b = await kit.wallet();
    const late = [await kit.sign(b, { to: b.address, value: 1n })];
    const lateHash = await send(late, await head());
    await kit.producer.mine();
    expect(await receipt(late[0] as string)).toBeNull();
    expect(await poolSize()).toBe(0);
    expect(dropped(await kit.relay.landed(), lateHash)?.reason).toBe('target-block-passed');
  });

  it('respects minTimestamp and maxTimestamp', async () => {
    const a = await kit.wallet();
    const next = await kit.producer.next();
    const tooEarly = [await kit.sign(a, { to: a.address, value: 1n })];
    const tooEarlyHash = await send(tooEarly, next.number, { minTimestamp: next.timestampSec + 1 });
    const b = await kit.wallet();
    const tooLate = [await kit.sign(b, { to: b.address, value: 1n })];
    const tooLateHash = await send(tooLate, next.number, { maxTimestamp: next.timestampSec - 1 });
    const w = await kit.wallet();
    const inWindow = [await kit.sign(w, { to: w.address, value: 1n })];
    const inWindowHash = await send(inWindow, next.number, {
      minTimestamp: next.timestampSec,
      maxTimestamp: next.timestampSec,
    });
    await kit.producer.mine();
    expect(await receipt(tooEarly[0] as string)).toBeNull();
    expect(await receipt(tooLate[0] as string)).toBeNull();
    expect((await receipt(inWindow[0] as string))?.status).toBe(1);
    const report = await kit.relay.landed();
    expect(dropped(report, tooEarlyHash)).toMatchObject({ reason: 'timestamp-window' });
    expect(dropped(report, tooEarlyHash)?.detail).toMatch(/before minTimestamp/);
    expect(dropped(report, tooLateHash)?.detail).toMatch(/after maxTimestamp/);
    expect(placed(report, inWindowHash)?.status).toBe('landed');
  });

  it('replaces a bundle sent again with the same replacementUuid, and cancels by replacementUuid', async () => {
    const uuid = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const a = await kit.wallet();
    const target = (await head()) + 1;
    const first = [await kit.sign(a, { to: a.address, value: 1n })];
    const second = [await kit.sign(a, { to: a.address, value: 2n })];
    const firstHash = await send(first, target, { replacementUuid: uuid });
    const secondHash = await send(second, target, { replacementUuid: uuid });
    await kit.producer.mine();
    expect(await receipt(first[0] as string)).toBeNull();
    expect((await receipt(second[0] as string))?.status).toBe(1);
    let report = await kit.relay.landed();
    expect(dropped(report, firstHash)).toMatchObject({ reason: 'replaced', atBlock: null });
    expect(placed(report, secondHash)?.status).toBe('landed');

    const cancelUuid = '1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const third = [await kit.sign(a, { to: a.address, value: 3n })];
    const thirdHash = await send(third, (await head()) + 1, { replacementUuid: cancelUuid });
    const cancelled = await kit.flashbots.cancelBundles(cancelUuid);
    expect(cancelled).toEqual({ bundleHashes: [thirdHash] });
    await kit.producer.mine();
    expect(await receipt(third[0] as string)).toBeNull();
    expect(await poolSize()).toBe(0);
    report = await kit.relay.landed();
    expect(dropped(report, thirdHash)).toMatchObject({ reason: 'cancelled' });
  });

  it('treats the same bundle sent twice for a block as one', async () => {
    const a = await kit.wallet();
    const txs = [await kit.sign(a, { to: a.address, value: 1n })];
    const target = (await head()) + 1;
    const hash = await send(txs, target);
    expect(await send(txs, target)).toBe(hash);
    await kit.producer.mine();
    expect((await receipt(txs[0] as string))?.status).toBe(1);
    const report = await kit.relay.landed();
    expect(report.blocks.flatMap((b) => b.bundles).filter((b) => b.bundleHash === hash)).toHaveLength(1);
    expect(report.dropped.filter((d) => d.bundleHash === hash)).toEqual([
      expect.objectContaining({ reason: 'replaced', detail: `replaced by bundle ${hash} (sent again)` }),
    ]);
  });

  it('gives a nonce two bundles compete for to the one that pays more per gas', async () => {
    const a = await kit.wallet();
    const target = (await head()) + 1;
    const cheap = [await kit.sign(a, { to: c.claim, data: '0x01', maxPriorityFeePerGas: 1n * GWEI })];
    const rich = [await kit.sign(a, { to: c.claim, data: '0x02', maxPriorityFeePerGas: 3n * GWEI })];
    const cheapHash = await send(cheap, target);
    const richHash = await send(rich, target);
    await kit.producer.mine();
    expect(await receipt(cheap[0] as string)).toBeNull();
    expect((await receipt(rich[0] as string))?.status).toBe(1);
    const report = await kit.relay.landed();
    expect(dropped(report, cheapHash)).toMatchObject({ reason: 'conflict' });
    expect(dropped(report, cheapHash)?.detail).toContain(richHash);
    expect(placed(report, richHash)?.effectivePriorityFeeWei).toBe((3n * GWEI).toString());
  });

  it('counts a coinbase transfer in the bid: a lower priority fee plus a transfer can win', async () => {
    const [a, b] = [await kit.wallet(), await kit.wallet()];
    const target = (await head()) + 1;
    const tipOnly = [await kit.sign(a, { to: c.claim, data: '0x01', maxPriorityFeePerGas: 3n * GWEI })];
    // ~50k gas in all; 1 gwei of tip per gas plus 0.001 ether straight to the fee recipient beats 3 gwei.
    const briber = [
      await kit.sign(b, { to: c.claim, data: '0x02', maxPriorityFeePerGas: 1n * GWEI }),
      await kit.sign(b, { to: c.payCoinbase, value: 10n ** 15n, maxPriorityFeePerGas: 1n * GWEI, nonce: 1 }),
    ];
    const tipOnlyHash = await send(tipOnly, target);
    const briberHash = await send(briber, target);
    await kit.producer.mine();
    expect((await Promise.all(briber.map(receipt))).map((r) => r?.status)).toEqual([1, 1]);
    expect(await receipt(tipOnly[0] as string)).toBeNull();
    const report = await kit.relay.landed();
    expect(placed(report, briberHash)?.status).toBe('landed');
    // The loser's claim reverts behind the winner's, so it is dropped for its revert.
    expect(dropped(report, tipOnlyHash)).toMatchObject({ reason: 'reverted' });
  });

  it("fits bundles that do not conflict into one block, and orders one sender's bundles by nonce", async () => {
    const [a, b] = [await kit.wallet(), await kit.wallet()];
    const target = (await head()) + 1;
    const nonce = await kit.provider.getTransactionCount(a.address);
    // a's second bundle pays more but needs a's first: it waits for it in the same block.
    const aFirst = [await kit.sign(a, { to: a.address, value: 1n, nonce, maxPriorityFeePerGas: 1n * GWEI })];
    const aSecond = [
      await kit.sign(a, { to: a.address, value: 2n, nonce: nonce + 1, maxPriorityFeePerGas: 5n * GWEI }),
    ];
    const other = [await kit.sign(b, { to: c.claim, data: '0x01' })];
    const hashes = [await send(aSecond, target), await send(other, target), await send(aFirst, target)];
    await kit.producer.mine();
    const receipts = await Promise.all([aFirst, aSecond, other].map((txs) => receipt(txs[0] as string)));
    expect(receipts.map((r) => r?.blockNumber)).toEqual([target, target, target]);
    expect((receipts[0]?.index ?? 0) < (receipts[1]?.index ?? 0)).toBe(true);
    const report = await kit.relay.landed();
    expect(hashes.map((h) => placed(report, h)?.status)).toEqual(['landed', 'landed', 'landed']);
  });

  it('drops a bundle whose nonces no bundle in the block leads up to', async () => {
    const a = await kit.wallet();
    const nonce = await kit.provider.getTransactionCount(a.address);
    const gapped = [await kit.sign(a, { to: a.address, value: 1n, nonce: nonce + 1 })];
    const hash = await send(gapped, (await head()) + 1);
    await kit.producer.mine();
    expect(await receipt(gapped[0] as string)).toBeNull();
    expect(await poolSize()).toBe(0);
    expect(dropped(await kit.relay.landed(), hash)).toMatchObject({ reason: 'nonce-gap' });
  });

  it('drops bundles the node would refuse: no funds, a max fee under the base fee', async () => {
    const a = await kit.wallet();
    await kit.provider.send('anvil_setBalance', [a.address, '0x0']);
    const broke = [await kit.sign(a, { to: a.address, value: 1n })];
    const b = await kit.wallet();
    const cheap = [await kit.sign(b, { to: b.address, maxFeePerGas: 1n, maxPriorityFeePerGas: 1n })];
    const target = (await head()) + 1;
    const brokeHash = await send(broke, target);
    const cheapHash = await send(cheap, target);
    await kit.producer.mine();
    expect(await receipt(broke[0] as string)).toBeNull();
    expect(await receipt(cheap[0] as string)).toBeNull();
    const report = await kit.relay.landed();
    expect(dropped(report, brokeHash)).toMatchObject({ reason: 'invalid' });
    expect(dropped(report, brokeHash)?.detail).toMatch(/insufficient funds/i);
    expect(dropped(report, cheapHash)?.detail).toMatch(/max fee per gas less than block base fee/);
  });
});

describe('eth_callBundle', () => {
  it('predicts what then lands: gas, fees and coinbase payments per transaction', async () => {
    const c = await installTestContracts(kit.provider);
    const [a, b] = [await kit.wallet(), await kit.wallet()];
    const txs = [
      await kit.sign(a, { to: c.claim, data: '0x01', maxPriorityFeePerGas: 2n * GWEI }),
      await kit.sign(b, { to: c.payCoinbase, value: 12345n, maxPriorityFeePerGas: 2n * GWEI }),
    ];
    const now = await head();
    const next = await kit.producer.next();
    const sim = await kit.flashbots.simulate(txs, now + 1, now, next.timestampSec);
    if ('error' in sim) throw new Error(sim.error.message);
    expect(sim.bundleHash).toBe(FlashbotsBundleProvider.generateBundleHash(txs.map(hashOf)));
    expect(sim.stateBlockNumber).toBe(now);
    expect(sim.firstRevert).toBeUndefined();
    expect(sim.ethSentToCoinbase).toBe(12345n);
    const [claimSim, paySim] = sim.results;
    expect(claimSim).toMatchObject({
      txHash: hashOf(txs[0] as string),
      value: '0x',
      fromAddress: a.address,
      toAddress: c.claim,
    });
    expect(paySim).toMatchObject({ ethSentToCoinbase: '12345' });

    const bundleHash = await send(txs, now + 1);
    const block = await kit.producer.mine();
    const receipts = await Promise.all(txs.map(receipt));
    const mined = await kit.provider.getBlock(block.number);
    const baseFee = mined?.baseFeePerGas ?? 0n;
    expect(sim.results.map((r) => r.gasUsed)).toEqual(receipts.map((r) => Number(r?.gasUsed)));
    expect(sim.totalGasUsed).toBe(receipts.reduce((sum, r) => sum + Number(r?.gasUsed), 0));
    for (const [i, r] of receipts.entries()) {
      const tip = (r?.gasPrice ?? 0n) - baseFee;
      expect(sim.results[i]?.gasPrice).toBe(tip.toString());
      expect(sim.results[i]?.gasFees).toBe((tip * (r?.gasUsed ?? 0n)).toString());
    }
    const paid = receipts.reduce((sum, r) => sum + ((r?.gasPrice ?? 0n) - baseFee) * (r?.gasUsed ?? 0n), 0n);
    expect(sim.gasFees).toBe(paid);
    expect(sim.coinbaseDiff).toBe(paid + 12345n);
    expect(sim.bundleGasPrice).toBe((paid + 12345n) / BigInt(sim.totalGasUsed));
    // The fee recipient's balance moved by exactly what the simulation said.
    const recipient = mined?.miner as string;
    const delta =
      (await kit.provider.getBalance(recipient, block.number)) -
      (await kit.provider.getBalance(recipient, block.number - 1));
    expect(delta).toBe(sim.coinbaseDiff);
    expect(placed(await kit.relay.landed(), bundleHash)).toMatchObject({
      status: 'landed',
      simulatedGasUsed: String(sim.totalGasUsed),
      gasUsed: String(sim.totalGasUsed),
    });
  });

  it("reports a revert in the transaction's result and a refused transaction as an error", async () => {
    const c = await installTestContracts(kit.provider);
    const a = await kit.wallet();
    await send([await kit.sign(a, { to: c.claim, data: '0x01' })], (await head()) + 1);
    await kit.producer.mine();
    const again = [await kit.sign(a, { to: c.claim, data: '0x02' })];
    const now = await head();
    const sim = await kit.flashbots.simulate(again, now + 1, 'latest');
    if ('error' in sim) throw new Error(sim.error.message);
    expect(sim.firstRevert).toMatchObject({
      txHash: hashOf(again[0] as string),
      error: 'execution reverted',
      revert: 'taken',
    });
    expect(sim.results[0]).not.toHaveProperty('value');

    const stale = [await kit.sign(a, { to: a.address, nonce: 0 })];
    const refused = await kit.flashbots.simulate(stale, now + 1, now);
    expect(refused).toEqual({
      error: {
        code: -32000,
        message: `err: nonce too low: address ${a.address}, tx: 0 state: 1; txhash ${hashOf(stale[0] as string)}`,
      },
    });
  });
});

describe('public transactions in the same block', () => {
  const publicSender = '0x00000000000000000000000000000000000b0b00';

  beforeAll(async () => {
    await kit.provider.send('anvil_impersonateAccount', [publicSender]);
    await kit.provider.send('anvil_setBalance', [publicSender, '0x3635c9adc5dea00000']);
  });

  it('simulates a bundle behind a public transaction that anvil mines first, and drops it when it would revert', async () => {
    const c = await installTestContracts(kit.provider);
    const a = await kit.wallet();
    const target = (await head()) + 1;
    const txs = [await kit.sign(a, { to: c.claim, data: '0x01', maxFeePerGas: 20n * GWEI })];
    const bundleHash = await send(txs, target);
    // A competitor's public claim with a higher max fee: anvil orders it first.
    const competitor = (await kit.provider.send('eth_sendTransaction', [
      {
        from: publicSender,
        to: c.claim,
        data: '0x02',
        gas: '0x186a0',
        maxFeePerGas: '0xba43b7400',
        maxPriorityFeePerGas: '0x3b9aca00',
      },
    ])) as string;
    const before = await accounts([a]);
    await kit.producer.mine();
    expect((await kit.provider.getTransactionReceipt(competitor))?.status).toBe(1);
    expect(await receipt(txs[0] as string)).toBeNull();
    expect(await accounts([a])).toEqual(before);
    expect(dropped(await kit.relay.landed(), bundleHash)).toMatchObject({ reason: 'reverted' });
  });

  it('keeps a bundle together when public transactions share the block', async () => {
    const [a, b] = [await kit.wallet(), await kit.wallet()];
    const target = (await head()) + 1;
    const send1 = (value: number): Promise<string> =>
      kit.provider.send('eth_sendTransaction', [
        { from: publicSender, to: publicSender, value: `0x${value.toString(16)}`, gas: '0x5208' },
      ]) as Promise<string>;
    const publicTxs = [await send1(1)];
    const txs = [
      await kit.sign(a, { to: a.address, value: 1n }),
      await kit.sign(b, { to: b.address, value: 1n }),
    ];
    const bundleHash = await send(txs, target);
    publicTxs.push(await send1(2));
    await kit.producer.mine();
    const receipts = await Promise.all(txs.map(receipt));
    expect(receipts.map((r) => r?.blockNumber)).toEqual([target, target]);
    expect((receipts[1]?.index ?? 0) - (receipts[0]?.index ?? 0)).toBe(1);
    for (const hash of publicTxs)
      expect((await kit.provider.getTransactionReceipt(hash))?.blockNumber).toBe(target);
    expect(placed(await kit.relay.landed(), bundleHash)?.status).toBe('landed');
  });

  it('does not place a bundle whose sender has public transactions waiting', async () => {
    const a = await kit.wallet();
    const nonce = await kit.provider.getTransactionCount(a.address);
    const mempoolTx = await kit.sign(a, { to: a.address, value: 7n, nonce });
    await kit.provider.send('eth_sendRawTransaction', [mempoolTx]);
    // Same nonce, higher fee: handing it to anvil would evict the public transaction from the pool.
    const txs = [await kit.sign(a, { to: a.address, value: 1n, nonce, maxFeePerGas: 40n * GWEI })];
    const bundleHash = await send(txs, (await head()) + 1);
    await kit.producer.mine();
    expect(await receipt(txs[0] as string)).toBeNull();
    expect((await receipt(mempoolTx))?.status).toBe(1);
    const drop = dropped(await kit.relay.landed(), bundleHash);
    expect(drop).toMatchObject({ reason: 'conflict' });
    expect(drop?.detail).toContain(`${a.address} has public transaction(s) in the pool (nonce ${nonce})`);
  });

  it("drops a bundle anvil's fee order would reorder, and says why", async () => {
    const [a, b] = [await kit.wallet(), await kit.wallet()];
    const txs = [
      await kit.sign(a, { to: a.address, value: 1n, maxFeePerGas: 20n * GWEI }),
      await kit.sign(b, { to: b.address, value: 1n, maxFeePerGas: 30n * GWEI }),
    ];
    const bundleHash = await send(txs, (await head()) + 1);
    await kit.producer.mine();
    expect(await Promise.all(txs.map(receipt))).toEqual([null, null]);
    expect(await poolSize()).toBe(0);
    const drop = dropped(await kit.relay.landed(), bundleHash);
    expect(drop).toMatchObject({ reason: 'ordering' });
    expect(drop?.detail).toMatch(/max fee per gas .* block positions 1, 0/);
  });
});

describe('the relay as a service', () => {
  it('serves the report at GET /debug/landed', async () => {
    const a = await kit.wallet();
    const hash = await send([await kit.sign(a, { to: a.address, value: 1n })], (await head()) + 1);
    await kit.producer.mine();
    const res = await fetch(kit.relay.debugUrl);
    expect(res.status).toBe(200);
    const report = (await res.json()) as RelayReport;
    expect(placed(report, hash)?.status).toBe('landed');
    expect(report.violations).toEqual([]);
    expect(report.errors).toEqual([]);
  });

  it('can be down: the client fails to connect, bundles sent before still land, and it comes back', async () => {
    const a = await kit.wallet();
    const before = [await kit.sign(a, { to: a.address, value: 1n })];
    const beforeHash = await send(before, (await head()) + 1);
    await kit.relay.down();
    try {
      const late = [
        await kit.sign(a, {
          to: a.address,
          value: 2n,
          nonce: (await kit.provider.getTransactionCount(a.address)) + 1,
        }),
      ];
      await expect(kit.flashbots.sendRawBundle(late, (await head()) + 1)).rejects.toThrow();
      await kit.producer.mine();
    } finally {
      await kit.relay.up();
    }
    expect((await receipt(before[0] as string))?.status).toBe(1);
    expect(placed(await kit.relay.landed(), beforeHash)?.status).toBe('landed');
    const after = [await kit.sign(a, { to: a.address, value: 3n })];
    await send(after, (await head()) + 1);
    await kit.producer.mine();
    expect((await receipt(after[0] as string))?.status).toBe(1);
  });
});

describe('all of it', () => {
  it('left no violation, no relay error and nothing in the pool', async () => {
    const report = await kit.relay.landed();
    expect(report.violations).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(report.blocks.flatMap((b) => b.bundles).filter((b) => b.status !== 'landed')).toEqual([]);
    expect(await poolSize()).toBe(0);
  });
});
