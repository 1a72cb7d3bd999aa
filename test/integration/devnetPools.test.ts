import { createRequire } from 'node:module';
import {
  AbiCoder,
  Contract,
  getAddress,
  getBytes,
  getCreate2Address,
  Interface,
  type JsonRpcSigner,
  keccak256,
  zeroPadValue,
} from 'ethers';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import {
  addLiquidity,
  CREATE_POOL_GAS_LIMIT,
  createPool,
  growObservations,
  movePrice,
  observationsForWindow,
  poolAt,
  poolTokens,
  prepareTwapWindow,
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

/** a and b in the pool's order (by ERC-20 address). */
function ordered(): [TestToken, TestToken] {
  return a.address.toLowerCase() < b.address.toLowerCase() ? [a, b] : [b, a];
}

interface CallFrame {
  type: string;
  to: string;
  calls?: CallFrame[];
}

/** The contract a pool DELEGATECALLs for `slot0()`, from the node's call tracer. */
async function implementationOf(pool: Contract): Promise<string> {
  const frame = (await devnet.provider.send('debug_traceCall', [
    { to: await pool.getAddress(), data: pool.interface.encodeFunctionData('slot0') },
    'latest',
    { tracer: 'callTracer' },
  ])) as CallFrame;
  const inner = frame.calls ?? [];
  expect(inner.map((c) => c.type)).toEqual(['DELEGATECALL']);
  return getAddress(inner[0]!.to);
}

async function poolEvents(pool: Contract, receipt: Awaited<ReturnType<Devnet['send']>>) {
  return decodeEvents(pool, await pool.getAddress(), receipt).map((e) => e.name);
}

describe('Dex223-style factory with Dex223-shaped pools on real Uniswap v3 pool bytecode', () => {
  it('creates pools at a predictable CREATE2 address and answers getPool for all 8 twin combinations', async () => {
    const { factory } = devnet.contracts;
    const receipt = await devnet.send('createPool', () =>
      factory.getFunction('createPool')(a.address, b.address, a.twin, b.twin, 3000, {
        gasLimit: CREATE_POOL_GAS_LIMIT,
      }),
    );
    const [t0, t1] = ordered();
    const salt = keccak256(
      AbiCoder.defaultAbiCoder().encode(['address', 'address', 'uint24'], [t0.address, t1.address, 3000]),
    );
    const frontCode = devnet.artifacts['Dex223Pool']!.bytecode;
    expect(await factory.getFunction('poolInitCodeHash')()).toBe(keccak256(frontCode));
    const predicted = getCreate2Address(devnet.addresses.factory, salt, keccak256(frontCode));
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
    const pool = poolAt(devnet, predicted);
    expect(await poolTokens(pool)).toEqual([
      { erc20: t0.address, erc223: t0.twin },
      { erc20: t1.address, erc223: t1.twin },
    ]);
    // The Uniswap pool's immutables, answered through the delegation.
    expect(await pool.getFunction('factory')()).toBe(devnet.addresses.factory);
    expect(await pool.getFunction('fee')()).toBe(3000n);
    expect(await pool.getFunction('tickSpacing')()).toBe(60n);
    expect(await pool.getFunction('maxLiquidityPerTick')()).toBe(11505743598341114571880798222544994n);
    await expect(
      devnet.contracts.factory
        .getFunction('createPool')
        .staticCall(b.twin, a.twin, b.address, a.address, 3000),
    ).rejects.toThrow(/pool exists/);
  });

  it('delegates to the published pool code, rewritten only where it holds its own address', async () => {
    const pool = await createPool(devnet, a, b, 500, Q96);
    const poolAddress = await pool.getAddress();
    const implementation = await implementationOf(pool);
    const code = getBytes(await devnet.provider.getCode(implementation));
    const published = getBytes(uniswapV3PoolRuntimeCode());
    expect(code.length).toBe(published.length);
    // The artifact leaves every immutable as zero bytes; the copy fills them with the pool's values and, for
    // noDelegateCall's `original`, the pool address (never the implementation's own).
    const differing = [...code.keys()].filter((i) => code[i] !== published[i]);
    expect(differing.length).toBeGreaterThan(0);
    expect(differing.every((i) => published[i] === 0)).toBe(true);
    const hex = Buffer.from(code).toString('hex');
    const word = (address: string) => zeroPadValue(address, 32).slice(2).toLowerCase();
    expect(hex.split(word(poolAddress)).length - 1).toBeGreaterThan(0);
    expect(hex.includes(word(implementation))).toBe(false);
    // Called directly, the implementation refuses as a Uniswap pool refuses a delegate call.
    const direct = poolAt(devnet, implementation).connect(devnet.deployer) as Contract;
    await expect(direct.getFunction('observe').staticCall([0])).rejects.toThrow();
    expect(await pool.getFunction('observe')([0])).toBeDefined();
    // The pool address's own code is the Dex223Pool front.
    expect(getBytes(await devnet.provider.getCode(poolAddress)).length).toBe(
      getBytes(devnet.artifacts['Dex223Pool']!.deployedBytecode).length,
    );
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

  it('emits Initialize, Mint, Burn and Collect from the pool address, which holds the tokens', async () => {
    const lp = await devnet.actor('lp');
    const { factory, liquidityManager } = devnet.contracts;
    await devnet.send('createPool', () =>
      factory.getFunction('createPool')(a.address, b.address, a.twin, b.twin, 3000, {
        gasLimit: CREATE_POOL_GAS_LIMIT,
      }),
    );
    const pool = poolAt(devnet, (await factory.getFunction('getPool')(a.twin, b.address, 3000)) as string);
    const poolAddress = await pool.getAddress();
    const init = await devnet.send('initialize', () =>
      (pool.connect(lp) as Contract).getFunction('initialize')(Q96),
    );
    expect(await poolEvents(pool, init)).toEqual(['Initialize']);

    const [t0, t1] = ordered();
    const balance = async (t: TestToken) => (await t.erc20.getFunction('balanceOf')(poolAddress)) as bigint;
    await addLiquidity(devnet, lp, pool, -600, 600, 10n ** 20n);
    const held0 = await balance(t0);
    const held1 = await balance(t1);
    expect(held0).toBeGreaterThan(0n);
    expect(held1).toBeGreaterThan(0n);

    const asLp = liquidityManager.connect(lp) as Contract;
    const mint = await devnet.send('mint', () =>
      asLp.getFunction('mint')(poolAddress, -600, 600, 10n ** 18n),
    );
    const [minted] = decodeEvents(pool, poolAddress, mint);
    expect(minted?.name).toBe('Mint');
    expect(minted?.args.toArray().slice(0, 5)).toEqual([
      await liquidityManager.getAddress(),
      await liquidityManager.getAddress(),
      -600n,
      600n,
      10n ** 18n,
    ]);
    expect(await balance(t0)).toBe(held0 + (minted?.args[5] as bigint));

    const burn = await devnet.send('burn', () =>
      asLp.getFunction('burn')(poolAddress, -600, 600, 10n ** 18n),
    );
    expect(await poolEvents(pool, burn)).toEqual(['Burn', 'Collect']);
    // What the burn released left the pool for the LP (one unit of rounding stays in the pool).
    expect(held0 - (await balance(t0))).toBeLessThanOrEqual(1n);
    expect(held1 - (await balance(t1))).toBeLessThanOrEqual(1n);
  });

  it('swaps through the router by either address of the input token, Swap emitted by the pool', async () => {
    const lp = await devnet.actor('lp');
    const trader = await devnet.actor('trader');
    const pool: Contract = await createPool(devnet, a, b, 500, Q96);
    const poolAddress = await pool.getAddress();
    await addLiquidity(devnet, lp, pool, -10_000, 10_000, 10n ** 22n);
    const price = async () => ((await pool.getFunction('slot0')()) as [bigint])[0];
    const [in0, in1] = ordered();
    const before0 = (await in0.erc20.getFunction('balanceOf')(poolAddress)) as bigint;
    const received = async () => (await in1.erc20.getFunction('balanceOf')(trader.address)) as bigint;
    await swapExactIn(devnet, trader, in0.address, in1.address, 500, 10n ** 18n);
    expect(await price()).toBeLessThan(Q96);
    expect((await in0.erc20.getFunction('balanceOf')(poolAddress)) as bigint).toBe(before0 + 10n ** 18n);
    const out = await received();
    expect(out).toBeGreaterThan(0n);
    // The router finds the pool by the output's twin too and pays out the ERC-20 side.
    const head = await devnet.producer.latest();
    await devnet.send('fund', () => in0.erc20.getFunction('mint')(trader.address, 10n ** 18n));
    await devnet.send('approve', () =>
      (in0.erc20.connect(trader) as Contract).getFunction('approve')(devnet.addresses.router, 10n ** 18n),
    );
    const receipt = await devnet.send('swap', () =>
      (devnet.contracts.router.connect(trader) as Contract).getFunction('exactInputSingle')({
        tokenIn: in0.address,
        tokenOut: in1.twin,
        fee: 500,
        recipient: trader.address,
        deadline: head.timestampSec + 10_000,
        amountIn: 10n ** 18n,
        amountOutMinimum: 0,
        sqrtPriceLimitX96: 0,
        prefer223Out: false,
      }),
    );
    const swaps = decodeEvents(pool, poolAddress, receipt);
    expect(swaps.map((e) => e.name)).toEqual(['Swap']);
    expect(swaps[0]?.args[2]).toBe(10n ** 18n);
    expect(await received()).toBe(out - (swaps[0]?.args[3] as bigint));

    await movePrice(devnet, trader, poolAt(devnet, poolAddress), (Q96 * 11n) / 10n);
    expect(await price()).toBe((Q96 * 11n) / 10n);
  });

  it('callbacks are refused from anything but a factory pool', async () => {
    const stranger = await devnet.actor('stranger');
    const router = devnet.contracts.router.connect(stranger) as Contract;
    const data = AbiCoder.defaultAbiCoder().encode(['address', 'address'], [a.address, stranger.address]);
    await expect(router.getFunction('uniswapV3SwapCallback').staticCall(1, 0, data)).rejects.toThrow(
      /not a factory pool/,
    );
  });

  it('grows the observation ring so a 1800 s TWAP window can be served, and observe() answers over it', async () => {
    const lp = await devnet.actor('lp');
    const trader = await devnet.actor('trader');
    const pool = await createPool(devnet, a, b, 3000, Q96);
    await addLiquidity(devnet, lp, pool, -6000, 6000, 10n ** 22n);
    const slot0 = async () => (await pool.getFunction('slot0')()) as unknown as bigint[];
    expect((await slot0()).slice(2, 5)).toEqual([0n, 1n, 1n]);

    const spacingSec = 600;
    const slots = observationsForWindow(1800, spacingSec);
    expect(slots).toBe(4);
    expect(await growObservations(devnet, pool, slots)).toBe(slots);
    // A one-slot ring cannot reach back: observe over the window reverts with the pool's "OLD".
    await expect(pool.getFunction('observe')([1800, 0])).rejects.toThrow(/OLD/);

    // Swaps every 600 s write one observation each and widen the ring into the new slots.
    const [in0, in1] = ordered();
    for (let i = 0; i < slots; i++) {
      await devnet.producer.advanceTime(spacingSec);
      await swapExactIn(
        devnet,
        trader,
        i % 2 === 0 ? in0.address : in1.address,
        i % 2 === 0 ? in1.address : in0.address,
        3000,
        10n ** 18n,
      );
    }
    const [, tick, , cardinality, cardinalityNext] = (await slot0()) as [
      bigint,
      bigint,
      bigint,
      bigint,
      bigint,
    ];
    expect(cardinality).toBe(BigInt(slots));
    expect(cardinalityNext).toBe(BigInt(slots));
    const [tickCumulatives] = (await pool.getFunction('observe')([1800, 0])) as unknown as [bigint[]];
    expect(tickCumulatives).toHaveLength(2);
    // The last 600 s of the window sat at the current tick; the observations agree with the ring's slots.
    const [recent] = (await pool.getFunction('observe')([600, 0])) as unknown as [bigint[]];
    const head = await devnet.producer.latest();
    const lastSwap = (await pool.getFunction('observations')(Number((await slot0())[2]))) as unknown as [
      bigint,
      bigint,
    ];
    const sinceSwap = BigInt(head.timestampSec) - lastSwap[0];
    expect(recent[1]! - lastSwap[1]).toBe(tick * sinceSwap);
    expect(recent[1]).toBe(tickCumulatives[1]);
    // The ring does not shrink on request.
    expect(await growObservations(devnet, pool, 2)).toBe(slots);
  });

  it('prepareTwapWindow leaves a pool that serves a 1800 s window before and after swaps; an unprepared one does not', async () => {
    const lp = await devnet.actor('lp');
    const trader = await devnet.actor('trader');
    const prepared = await createPool(devnet, a, b, 3000, Q96);
    const plain = await createPool(devnet, a, b, 500, Q96);
    for (const pool of [prepared, plain]) await addLiquidity(devnet, lp, pool, -6000, 6000, 10n ** 22n);
    await prepareTwapWindow(devnet, prepared, 1800, 600);
    const serves = async (pool: Contract) =>
      pool
        .getFunction('observe')([1800, 0])
        .then(
          () => true,
          (err: unknown) => (String(err).includes('OLD') ? false : Promise.reject(err)),
        );
    expect(await serves(prepared)).toBe(true);
    // Same age for the unprepared pool, but a swap rewrites its only slot.
    const [t0, t1] = ordered();
    for (const fee of [3000, 500]) {
      await devnet.producer.advanceTime(600);
      await swapExactIn(devnet, trader, t0.address, t1.address, fee, 10n ** 18n);
    }
    expect(await serves(prepared)).toBe(true);
    expect(await serves(plain)).toBe(false);
  });

  describe('ERC-223 deposits with a swap call attached', () => {
    const swapCall = new Interface([
      'function swap(address recipient, bool zeroForOne, int256 amountSpecified, uint160 sqrtPriceLimitX96, bool prefer223, bytes data)',
    ]);
    const balanceOf = async (token: Contract, owner: string) =>
      (await token.getFunction('balanceOf')(owner)) as bigint;

    async function depositSwap(
      pool: Contract,
      from: JsonRpcSigner,
      twin: TestToken,
      amount: bigint,
      args: [string, boolean, bigint, bigint, boolean],
    ) {
      await devnet.send('mint twin', () => twin.erc223.getFunction('mint')(from.address, amount));
      const data = swapCall.encodeFunctionData('swap', [...args, '0x']);
      return devnet.send('deposit', () =>
        (twin.erc223.connect(from) as Contract).getFunction('transfer(address,uint256,bytes)')(
          pool.getAddress(),
          amount,
          data,
        ),
      );
    }

    it('swaps a token0 twin for the token1 twin (prefer223) exactly as the ERC-20 swap would', async () => {
      const lp = await devnet.actor('lp');
      const trader = await devnet.actor('trader');
      const pool = await createPool(devnet, a, b, 3000, Q96);
      const poolAddress = await pool.getAddress();
      await addLiquidity(devnet, lp, pool, -6000, 6000, 10n ** 22n);
      const [t0, t1] = ordered();
      const limit = 4295128740n;
      // The same swap as plain ERC-20 first, on a snapshot, for the expected figures.
      const before = await devnet.snapshot();
      await swapExactIn(devnet, trader, t0.address, t1.address, 3000, 10n ** 18n, limit);
      const erc20Out = await balanceOf(t1.erc20, trader.address);
      const erc20Slot0 = (await pool.getFunction('slot0')()) as unknown[];
      await devnet.revert(before);

      const receipt = await depositSwap(pool, trader, t0, 10n ** 18n, [
        trader.address,
        true,
        10n ** 18n,
        limit,
        true,
      ]);
      const events = decodeEvents(pool, poolAddress, receipt);
      expect(events.map((e) => e.name)).toEqual(['Swap']);
      expect(events[0]?.args.toArray().slice(0, 4)).toEqual([
        poolAddress,
        poolAddress,
        10n ** 18n,
        -erc20Out,
      ]);
      expect(await balanceOf(t1.erc223, trader.address)).toBe(erc20Out);
      expect(await balanceOf(t1.erc20, trader.address)).toBe(0n);
      expect(await balanceOf(t0.erc223, trader.address)).toBe(0n);
      expect(await balanceOf(t0.erc223, poolAddress)).toBe(10n ** 18n);
      expect((await pool.getFunction('slot0')()) as unknown[]).toEqual(erc20Slot0);
    });

    it('pays ERC-20 out without prefer223 and refunds what a price limit leaves unspent', async () => {
      const lp = await devnet.actor('lp');
      const trader = await devnet.actor('trader');
      const pool = await createPool(devnet, a, b, 3000, Q96);
      const poolAddress = await pool.getAddress();
      await addLiquidity(devnet, lp, pool, -600, 600, 10n ** 18n);
      const [t0, t1] = ordered();
      const limit = (Q96 * 1001n) / 1000n;
      await depositSwap(pool, trader, t1, 10n ** 24n, [trader.address, false, 10n ** 24n, limit, false]);
      const [sqrtPriceX96] = (await pool.getFunction('slot0')()) as [bigint];
      expect(sqrtPriceX96).toBe(limit);
      const kept = await balanceOf(t1.erc223, poolAddress);
      expect(kept).toBeGreaterThan(0n);
      expect(kept).toBeLessThan(10n ** 24n);
      expect(await balanceOf(t1.erc223, trader.address)).toBe(10n ** 24n - kept);
      expect(await balanceOf(t0.erc20, trader.address)).toBeGreaterThan(0n);
      expect(await balanceOf(t0.erc223, trader.address)).toBe(0n);
    });

    it('refuses a deposit that is not the swap input, a foreign token, a missing call and direct callbacks', async () => {
      const lp = await devnet.actor('lp');
      const trader = await devnet.actor('trader');
      const pool = await createPool(devnet, a, b, 3000, Q96);
      await addLiquidity(devnet, lp, pool, -600, 600, 10n ** 18n);
      const [t0] = ordered();
      await expect(
        depositSwap(pool, trader, t0, 10n ** 15n, [trader.address, false, 10n ** 15n, 0n, true]),
      ).rejects.toThrow(/deposit is not the swap input/);
      await expect(
        depositSwap(pool, trader, t0, 10n ** 15n, [trader.address, true, 10n ** 16n, 4295128740n, true]),
      ).rejects.toThrow(/exact input within the deposit/);
      const other = await deployToken(devnet, 'CCC');
      await expect(
        depositSwap(pool, trader, other, 10n ** 15n, [trader.address, true, 10n ** 15n, 4295128740n, true]),
      ).rejects.toThrow(/not a twin of this pool/);
      await devnet.send('mint twin', () => t0.erc223.getFunction('mint')(trader.address, 1n));
      await expect(
        devnet.send('plain deposit', () =>
          (t0.erc223.connect(trader) as Contract).getFunction('transfer(address,uint256,bytes)')(
            pool.getAddress(),
            1n,
            '0x',
          ),
        ),
      ).rejects.toThrow(/no swap call attached/);
      const asTrader = new Contract(
        await pool.getAddress(),
        ['function uniswapV3SwapCallback(int256,int256,bytes)'],
        trader,
      );
      await expect(
        asTrader.getFunction('uniswapV3SwapCallback').staticCall(10n ** 18n, 0n, '0x'),
      ).rejects.toThrow(/only the pool itself/);
    });
  });
});
