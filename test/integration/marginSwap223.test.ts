import type { Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { createOrder, fundOrder } from '../../devnet/scenario/orders.js';
import { addLiquidity, createPool } from '../../devnet/scenario/pools.js';
import { openPosition, readPosition } from '../../devnet/scenario/positions.js';
import { decodeEvents } from '../../devnet/scenario/receiptEvents.js';
import { deployToken, type TestToken } from '../../devnet/scenario/tokens.js';

const E18 = 10n ** 18n;
const Q96 = 2n ** 96n;
let devnet: Devnet;
let base: TestToken;
let col: TestToken;
let pool: Contract;

beforeAll(async () => {
  devnet = await Devnet.start();
  base = await deployToken(devnet, 'BASE');
  col = await deployToken(devnet, 'COL');
  pool = await createPool(devnet, col, base, 3000, Q96);
  await addLiquidity(devnet, await devnet.actor('lp'), pool, -60_000, 60_000, 10n ** 24n);
});
afterAll(async () => {
  await devnet?.stop();
});

describe("gen-1 marginSwap223: the module's ERC-223 path into a Dex223-shaped pool", () => {
  it('sells a collateral held under its ERC-223 address for the base twin, through the pool', async () => {
    const [lender, borrower] = [await devnet.actor('lender'), await devnet.actor('borrower')];
    const order = await createOrder(devnet, lender, {
      base,
      whitelist: [base.address, col.twin],
      collateral: [col.twin],
      interestRate: 0n,
      rewardAsset: base.address,
      rewardAmount: E18,
    });
    await fundOrder(devnet, lender, order.orderId, base, 1000n * E18);
    const { positionId } = await openPosition(devnet, borrower, {
      orderId: order.orderId,
      amount: 100n * E18,
      collateralIdx: 0,
      collateralToken: col.erc223,
      collateralAmount: 50n * E18,
    });
    expect((await readPosition(devnet, positionId)).assets).toEqual([base.address, col.twin]);

    const mm = devnet.contracts.marginModule;
    const mmAddress = devnet.addresses.marginModule;
    const baseTwinBefore = (await base.erc223.getFunction('balanceOf')(mmAddress)) as bigint;
    const receipt = await devnet.send('marginSwap223', () =>
      (mm.connect(borrower) as Contract).getFunction('marginSwap223')(
        positionId,
        1,
        1,
        0,
        10n * E18,
        base.address,
        3000,
      ),
    );
    const poolAddress = await pool.getAddress();
    const [swap] = decodeEvents(pool, poolAddress, receipt);
    expect(swap?.name).toBe('Swap');
    const colIsToken0 = col.address.toLowerCase() < base.address.toLowerCase();
    const [colDelta, baseDelta] = colIsToken0
      ? [swap?.args[2] as bigint, swap?.args[3] as bigint]
      : [swap?.args[3] as bigint, swap?.args[2] as bigint];
    expect(colDelta).toBe(10n * E18);
    const amountOut = -baseDelta;
    expect(amountOut).toBeGreaterThan(9n * E18);

    const marginSwap = decodeEvents(mm, mmAddress, receipt).find((e) => e.name === 'MarginSwap');
    expect(marginSwap?.args.toArray()).toEqual([positionId, col.twin, base.address, 10n * E18, amountOut]);
    // What arrived is the base token's twin (prefer223Out), measured by the module's balance.
    expect((await base.erc223.getFunction('balanceOf')(mmAddress)) as bigint).toBe(
      baseTwinBefore + amountOut,
    );
    const after = await readPosition(devnet, positionId);
    expect(after.balances).toEqual([100n * E18 + amountOut, 40n * E18]);
    expect((await col.erc223.getFunction('balanceOf')(poolAddress)) as bigint).toBe(10n * E18);
  });
});
