import { Transaction, Wallet, keccak256, toBeHex, toUtf8Bytes, type JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockProducer } from '../../devnet/chain/BlockProducer.js';
import { builderSchedule } from '../../devnet/chain/builderSchedule.js';
import { connectChain } from '../../devnet/chain/connectChain.js';
import { startAnvil, type Anvil } from '../../devnet/chain/startAnvil.js';
import type { RelayReport } from '../../devnet/relay/RelayLog.js';
import { startBuilders, type Builders } from '../../devnet/relay/startBuilders.js';
import type { Relay } from '../../devnet/relay/startRelay.js';
import { BuilderFanout, anyAccepted } from '../../keeper/src/execution/BuilderFanout.js';
import { BundleClient } from '../../keeper/src/execution/BundleClient.js';
import { SubmissionError } from '../../keeper/src/execution/ExecutionError.js';

const GWEI = 10n ** 9n;
const NAMES = ['flashbots', 'beaverbuild', 'titan'] as const;
type Name = (typeof NAMES)[number];

let anvil: Anvil;
let provider: JsonRpcProvider;
let producer: BlockProducer;
let builders: Builders;
/** Blocks the tests assign to a builder; the seeded draw decides the others. */
const assigned = new Map<number, string>();
const authSigner = new Wallet(keccak256(toUtf8Bytes('multi-builder test auth key')));
let wallets = 0;

beforeAll(async () => {
  anvil = await startAnvil({ genesisTimestampSec: 1_800_000_000 });
  provider = await connectChain(anvil.rpcUrl, anvil.chainId);
  producer = new BlockProducer(provider, { secondsPerBlock: 12 });
  builders = await startBuilders({
    provider,
    producer,
    names: [...NAMES],
    schedule: builderSchedule({
      shares: NAMES.map((name) => ({ name, weight: 1 })),
      seed: 'multi-builder test',
      fixed: assigned,
    }),
  });
});
afterAll(async () => {
  await builders?.stop();
  await producer?.stop();
  provider?.destroy();
  await anvil?.stop();
});

function builder(name: Name): Relay {
  const found = builders.byName.get(name);
  if (!found) throw new Error(`no builder ${name}`);
  return found;
}

function client(relay: Relay, signer: Wallet = authSigner): BundleClient {
  return new BundleClient({
    name: relay.name,
    url: relay.url,
    authSigner: signer,
    timeoutMs: 5_000,
    requestsPerSecond: 100,
  });
}

/** A funded wallet's signed transfer, with the sender's next nonce. */
async function signedTransfer(): Promise<{ raw: string; hash: string }> {
  wallets += 1;
  const wallet = new Wallet(keccak256(toUtf8Bytes(`multi-builder wallet ${anvil.port} ${wallets}`)));
  await provider.send('anvil_setBalance', [wallet.address, toBeHex(10n ** 20n)]);
  const raw = await wallet.signTransaction({
    type: 2,
    chainId: anvil.chainId,
    nonce: await provider.getTransactionCount(wallet.address, 'latest'),
    to: authSigner.address,
    value: 1n,
    gasLimit: 21_000n,
    maxFeePerGas: 20n * GWEI,
    maxPriorityFeePerGas: 2n * GWEI,
  });
  return { raw, hash: Transaction.from(raw).hash as string };
}

/** The next block, assigned to `name`. */
async function nextBlockBuiltBy(name: Name): Promise<number> {
  const target = (await provider.getBlockNumber()) + 1;
  assigned.set(target, name);
  return target;
}

async function landedIn(hash: string): Promise<number | null> {
  return (await provider.getTransactionReceipt(hash))?.blockNumber ?? null;
}

/** Every trace of a bundle in a builder's report: placements and drops. */
function traces(report: RelayReport, bundleHash: string): string[] {
  return [
    ...report.blocks.flatMap((b) =>
      b.bundles.filter((p) => p.bundleHash === bundleHash).map((p) => p.status),
    ),
    ...report.dropped.filter((d) => d.bundleHash === bundleHash).map((d) => d.reason),
  ];
}

