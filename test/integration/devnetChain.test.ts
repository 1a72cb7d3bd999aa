import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockProducer } from '../../devnet/chain/BlockProducer.js';
import { connectChain } from '../../devnet/chain/connectChain.js';
import { freePort } from '../../devnet/chain/freePort.js';
import { startAnvil, type Anvil } from '../../devnet/chain/startAnvil.js';
import { Devnet } from '../../devnet/Devnet.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('anvil and the block producer', () => {
  let anvil: Anvil;
  beforeAll(async () => {
    anvil = await startAnvil({ chainId: 31337, genesisTimestampSec: 1_800_000_000 });
  });
  afterAll(async () => {
    await anvil?.stop();
  });

  it('runs anvil under the PID we hold, with automine off', async () => {
    expect(isAlive(anvil.pid)).toBe(true);
    const provider = await connectChain(anvil.rpcUrl, 31337);
    const head = await provider.getBlockNumber();
    const [from] = (await provider.send('eth_accounts', [])) as string[];
    await provider.send('eth_sendTransaction', [{ from, to: from, value: '0x1' }]);
    await new Promise((r) => setTimeout(r, 100));
    expect(await provider.getBlockNumber()).toBe(head);
    provider.destroy();
  });

  it('mines on demand with deterministic and explicit timestamps', async () => {
    const provider = await connectChain(anvil.rpcUrl, 31337);
    const producer = new BlockProducer(provider, { secondsPerBlock: 12 });
    const head = await producer.latest();
    const a = await producer.mine();
    expect(a.number).toBe(head.number + 1);
    expect(a.timestampSec).toBe(head.timestampSec + 12);
    const b = await producer.mine({ timestampSec: a.timestampSec + 3601 });
    expect(b.timestampSec).toBe(a.timestampSec + 3601);
    await producer.advanceTime(100);
    expect((await producer.next()).timestampSec).toBe(b.timestampSec + 100);
    expect((await producer.mine()).timestampSec).toBe(b.timestampSec + 100);
    await expect(producer.mine({ timestampSec: b.timestampSec })).rejects.toThrow(/must be after/);
    const seen: number[] = [];
    producer.onBeforeBlock(async (next) => {
      seen.push(next.number);
    });
    producer.start(20);
    await new Promise((r) => setTimeout(r, 200));
    await producer.stop();
    expect(seen.length).toBeGreaterThan(2);
    expect(seen).toEqual(seen.map((_, i) => (seen[0] ?? 0) + i));
    provider.destroy();
  });

  it('stop() ends anvil (and only anvil)', async () => {
    const other = await startAnvil();
    expect(isAlive(other.pid)).toBe(true);
    await other.stop();
    expect(isAlive(other.pid)).toBe(false);
    expect(isAlive(anvil.pid)).toBe(true);
  });
});

describe('bad input to the devnet helpers', () => {
  it('a URL where nothing listens fails with a clear message', async () => {
    const port = await freePort();
    await expect(Devnet.attach({ rpcUrl: `http://127.0.0.1:${port}`, chainId: 31337 })).rejects.toThrow(
      /cannot reach the RPC at http:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it('a malformed URL fails with a clear message', async () => {
    await expect(Devnet.attach({ rpcUrl: 'not a url', chainId: 31337 })).rejects.toThrow(/not a valid URL/);
  });

  it('a wrong chain id fails before anything is deployed', async () => {
    const anvil = await startAnvil({ chainId: 31337 });
    try {
      await expect(Devnet.attach({ rpcUrl: anvil.rpcUrl, chainId: 1 })).rejects.toThrow(
        /wrong chain at .*: expected chain id 1, the node says 31337/,
      );
      const provider = await connectChain(anvil.rpcUrl, 31337);
      expect(await provider.getBlockNumber()).toBe(0);
      provider.destroy();
    } finally {
      await anvil.stop();
    }
  });
});

describe('a fresh devnet deploy', () => {
  it('lands at the addresses the subgraph manifest for devnet names', async () => {
    const devnet = await Devnet.start();
    try {
      const file = join(import.meta.dirname, '..', '..', 'subgraph', 'networks', 'devnet.json');
      const network = JSON.parse(readFileSync(file, 'utf8')) as {
        chainId: number;
        marginModule: { address: string; startBlock: number };
        factory: { address: string; startBlock: number };
      };
      expect(network.chainId).toBe(devnet.chainId);
      expect(network.marginModule.address).toBe(devnet.addresses.marginModule);
      expect(network.factory.address).toBe(devnet.addresses.factory);
      expect(network.marginModule.startBlock).toBe(devnet.startBlock);
      expect(network.factory.startBlock).toBe(devnet.startBlock);
    } finally {
      await devnet.stop();
    }
  });
});
