import { FlashbotsBundleProvider } from '@flashbots/ethers-provider-bundle';
import { Transaction, Wallet, keccak256, toBeHex, toUtf8Bytes, type JsonRpcSigner } from 'ethers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readParentBlock } from '../../devnet/relay/readParentBlock.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';
import { readPosition } from '../../devnet/scenario/positions.js';
import {
  LOAN,
  openAllInCollateral,
  setUpMarginFixture,
  setValue,
  type MarginFixture,
} from '../support/marginFixture.js';

const GWEI = 10n ** 9n;
type FlashbotsArgs = Parameters<typeof FlashbotsBundleProvider.create>;

let f: MarginFixture;
let relay: Relay;
let flashbots: FlashbotsBundleProvider;
let keeper: Wallet;
let receiver: JsonRpcSigner;
let snapshot: string;

beforeAll(async () => {
  f = await setUpMarginFixture();
  relay = await startRelay({ devnet: f.devnet });
  const auth = new Wallet(keccak256(toUtf8Bytes('margin relay test auth')));
  flashbots = await FlashbotsBundleProvider.create(
    ...([f.devnet.provider, auth, relay.url, f.devnet.chainId] as unknown as FlashbotsArgs),
  );
  // Bundles carry signed transactions: the keeper has a real key, funded like the devnet's actors.
  keeper = new Wallet(keccak256(toUtf8Bytes('margin relay test keeper')));
  receiver = await f.devnet.actor('receiver');
});
afterAll(async () => {
  await relay?.stop();
  await f?.devnet.stop();
});
beforeEach(async () => {
  snapshot = await f.devnet.snapshot();
  await f.devnet.provider.send('anvil_setBalance', [keeper.address, toBeHex(10n ** 20n)]);
});
afterEach(async () => {
  await f.devnet.revert(snapshot);
  await relay.clear();
});

/** The keeper's signed `liquidate(positionId, receiver)`: the freeze, or the completion after it. */
async function liquidateTx(positionId: bigint, nonce: number, maxFeePerGas?: bigint): Promise<string> {
  const parent = await readParentBlock(f.devnet.provider, 'latest');
  return keeper.signTransaction({
    type: 2,
    chainId: f.devnet.chainId,
    to: f.devnet.addresses.marginModule,
    data: f.mm.interface.encodeFunctionData('liquidate', [positionId, receiver.address]),
    nonce,
    gasLimit: 1_000_000n,
    maxFeePerGas: maxFeePerGas ?? parent.childBaseFeeWei * 2n + 2n * GWEI,
    maxPriorityFeePerGas: 1n * GWEI,
  });
}

async function liquidatablePosition(): Promise<bigint> {
  const positionId = await openAllInCollateral(f);
  await setValue(f, positionId, LOAN - 1n);
  return positionId;
}

async function sendBundle(txs: string[], block: number): Promise<string> {
  const sent = await flashbots.sendRawBundle(txs, block);
  if ('error' in sent) throw new Error(sent.error.message);
  return sent.bundleHash;
}

function hashOf(raw: string): string {
  return Transaction.from(raw).hash as string;
}

describe('a liquidation through the relay', () => {
  it('drops a freeze and completion bundled into one block, with no gas spent, then lands them in two blocks', async () => {
    const positionId = await liquidatablePosition();
    const provider = f.devnet.provider;
    const nonce = await provider.getTransactionCount(keeper.address);
    const balance = await provider.getBalance(keeper.address);

    // The completion must come in a later block than the freeze: together the bundle reverts and is dropped.
    const both = [await liquidateTx(positionId, nonce), await liquidateTx(positionId, nonce + 1)];
    const bothHash = await sendBundle(both, (await provider.getBlockNumber()) + 1);
    await f.devnet.producer.mine();
    expect(await Promise.all(both.map((tx) => provider.getTransactionReceipt(hashOf(tx))))).toEqual([
      null,
      null,
    ]);
    expect([
      await provider.getBalance(keeper.address),
      await provider.getTransactionCount(keeper.address),
    ]).toEqual([balance, nonce]);
    expect((await readPosition(f.devnet, positionId)).frozenTime).toBe(0n);
    const report = await relay.landed();
    const drop = report.dropped.find((d) => d.bundleHash === bothHash);
    expect(drop?.reason).toBe('reverted');
    expect(drop?.detail).toMatch(/Single block liquidations are not allowed/);

    const freeze = [await liquidateTx(positionId, nonce)];
    const freezeBlock = (await provider.getBlockNumber()) + 1;
    await sendBundle(freeze, freezeBlock);
    await f.devnet.producer.mine();
    expect((await provider.getTransactionReceipt(hashOf(freeze[0] as string)))?.blockNumber).toBe(
      freezeBlock,
    );
    const frozen = await readPosition(f.devnet, positionId);
    expect(frozen.liquidator).toBe(keeper.address);

    // What the keeper does next: simulate the completion for the next block at its timestamp, then send it.
    const complete = [await liquidateTx(positionId, nonce + 1)];
    const next = await f.devnet.producer.next();
    const sim = await flashbots.simulate(complete, next.number, next.number - 1, next.timestampSec);
    if ('error' in sim) throw new Error(sim.error.message);
    expect(sim.firstRevert).toBeUndefined();
    const completeHash = await sendBundle(complete, next.number);
    await f.devnet.producer.mine();
    const done = await provider.getTransactionReceipt(hashOf(complete[0] as string));
    expect(done?.status).toBe(1);
    expect(Number(done?.gasUsed)).toBe(sim.totalGasUsed);
    expect((await readPosition(f.devnet, positionId)).open).toBe(false);
    const landed = (await relay.landed()).blocks
      .flatMap((b) => b.bundles)
      .find((b) => b.bundleHash === completeHash);
    expect(landed).toMatchObject({ status: 'landed', gasUsed: String(sim.totalGasUsed) });
  });

  it("drops the freeze when a competitor's public freeze runs first in the block: we spend no gas", async () => {
    const positionId = await liquidatablePosition();
    const provider = f.devnet.provider;
    const competitor = await f.devnet.actor('competitor');
    const nonce = await provider.getTransactionCount(keeper.address);
    const balance = await provider.getBalance(keeper.address);
    const parent = await readParentBlock(provider, 'latest');
    // Our max fee is below the competitor's (ethers' default, twice the base fee plus the tip): anvil mines it first.
    const freeze = [await liquidateTx(positionId, nonce, parent.childBaseFeeWei + 1n * GWEI)];
    const bundleHash = await sendBundle(freeze, parent.number + 1);
    const theirs = await (f.mm.connect(competitor) as typeof f.mm).getFunction('liquidate')(
      positionId,
      competitor.address,
    );
    await f.devnet.producer.mine();
    expect((await theirs.wait())?.status).toBe(1);
    expect(await provider.getTransactionReceipt(hashOf(freeze[0] as string))).toBeNull();
    expect([
      await provider.getBalance(keeper.address),
      await provider.getTransactionCount(keeper.address),
    ]).toEqual([balance, nonce]);
    expect((await readPosition(f.devnet, positionId)).liquidator).toBe(competitor.address);
    const report = await relay.landed();
    expect(report.dropped.find((d) => d.bundleHash === bundleHash)?.reason).toBe('reverted');
    expect(report.violations).toEqual([]);
  });
});
