import { createRequire } from 'node:module';
import { AbiCoder, getBytes, getCreate2Address, keccak256, type Contract } from 'ethers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { uniswapV3PoolCreationCode } from '../../devnet/deploy/deployCore.js';
import {
  addLiquidity,
  createPool,
  movePrice,
  poolAt,
  removeLiquidity,
  swapExactIn,
} from '../../devnet/scenario/pools.js';
import { decodeEvents } from '../../devnet/scenario/receiptEvents.js';
import { deployToken, type TestToken } from '../../devnet/scenario/tokens.js';

const Q96 = 2n ** 96n;
const uniswapV3PoolRuntimeCode = () =>
  (
    createRequire(import.meta.url)(
      '@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json',
    ) as {
      deployedBytecode: string;
    }
  ).deployedBytecode;
let devnet: Devnet;
let a: TestToken;
let b: TestToken;
let snapshot: string;

beforeAll(async () => {
  devnet = await Devnet.start();
  a = await deployToken(devnet, 'AAA');
  b = await deployToken(devnet, 'BBB');
});
afterAll(async () => {
  await devnet?.stop();
});
beforeEach(async () => {
  snapshot = await devnet.snapshot();
});
afterEach(async () => {
  await devnet.revert(snapshot);
});

describe('Dex223-style factory on real Uniswap v3 pool bytecode', () => {
  it('creates pools at the Uniswap CREATE2 address and answers getPool for all 8 twin combinations', async () => {
    const { factory } = devnet.contracts;
    const receipt = await devnet.send('createPool', () =>
      factory.getFunction('createPool')(a.address, b.address, a.twin, b.twin, 3000),
    );
    const [t0, t1] = a.address.toLowerCase() < b.address.toLowerCase() ? [a, b] : [b, a];
    const salt = keccak256(
      AbiCoder.defaultAbiCoder().encode(['address', 'address', 'uint24'], [t0.address, t1.address, 3000]),
    );
    const predicted = getCreate2Address(
      devnet.addresses.factory,
      salt,
      keccak256(uniswapV3PoolCreationCode()),
    );
    const [created] = decodeEvents(factory, devnet.addresses.factory, receipt);
    expect(created?.name).toBe('PoolCreated');
    expect(created?.args.toArray()).toEqual([
      t0.address,
      t1.address,
      t0.twin,
      t1.twin,
      3000n,
      60n,
      predicted,
    ]);
    for (const x of [a.address, a.twin]) {
      for (const y of [b.address, b.twin]) {
        expect(await factory.getFunction('getPool')(x, y, 3000)).toBe(predicted);
        expect(await factory.getFunction('getPool')(y, x, 3000)).toBe(predicted);
      }
    }
    expect(await factory.getFunction('getPool')(a.address, b.address, 500)).toBe(
      '0x0000000000000000000000000000000000000000',
    );
    // The runtime is the published one except for the immutables (factory, tokens, fee, spacing), which the
    // artifact leaves as zero bytes.
    const code = getBytes(await devnet.provider.getCode(predicted));
    const published = getBytes(uniswapV3PoolRuntimeCode());
    expect(code.length).toBe(published.length);
    const differing = [...code.keys()].filter((i) => code[i] !== published[i]);
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.every((i) => published[i] === 0)).toBe(true);
  });

  it('tracks current liquidity like Uniswap: in-range mints and burns count, out-of-range ones do not', async () => {
    const lp = await devnet.actor('lp');
    const pool = await createPool(devnet, a, b, 3000, Q96);
    const liquidity = async () => (await pool.getFunction('liquidity')()) as bigint;
    await addLiquidity(devnet, lp, pool, -600, 600, 10n ** 20n);
    expect(await liquidity()).toBe(10n ** 20n);
    await addLiquidity(devnet, lp, pool, 1200, 2400, 10n ** 21n);
    expect(await liquidity()).toBe(10n ** 20n);
    await removeLiquidity(devnet, lp, pool, -600, 600, 4n * 10n ** 19n);
    expect(await liquidity()).toBe(6n * 10n ** 19n);
    // Moving the price into the upper range makes that liquidity the current one.
    const trader = await devnet.actor('trader');
    await addLiquidity(devnet, lp, pool, 600, 1200, 10n ** 22n);
    await movePrice(devnet, trader, pool, (Q96 * 1065n) / 1000n); // tick ~1260
    const [, tick] = (await pool.getFunction('slot0')()) as [bigint, bigint];
    expect(Number(tick)).toBeGreaterThanOrEqual(1200);
    expect(await liquidity()).toBe(10n ** 21n);
  });

  it('moves prices by real swaps through the router', async () => {
    const lp = await devnet.actor('lp');
    const trader = await devnet.actor('trader');
    const pool: Contract = await createPool(devnet, a, b, 500, Q96);
    await addLiquidity(devnet, lp, pool, -10_000, 10_000, 10n ** 22n);
    const price = async () => ((await pool.getFunction('slot0')()) as [bigint])[0];
    const token0 = (await pool.getFunction('token0')()) as string;
    const [in0, in1] = token0 === a.address ? [a, b] : [b, a];
    await swapExactIn(devnet, trader, in0.address, in1.address, 500, 10n ** 18n);
    expect(await price()).toBeLessThan(Q96);
    await movePrice(devnet, trader, poolAt(devnet, await pool.getAddress()), (Q96 * 11n) / 10n);
    expect(await price()).toBe((Q96 * 11n) / 10n);
  });
});
