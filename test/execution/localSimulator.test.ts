import { Wallet, keccak256, toBeHex, toUtf8Bytes } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type Anvil } from '../../devnet/chain/startAnvil.js';
import { RpcClient } from '../../keeper/src/chain/RpcClient.js';
import { LocalSimulator } from '../../keeper/src/execution/LocalSimulator.js';
import type { BlockContext } from '../../keeper/src/execution/types.js';
import type { Address } from '../../keeper/src/model/types.js';

/**
 * A contract whose call with calldata stores 1 in slot 0, and whose call without calldata fails unless slot 0
 * is set (it reverts): the second call of a bundle succeeds only if the first call's state is carried to it.
 */
const GATE_CODE = '0x36600f5760005460155760006000fd5b60016000555b00';
const GATE = '0x00000000000000000000000000000000000a7e00';
const GWEI = 10n ** 9n;

let anvil: Anvil;
let rpc: RpcClient;
const wallet = new Wallet(keccak256(toUtf8Bytes('local simulator test key')));

beforeAll(async () => {
  anvil = await startAnvil({ genesisTimestampSec: 1_800_000_000 });
  rpc = new RpcClient([anvil.rpcUrl], anvil.chainId);
  await rpc.send('anvil_setBalance', [wallet.address, toBeHex(10n ** 20n)]);
  await rpc.send('anvil_setCode', [GATE, GATE_CODE]);
});
afterAll(async () => {
  rpc?.destroy();
  await anvil?.stop();
});

async function context(): Promise<BlockContext> {
  const head = (await rpc.send('eth_getBlockByNumber', ['latest', false])) as {
    number: string;
    hash: string;
    timestamp: string;
  };
  const number = Number(head.number);
  return {
    head: { number, hash: head.hash, timestampSec: Number(head.timestamp) },
    headBlock: BigInt(number),
    nextBlock: BigInt(number + 1),
    nextTimestampSec: BigInt(head.timestamp) + 12n,
    bundle: {
      chainId: anvil.chainId,
      marginModule: GATE as Address,
      nextBlock: BigInt(number + 1),
      nextBaseFeePerGasWei: GWEI,
      targetBlocks: 1,
      fees: {
        profitShareBps: 0n,
        minPriorityFeePerGasWei: 0n,
        maxGasPriceWei: 100n * GWEI,
        baseFeeMultiplier: 2n,
      },
      gasLimitMarginBps: 0n,
      rewardReceiver: null,
    },
  };
}

const call = (nonce: number, data: string) =>
  wallet.signTransaction({
    type: 2,
    chainId: anvil.chainId,
    nonce,
    to: GATE,
    data,
    gasLimit: 100_000n,
    maxFeePerGas: 10n * GWEI,
    maxPriorityFeePerGas: GWEI,
  });

describe('LocalSimulator on anvil', () => {
  it('eth_simulateV1: a lone failing call fails; after a call that sets the gate, the same call succeeds', async () => {
    const simulator = new LocalSimulator(rpc);
    const ctx = await context();
    expect(await simulator.simulate([await call(0, '0x')], ctx)).toMatchObject({
      kind: 'ok',
      errors: [expect.any(String)],
    });
    expect(simulator.mode).toBe('eth_simulateV1');
    expect(await simulator.simulate([await call(0, '0x01'), await call(1, '0x')], ctx)).toEqual({
      kind: 'ok',
      errors: [null, null],
    });
  });

  it('without eth_simulateV1 it falls back to one eth_call each, which does not carry state (the documented limit)', async () => {
    const noSimulate = {
      send: (method: string, params: unknown[]) =>
        method === 'eth_simulateV1'
          ? Promise.reject(new Error('method not found'))
          : rpc.send(method, params),
    };
    const simulator = new LocalSimulator(noSimulate);
    const ctx = await context();
    const result = await simulator.simulate([await call(0, '0x01'), await call(1, '0x')], ctx);
    expect(result, JSON.stringify(result)).toMatchObject({ kind: 'ok' });
    expect(simulator.mode).toBe('eth_call');
    expect(result).toMatchObject({ kind: 'ok', errors: [null, expect.any(String)] });
  });
});
