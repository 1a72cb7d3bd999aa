import { Wallet } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startRelay, type Relay } from '../../devnet/relay/startRelay.js';
import { SubmissionError } from '../../keeper/src/execution/ExecutionError.js';
import { FlashbotsRelay } from '../../keeper/src/execution/FlashbotsRelay.js';
import { liquidateCalldata } from '../../keeper/src/execution/liquidateCalldata.js';
import type { Address } from '../../keeper/src/model/types.js';

let devnet: Devnet;
let relay: Relay;
const auth = new Wallet(`0x${'a9'.repeat(32)}`);
const sender = new Wallet(`0x${'5a'.repeat(32)}`);

beforeAll(async () => {
  devnet = await Devnet.start({ secondsPerBlock: 12 });
  relay = await startRelay({ devnet });
  await devnet.provider.send('anvil_setBalance', [sender.address, '0x56bc75e2d63100000']);
}, 120_000);

afterAll(async () => {
  await relay?.stop();
  await devnet?.stop();
});

const client = (url: string) =>
  new FlashbotsRelay({
    url,
    authSigner: auth,
    chain: devnet.provider,
    chainId: devnet.chainId,
    timeoutMs: 2000,
  });

const transfer = (nonce: number, chainId = BigInt(devnet.chainId)) =>
  sender.signTransaction({
    type: 2,
    chainId,
    nonce,
    to: sender.address,
    value: 0n,
    gasLimit: 21_000n,
    maxFeePerGas: 10n ** 11n,
    maxPriorityFeePerGas: 10n ** 10n,
    data: '0x',
  });

async function failure(promise: Promise<unknown>): Promise<SubmissionError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SubmissionError) return err;
    throw err;
  }
  throw new Error('expected a SubmissionError');
}

describe('FlashbotsRelay against the devnet relay', () => {
  it('simulates for the next block at a timestamp, sends with a replacement key, lands, and cancels', async () => {
    const head = await devnet.producer.latest();
    const relayClient = client(relay.url);
    const tx = await transfer(0);
    const simulation = await relayClient.simulate(
      [tx],
      BigInt(head.number + 1),
      BigInt(head.number),
      BigInt(head.timestampSec + 12),
    );
    expect(simulation.results).toEqual([
      { txHash: expect.stringMatching(/^0x/), gasUsed: 21_000n, error: null },
    ]);
    const options = {
      replacementUuid: '8f9d5c3e-1b2a-8c3d-9e8f-0a1b2c3d4e5f',
      minTimestampSec: null,
      maxTimestampSec: null,
    };
    const hash = await relayClient.send([tx], BigInt(head.number + 1), options);
    expect(hash).toMatch(/^0x[0-9a-f]{64}$/);
    const mined = await devnet.producer.mine();
    expect((await devnet.provider.getBlock(mined.number))?.transactions).toHaveLength(1);
    const report = await relay.landed();
    expect(report.blocks.flatMap((b) => b.bundles).map((b) => [b.signer.toLowerCase(), b.status])).toEqual([
      [auth.address.toLowerCase(), 'landed'],
    ]);

    const next = await devnet.producer.latest();
    await relayClient.send([await transfer(1)], BigInt(next.number + 1), options);
    await relayClient.cancel(options.replacementUuid);
    const afterCancel = await devnet.producer.mine();
    expect((await devnet.provider.getBlock(afterCancel.number))?.transactions).toHaveLength(0);
    expect((await relay.landed()).dropped.map((d) => d.reason)).toContain('cancelled');
  });

  it('reports a revert in the simulated transaction, not as a failure of the call', async () => {
    const head = await devnet.producer.latest();
    const call = await sender.signTransaction({
      type: 2,
      chainId: BigInt(devnet.chainId),
      nonce: await devnet.provider.getTransactionCount(sender.address),
      to: devnet.addresses.marginModule,
      value: 0n,
      gasLimit: 200_000n,
      maxFeePerGas: 10n ** 11n,
      maxPriorityFeePerGas: 10n ** 10n,
      // No such position: the contract reverts.
      data: liquidateCalldata(999n, sender.address.toLowerCase() as Address),
    });
    const simulation = await client(relay.url).simulate(
      [call],
      BigInt(head.number + 1),
      BigInt(head.number),
      BigInt(head.timestampSec + 12),
    );
    expect(simulation.results[0]?.error).toBe('execution reverted: Position is closed');
  });

  it('says whether the relay refused the request or could not be reached', async () => {
    const head = await devnet.producer.latest();
    const wrongChain = await transfer(0, 1n);
    const refused = await failure(
      client(relay.url).send([wrongChain], BigInt(head.number + 1), {
        replacementUuid: '8f9d5c3e-1b2a-8c3d-9e8f-0a1b2c3d4e50',
        minTimestampSec: null,
        maxTimestampSec: null,
      }),
    );
    expect(refused.reachable).toBe(true);
    expect(refused.message).toMatch(/eth_sendBundle refused by http:\/\/127\.0\.0\.1:\d+: .*chain 1/);

    await relay.down();
    try {
      const down = await failure(client(relay.url).cancel('8f9d5c3e-1b2a-8c3d-9e8f-0a1b2c3d4e51'));
      expect(down.reachable).toBe(false);
      expect(down.message).toMatch(/^eth_cancelBundle to http:\/\/127\.0\.0\.1:\d+ failed/);
    } finally {
      await relay.up();
    }
  });
});
