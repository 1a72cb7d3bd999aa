import { createRequire } from 'node:module';
import { Contract, type JsonRpcSigner } from 'ethers';
import { DevnetError } from '../chain/DevnetError.js';
import type { Devnet } from '../Devnet.js';
import { fund, type TestToken } from './tokens.js';

export const MIN_SQRT_RATIO = 4295128739n;
export const MAX_SQRT_RATIO = 1461446703485210103287273452993503373139212251263n;
export const MIN_TICK = -887272;
export const MAX_TICK = 887272;

/** Gas for one createPool: it constructs a Uniswap pool and deploys a copy of its code (about 9.9M gas). */
export const CREATE_POOL_GAS_LIMIT = 16_000_000n;

interface AbiEntry {
  type: string;
  name?: string;
}

const require = createRequire(import.meta.url);
const uniswapPoolAbi = (
  require('@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json') as { abi: AbiEntry[] }
).abi;

/** Dex223's token getters: each side of the pool under both of its addresses. */
function tokenTupleGetter(name: 'token0' | 'token1') {
  return {
    type: 'function',
    name,
    stateMutability: 'view',
    inputs: [],
    outputs: [
      { name: 'erc20', type: 'address', internalType: 'address' },
      { name: 'erc223', type: 'address', internalType: 'address' },
    ],
  };
}

/** The npm UniswapV3Pool ABI with Dex223's token0()/token1(); everything else is the pool's own. */
export const dex223PoolAbi: readonly unknown[] = [
  ...uniswapPoolAbi.filter((e) => !(e.type === 'function' && (e.name === 'token0' || e.name === 'token1'))),
  tokenTupleGetter('token0'),
  tokenTupleGetter('token1'),
];

export function poolAt(devnet: Devnet, address: string): Contract {
  return new Contract(address, dex223PoolAbi as never, devnet.provider);
}

/** One side of a Dex223 pool: its ERC-20 and ERC-223 addresses. */
export interface PoolToken {
  erc20: string;
  erc223: string;
}

/** The pool's token0 and token1 as the pool answers them. */
export async function poolTokens(pool: Contract): Promise<[PoolToken, PoolToken]> {
  const side = async (name: 'token0' | 'token1'): Promise<PoolToken> => {
    const [erc20, erc223] = (await pool.getFunction(name)()) as [string, string];
    return { erc20, erc223 };
  };
  return [await side('token0'), await side('token1')];
}

/** Creates a pool through the Dex223-style factory and initializes it at `sqrtPriceX96`. */
export async function createPool(
  devnet: Devnet,
  a: TestToken,
  b: TestToken,
  fee: number,
  sqrtPriceX96: bigint,
): Promise<Contract> {
  const { factory } = devnet.contracts;
  await devnet.send(`createPool ${a.symbol}/${b.symbol} ${fee}`, () =>
    factory.getFunction('createPool')(a.address, b.address, a.twin, b.twin, fee, {
      gasLimit: CREATE_POOL_GAS_LIMIT,
    }),
  );
  const address = (await factory.getFunction('getPool')(a.address, b.address, fee)) as string;
  const pool = poolAt(devnet, address);
  await devnet.send(`initialize ${a.symbol}/${b.symbol} ${fee}`, () =>
    (pool.connect(devnet.deployer) as Contract).getFunction('initialize')(sqrtPriceX96),
  );
  return pool;
}

/** Rounds a tick to the pool's spacing, towards zero. */
export function alignTick(tick: number, spacing: number): number {
  return Math.trunc(tick / spacing) * spacing;
}

/**
 * Adds `liquidity` between the ticks for `lp` through the LiquidityManager, minting whatever tokens
 * the pool asks for first (a generous amount: test tokens are free).
 */
export async function addLiquidity(
  devnet: Devnet,
  lp: JsonRpcSigner,
  pool: Contract,
  tickLower: number,
  tickUpper: number,
  liquidity: bigint,
  fundAmount = 10n ** 40n,
): Promise<void> {
  const manager = devnet.contracts.liquidityManager;
  const managerAddress = await manager.getAddress();
  for (const token of await poolTokens(pool)) {
    await fund(devnet, devnet.contractAt('TestERC20', token.erc20), lp, fundAmount, managerAddress);
  }
  const asLp = manager.connect(lp) as Contract;
  const address = await pool.getAddress();
  await devnet.send(`mint liquidity ${liquidity} [${tickLower}, ${tickUpper})`, () =>
    asLp.getFunction('mint')(address, tickLower, tickUpper, liquidity),
  );
}

export async function removeLiquidity(
  devnet: Devnet,
  lp: JsonRpcSigner,
  pool: Contract,
  tickLower: number,
  tickUpper: number,
  liquidity: bigint,
): Promise<void> {
  const asLp = devnet.contracts.liquidityManager.connect(lp) as Contract;
  const address = await pool.getAddress();
  await devnet.send(`burn liquidity ${liquidity} [${tickLower}, ${tickUpper})`, () =>
    asLp.getFunction('burn')(address, tickLower, tickUpper, liquidity),
  );
}

