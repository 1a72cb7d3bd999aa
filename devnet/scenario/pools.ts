import { createRequire } from 'node:module';
import { Contract, type JsonRpcSigner } from 'ethers';
import { DevnetError } from '../chain/DevnetError.js';
import type { Devnet } from '../Devnet.js';
import { fund, type TestToken } from './tokens.js';

export const MIN_SQRT_RATIO = 4295128739n;
export const MAX_SQRT_RATIO = 1461446703485210103287273452993503373139212251263n;
export const MIN_TICK = -887272;
export const MAX_TICK = 887272;

const require = createRequire(import.meta.url);
const poolAbi = (
  require('@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json') as { abi: unknown[] }
).abi;

export function poolAt(devnet: Devnet, address: string): Contract {
  return new Contract(address, poolAbi as never, devnet.provider);
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
    factory.getFunction('createPool')(a.address, b.address, a.twin, b.twin, fee),
  );
  const address = (await factory.getFunction('getPool')(a.address, b.address, fee)) as string;
  const pool = poolAt(devnet, address);
  await devnet.send(`initialize ${a.symbol}/${b.symbol} ${fee}`, () =>
    (pool.connect(devnet.deployer) as Contract).getFunction('initialize')(sqrtPriceX96),
  );
  return pool;
}

async function poolTokens(pool: Contract): Promise<[string, string]> {
  return [(await pool.getFunction('token0')()) as string, (await pool.getFunction('token1')()) as string];
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
    await fund(devnet, devnet.contractAt('TestERC20', token), lp, fundAmount, managerAddress);
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
  const [token0, token1] = await poolTokens(pool);
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