describe('several builders, each building its own blocks', () => {
  it('the producer names the builder of every block, from the seed, and the fixed blocks', async () => {
    const next = await producer.next();
    expect(NAMES).toContain(next.builder);
    assigned.set(next.number, 'titan');
    expect((await producer.next()).builder).toBe('titan');
    assigned.delete(next.number);
  });

  it('a bundle sent only to a builder that does not build the target block misses it', async () => {
    const tx = await signedTransfer();
    const target = await nextBlockBuiltBy('titan');
    const bundleHash = await client(builder('flashbots')).sendBundle({
      txs: [tx.raw],
      blockNumber: BigInt(target),
    });
    await producer.mine();
    expect(await landedIn(tx.hash)).toBeNull();
    expect(traces(await builder('flashbots').landed(), bundleHash)).toEqual(['not-building']);
    expect(traces(await builder('titan').landed(), bundleHash)).toEqual([]);
  });

  it('the same bundle through the relay with builders naming all three lands in the block titan builds', async () => {
    const tx = await signedTransfer();
    const target = await nextBlockBuiltBy('titan');
    const bundleHash = await client(builders.relay).sendBundle({
      txs: [tx.raw],
      blockNumber: BigInt(target),
      builders: ['flashbots', 'beaverbuild', 'Titan'],
    });
    await producer.mine();
    expect(await landedIn(tx.hash)).toBe(target);
    expect(traces(await builder('titan').landed(), bundleHash)).toEqual(['landed']);
    expect(traces(await builder('flashbots').landed(), bundleHash)).toEqual(['not-building']);
    expect(traces(await builder('beaverbuild').landed(), bundleHash)).toEqual(['not-building']);
  });

  it('sent directly to all three builders it lands; the builder of the block is the one that places it', async () => {
    const tx = await signedTransfer();
    const target = await nextBlockBuiltBy('beaverbuild');
    const hashes = await Promise.all(
      NAMES.map((name) => client(builder(name)).sendBundle({ txs: [tx.raw], blockNumber: BigInt(target) })),
    );
    expect(new Set(hashes).size).toBe(1);
    await producer.mine();
    expect(await landedIn(tx.hash)).toBe(target);
    expect(traces(await builder('beaverbuild').landed(), hashes[0] as string)).toEqual(['landed']);
  });

  it('honours builders: a builder the relay was not asked to share with never sees the bundle', async () => {
    const tx = await signedTransfer();
    const target = await nextBlockBuiltBy('titan');
    const bundleHash = await client(builders.relay).sendBundle({
      txs: [tx.raw],
      blockNumber: BigInt(target),
      builders: ['beaverbuild'],
    });
    await producer.mine();
    expect(await landedIn(tx.hash)).toBeNull();
    expect(traces(await builder('titan').landed(), bundleHash)).toEqual([]);
    expect(traces(await builder('beaverbuild').landed(), bundleHash)).toEqual(['not-building']);
    expect(traces(await builder('flashbots').landed(), bundleHash)).toEqual(['not-building']);
  });

  it('a builder given the bundle directly does not forward it, whatever builders says', async () => {
    const tx = await signedTransfer();
    const target = await nextBlockBuiltBy('titan');
    const bundleHash = await client(builder('beaverbuild')).sendBundle({
      txs: [tx.raw],
      blockNumber: BigInt(target),
      builders: ['titan'],
    });
    await producer.mine();
    expect(await landedIn(tx.hash)).toBeNull();
    expect(traces(await builder('titan').landed(), bundleHash)).toEqual([]);
  });

  it('eth_cancelBundle at the relay withdraws the bundle from every builder it was forwarded to', async () => {
    const tx = await signedTransfer();
    const target = await nextBlockBuiltBy('titan');
    const uuid = '0b6c2f4e-3d1a-4e5f-9a8b-7c6d5e4f3a2b';
    const relayClient = client(builders.relay);
    const bundleHash = await relayClient.sendBundle({
      txs: [tx.raw],
      blockNumber: BigInt(target),
      replacementUuid: uuid,
      builders: ['titan', 'beaverbuild'],
    });
    await relayClient.cancelBundle(uuid);
    await producer.mine();
    expect(await landedIn(tx.hash)).toBeNull();
    for (const name of NAMES) expect(traces(await builder(name).landed(), bundleHash)).toEqual(['cancelled']);
  });

  it('a forwarded bundle keeps its fields: a replacement uuid replaces it at the builder, a timestamp window holds', async () => {
    const [first, second] = [await signedTransfer(), await signedTransfer()];
    const target = await nextBlockBuiltBy('titan');
    const uuid = '3e9f5c7b-6a4d-4b8c-8d1e-0f9a8b7c6d5e';
    const relayClient = client(builders.relay);
    const firstHash = await relayClient.sendBundle({
      txs: [first.raw],
      blockNumber: BigInt(target),
      replacementUuid: uuid,
      builders: ['titan'],
    });
    const secondHash = await relayClient.sendBundle({
      txs: [second.raw],
      blockNumber: BigInt(target),
      replacementUuid: uuid,
      builders: ['titan'],
    });
    await producer.mine();
    expect(await landedIn(first.hash)).toBeNull();
    expect(await landedIn(second.hash)).toBe(target);
    const titan = await builder('titan').landed();
    expect(traces(titan, firstHash)).toEqual(['replaced']);
    expect(traces(titan, secondHash)).toEqual(['landed']);

    const late = await signedTransfer();
    const next = await producer.next();
    assigned.set(next.number, 'titan');
    const lateHash = await relayClient.sendBundle({
      txs: [late.raw],
      blockNumber: BigInt(next.number),
      maxTimestampSec: BigInt(next.timestampSec - 1),
      builders: ['titan'],
    });
    await producer.mine();
    expect(await landedIn(late.hash)).toBeNull();
    expect(traces(await builder('titan').landed(), lateHash)).toEqual(['timestamp-window']);
  });

  it('eth_cancelBundle at one builder withdraws it there only', async () => {
    const tx = await signedTransfer();
    const target = await nextBlockBuiltBy('titan');
    const uuid = '1c7d3a5f-4e2b-4f6a-8b9c-8d7e6f5a4b3c';
    const direct = NAMES.map((name) => client(builder(name)));
    const [bundleHash] = await Promise.all(
      direct.map((c) => c.sendBundle({ txs: [tx.raw], blockNumber: BigInt(target), replacementUuid: uuid })),
    );
    await client(builder('flashbots')).cancelBundle(uuid);
    await producer.mine();
    expect(await landedIn(tx.hash)).toBe(target);
    expect(traces(await builder('flashbots').landed(), bundleHash as string)).toEqual(['cancelled']);
    expect(traces(await builder('titan').landed(), bundleHash as string)).toEqual(['landed']);
  });

  it("a cancellation signed by another key does not touch the sender's bundles", async () => {
    const tx = await signedTransfer();
    const target = await nextBlockBuiltBy('titan');
    const uuid = '2d8e4b6a-5f3c-4a7b-9c0d-9e8f7a6b5c4d';
    await client(builders.relay).sendBundle({
      txs: [tx.raw],
      blockNumber: BigInt(target),
      replacementUuid: uuid,
      builders: ['titan'],
    });
    const stranger = new Wallet(keccak256(toUtf8Bytes('someone else')));
    await client(builders.relay, stranger).cancelBundle(uuid);
    await producer.mine();
    expect(await landedIn(tx.hash)).toBe(target);
  });

  it("the client's X-Flashbots-Signature verifies at the relay, and a forged one is refused", async () => {
    const tx = await signedTransfer();
    const target = BigInt(await provider.getBlockNumber()) + 1n;
    // The header names the auth address but the body is signed by another key.
    const impostor = new Wallet(keccak256(toUtf8Bytes('impostor')));
    const forging = client(builders.relay, authSigner);
    forging.sign = async (body: string) => {
      const signed = await new BundleClient({
        name: 'x',
        url: builders.relay.url,
        authSigner: impostor,
        timeoutMs: 1,
        requestsPerSecond: 1,
      }).sign(body);
      return `${authSigner.address}:${signed.split(':')[1] ?? ''}`;
    };
    await expect(forging.sendBundle({ txs: [tx.raw], blockNumber: target })).rejects.toMatchObject({
      reachable: true,
      code: -32600,
      rpcMessage: 'invalid signature provided: signing address mismatch',
    });
    const accepted = await client(builders.relay).sendBundle({ txs: [tx.raw], blockNumber: target });
    expect(accepted).toBe(keccak256(tx.hash));
    await producer.mine();
    // Whoever built the block, the relay's builder recorded the bundle under the client's auth address.
    const report = await builders.relay.landed();
    const seen = [...report.blocks.flatMap((b) => b.bundles), ...report.dropped].filter(
      (entry) => entry.bundleHash === accepted,
    );
    expect(seen.map((entry) => entry.signer)).toEqual([authSigner.address]);
  });

  it('counts eth_callBundle per builder; sending bundles does not simulate at the relay', async () => {
    const before = builders.relay.calls();
    const tx = await signedTransfer();
    const target = BigInt(await provider.getBlockNumber()) + 1n;
    await client(builders.relay).sendBundle({ txs: [tx.raw], blockNumber: target, builders: ['titan'] });
    const afterSend = builders.relay.calls();
    expect(afterSend.eth_callBundle ?? 0).toBe(before.eth_callBundle ?? 0);
    expect(afterSend.eth_sendBundle).toBe((before.eth_sendBundle ?? 0) + 1);
    await client(builders.relay).callBundle({
      txs: [tx.raw],
      blockNumber: target,
      stateBlockNumber: 'latest',
    });
    expect(builders.relay.calls().eth_callBundle).toBe((before.eth_callBundle ?? 0) + 1);
    // The same count over HTTP, for a keeper run as a process.
    const overHttp = (await (await fetch(builders.relay.callsUrl)).json()) as Record<string, number>;
    expect(overHttp).toEqual(builders.relay.calls());
    // A builder's count is its own: the relay forwarding to titan is not titan being asked to simulate.
    expect(builder('titan').calls().eth_callBundle ?? 0).toBe(0);
    await producer.mine();
  });

  it('over twelve seeded blocks, multi-builder submission lands every bundle; single-builder only in its blocks', async () => {
    const first = (await provider.getBlockNumber()) + 1;
    const blocks = Array.from({ length: 12 }, (_, i) => first + i);
    const sequence = blocks.map((n) => producer.builderOf(n));
    // The seed must give each builder blocks, or the comparison says nothing.
    for (const name of NAMES) expect(sequence).toContain(name);
    const single: { hash: string; target: number }[] = [];
    const multi: { hash: string; target: number }[] = [];
    for (const target of blocks) {
      const a = await signedTransfer();
      await client(builder('flashbots')).sendBundle({ txs: [a.raw], blockNumber: BigInt(target) });
      single.push({ hash: a.hash, target });
      const b = await signedTransfer();
      await client(builders.relay).sendBundle({
        txs: [b.raw],
        blockNumber: BigInt(target),
        builders: [...NAMES],
      });
      multi.push({ hash: b.hash, target });
    }
    await producer.mineMany(blocks.length);
    const singleLanded = [];
    for (const { hash, target } of single) if ((await landedIn(hash)) === target) singleLanded.push(target);
    const multiLanded = [];
    for (const { hash, target } of multi) if ((await landedIn(hash)) === target) multiLanded.push(target);
    expect(multiLanded).toEqual(blocks);
    expect(singleLanded).toEqual(blocks.filter((_, i) => sequence[i] === 'flashbots'));
    console.log(
      `builders of blocks ${first}..${first + 11}: ${sequence.join(' ')}; multi-builder landed ${multiLanded.length}/12, flashbots only ${singleLanded.length}/12`,
    );
  });

  it("a private transaction waits through blocks other builders build and lands in the relay builder's", async () => {
    const tx = await signedTransfer();
    const first = await nextBlockBuiltBy('titan');
    assigned.set(first + 1, 'beaverbuild');
    assigned.set(first + 2, 'flashbots');
    const returned = await client(builders.relay).sendPrivateTransaction({
      signedTx: tx.raw,
      maxBlockNumber: BigInt(first + 5),
    });
    expect(returned).toBe(tx.hash);
    await producer.mineMany(2);
    expect(await landedIn(tx.hash)).toBeNull();
    await producer.mine();
    expect(await landedIn(tx.hash)).toBe(first + 2);
    // Landed once; later blocks do not try it again.
    await producer.mine();
    expect(traces(await builder('flashbots').landed(), keccak256(tx.hash))).toEqual(['landed']);
  });

  it('fast mode shares a private transaction with every builder; privacy.builders with the named ones only', async () => {
    const fast = await signedTransfer();
    const target = await nextBlockBuiltBy('titan');
    await client(builders.relay).sendPrivateTransaction({
      signedTx: fast.raw,
      maxBlockNumber: BigInt(target),
      fast: true,
    });
    await producer.mine();
    expect(await landedIn(fast.hash)).toBe(target);

    const named = await signedTransfer();
    const next = await nextBlockBuiltBy('titan');
    assigned.set(next + 1, 'beaverbuild');
    await client(builders.relay).sendPrivateTransaction({
      signedTx: named.raw,
      maxBlockNumber: BigInt(next + 1),
      builders: ['Titan'],
    });
    await producer.mine();
    expect(await landedIn(named.hash)).toBe(next);
    await producer.mine();
    expect(traces(await builder('beaverbuild').landed(), keccak256(named.hash))).toEqual([]);
  });

  it('a private transaction expires after maxBlockNumber, and can be cancelled before', async () => {
    const expiring = await signedTransfer();
    const target = await nextBlockBuiltBy('titan');
    assigned.set(target + 1, 'flashbots');
    await client(builders.relay).sendPrivateTransaction({
      signedTx: expiring.raw,
      maxBlockNumber: BigInt(target),
    });
    await producer.mineMany(2);
    expect(await landedIn(expiring.hash)).toBeNull();
    expect(traces(await builder('flashbots').landed(), keccak256(expiring.hash))).toEqual([
      'target-block-passed',
    ]);

    const cancelled = await signedTransfer();
    const later = await nextBlockBuiltBy('titan');
    assigned.set(later + 1, 'titan');
    const relayClient = client(builders.relay);
    await relayClient.sendPrivateTransaction({
      signedTx: cancelled.raw,
      maxBlockNumber: BigInt(later + 1),
      builders: ['titan'],
    });
    expect(await relayClient.cancelPrivateTransaction(cancelled.hash)).toBe(true);
    await producer.mineMany(2);
    expect(await landedIn(cancelled.hash)).toBeNull();
    expect(traces(await builder('titan').landed(), keccak256(cancelled.hash))).toEqual([]);
  });

  it('flashbots_setFeeRefundRecipient records the recipient for the signing auth key only', async () => {
    const recipient = '0x000000000000000000000000000000000000bEEF';
    expect(builders.relay.refundRecipient(authSigner.address)).toBe(authSigner.address);
    await client(builders.relay).setFeeRefundRecipient(recipient);
    expect(builders.relay.refundRecipient(authSigner.address)).toBe(recipient);
    // Another key cannot redirect our refunds: the first address must be the request's signer.
    const other = new Wallet(keccak256(toUtf8Bytes('another auth key')));
    await expect(
      client(builders.relay, other).call('flashbots_setFeeRefundRecipient', [
        authSigner.address,
        other.address,
      ]),
    ).rejects.toMatchObject({ code: -32602 });
    expect(builders.relay.refundRecipient(authSigner.address)).toBe(recipient);
  });

  it('BuilderFanout: one builder down, the bundle still reaches the block through the others', async () => {
    const titan = builder('titan');
    const fanout = new BuilderFanout(
      NAMES.map((name) => client(builder(name))),
      [...NAMES],
    );
    await titan.down();
    try {
      const tx = await signedTransfer();
      const target = await nextBlockBuiltBy('titan');
      const results = await fanout.send({ txs: [tx.raw], blockNumber: BigInt(target) });
      expect(anyAccepted(results)).toBe(true);
      expect(results.map((r) => [r.builder, r.ok])).toEqual([
        ['flashbots', true],
        ['beaverbuild', true],
        ['titan', false],
      ]);
      expect(results[2]).toMatchObject({ error: { reachable: false } });
      await producer.mine();
      // Titan's endpoint was down, but the relay (flashbots) forwarded the bundle to it.
      expect(await landedIn(tx.hash)).toBe(target);
    } finally {
      await titan.up();
    }
  });

  it('an unreachable builder is a SubmissionError that says so', async () => {
    const titan = builder('titan');
    await titan.down();
    try {
      const tx = await signedTransfer();
      const error = await client(titan)
        .sendBundle({ txs: [tx.raw], blockNumber: 1_000_000n })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SubmissionError);
      expect(error).toMatchObject({ reachable: false, endpoint: 'titan' });
    } finally {
      await titan.up();
    }
  });
});