/** An exact-input swap through the router, as a trader would do it. */
export async function swapExactIn(
  devnet: Devnet,
  trader: JsonRpcSigner,
  tokenIn: string,
  tokenOut: string,
  fee: number,
  amountIn: bigint,
  sqrtPriceLimitX96 = 0n,
): Promise<void> {
  const router = devnet.contracts.router;
  const routerAddress = await router.getAddress();
  await fund(devnet, devnet.contractAt('TestERC20', tokenIn), trader, amountIn, routerAddress);
  const head = await devnet.producer.latest();
  const asTrader = router.connect(trader) as Contract;
  await devnet.send(`swap ${amountIn} ${tokenIn} -> ${tokenOut}`, () =>
    asTrader.getFunction('exactInputSingle')({
      tokenIn,
      tokenOut,
      fee,
      recipient: trader.address,
      deadline: head.timestampSec + 10_000,
      amountIn,
      amountOutMinimum: 0,
      sqrtPriceLimitX96,
      prefer223Out: false,
    }),
  );
}

/**
 * Moves a pool's price to exactly `targetSqrtPriceX96` by a real swap with that price limit (the trader
 * offers far more than needed; the pool stops at the limit). Needs liquidity around the path.
 */
export async function movePrice(
  devnet: Devnet,
  trader: JsonRpcSigner,
  pool: Contract,
  targetSqrtPriceX96: bigint,
): Promise<void> {
  const [sqrtPriceX96] = (await pool.getFunction('slot0')()) as [bigint];
  if (targetSqrtPriceX96 === sqrtPriceX96) return;
  const [token0, token1] = (await poolTokens(pool)).map((t) => t.erc20) as [string, string];
  const zeroForOne = targetSqrtPriceX96 < sqrtPriceX96;
  const fee = Number(await pool.getFunction('fee')());
  const [tokenIn, tokenOut] = zeroForOne ? [token0, token1] : [token1, token0];
  await swapExactIn(devnet, trader, tokenIn, tokenOut, fee, 10n ** 36n, targetSqrtPriceX96);
  const [after] = (await pool.getFunction('slot0')()) as [bigint];
  if (after !== targetSqrtPriceX96) {
    throw new DevnetError(
      `price moved to ${after}, not to ${targetSqrtPriceX96} (not enough liquidity or input)`,
    );
  }
}

/**
 * Grows the pool's observation ring to at least `cardinalityNext` slots (the pool ignores a smaller request) and
 * returns the pool's `observationCardinalityNext` afterwards. The ring only widens as later writes reach the new
 * slots, so a TWAP over a window W needs enough swaps or mints spread over W after this call.
 */
export async function growObservations(
  devnet: Devnet,
  pool: Contract,
  cardinalityNext: number,
  sender: JsonRpcSigner = devnet.deployer,
): Promise<number> {
  if (!Number.isInteger(cardinalityNext) || cardinalityNext < 1 || cardinalityNext > 65535) {
    throw new DevnetError(`observation cardinality ${cardinalityNext} is not in 1..65535`);
  }
  const asSender = pool.connect(sender) as Contract;
  await devnet.send(`grow observations to ${cardinalityNext}`, () =>
    asSender.getFunction('increaseObservationCardinalityNext')(cardinalityNext, {
      // Each new slot is one storage write (~20k gas).
      gasLimit: 100_000n + 25_000n * BigInt(cardinalityNext),
    }),
  );
  const slot0 = (await pool.getFunction('slot0')()) as unknown[];
  return Number(slot0[4] as bigint);
}

/**
 * Ring size for serving a `windowSec` TWAP when observations are written at most once every `minSpacingSec`
 * seconds: the oldest observation must be at least `windowSec` old, plus one slot for the current block's write.
 */
export function observationsForWindow(windowSec: number, minSpacingSec: number): number {
  if (windowSec <= 0 || minSpacingSec <= 0) throw new DevnetError('window and spacing must be positive');
  return Math.min(65535, Math.ceil(windowSec / minSpacingSec) + 1);
}

/**
 * Makes a pool able to serve a `windowSec` TWAP now and keep serving it while its observations are written at
 * most every `minSpacingSec` seconds: grows the ring to `observationsForWindow` slots, then lets `windowSec`
 * pass (one block) so the newest write is old enough even for a ring that has not widened yet.
 */
export async function prepareTwapWindow(
  devnet: Devnet,
  pool: Contract,
  windowSec: number,
  minSpacingSec: number,
): Promise<void> {
  await growObservations(devnet, pool, observationsForWindow(windowSec, minSpacingSec));
  await devnet.producer.advanceTime(windowSec);
  await devnet.producer.mine();
}
