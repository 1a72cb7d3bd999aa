import { AbiCoder, Contract, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAtTimestamp } from '../../devnet/chain/callAtTimestamp.js';
import { Devnet } from '../../devnet/Devnet.js';
import { createOrder, fundOrder, type CreatedOrder } from '../../devnet/scenario/orders.js';
import { addLiquidity, createPool, prepareTwapWindow } from '../../devnet/scenario/pools.js';
import { openPosition, readPosition } from '../../devnet/scenario/positions.js';
import { decodeEvents } from '../../devnet/scenario/receiptEvents.js';
import { deployToken, type TestToken } from '../../devnet/scenario/tokens.js';
import { E18, LOAN, Q96, REWARD } from '../support/marginFixture.js';

// A gen-3 module whose global price oracle is the 2d3ffd2 TWAP oracle (30-minute window), as deployed: orders
// must name it, positions are valued at the TWAP, and a completion's floor is 95 % of the TWAP quote.
const WINDOW_SEC = 1800;
const CROSSED_AFTER_SEC = 12 * 86_400;
const COLLATERAL = 300n * E18;
const abi = AbiCoder.defaultAbiCoder();

describe('gen-3 module with the 2d3ffd2 TWAP oracle as its price oracle', () => {
  let devnet: Devnet;
  let mm: Contract;
  let twap: string;
  let base: TestToken;
  let col: TestToken;
  let order: CreatedOrder;
  let keeperA: JsonRpcSigner;
  let keeperB: JsonRpcSigner;
  let receiver: JsonRpcSigner;
  let borrower: JsonRpcSigner;

  beforeAll(async () => {
    devnet = await Devnet.start({
      generation: 3,
      priceOracle: 'twap2d3ffd2',
      twapWindowSec: WINDOW_SEC,
      genesisTimestampSec: 1_800_000_000,
    });
    mm = devnet.contracts.marginModule;
    twap = devnet.addresses.twapOracle!;
    const [lender, lp] = [await devnet.actor('lender'), await devnet.actor('lp')];
    [borrower, keeperA, keeperB, receiver] = [
      await devnet.actor('borrower'),
      await devnet.actor('A'),
      await devnet.actor('B'),
      await devnet.actor('R'),
    ];
    base = await deployToken(devnet, 'BASE');
    col = await deployToken(devnet, 'COL');
    const pool = await createPool(devnet, col, base, 3000, Q96);
    await addLiquidity(devnet, lp, pool, -60_000, 60_000, 10n ** 24n);
    // The oracle only uses a pool whose oldest observation is a window old.
    await prepareTwapWindow(devnet, pool, WINDOW_SEC, 12);
    order = await createOrder(devnet, lender, {
      base,
      whitelist: [base.address, col.address],
      collateral: [col.address],
      interestRate: 10_000n,
      leverage: 10,
      oracle: twap,
      rewardAsset: base.address,
      rewardAmount: REWARD,
    });
    await fundOrder(devnet, lender, order.orderId, base, 10n * LOAN);
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  const quoteAt = async (amount: bigint, timestampSec: number): Promise<bigint> => {
    const oracle = devnet.contractAt('TwapOracle2d3ffd2', twap);
    const data = oracle.interface.encodeFunctionData('getAmountOut', [base.address, col.address, amount]);
    const outcome = await callAtTimestamp(devnet.provider, { to: twap, data }, timestampSec);
    if (!outcome.ok) throw new Error(`getAmountOut reverted: ${outcome.message}`);
    return abi.decode(['uint256'], outcome.data)[0] as bigint;
  };
  const estimateAt = async (from: JsonRpcSigner, data: string, timestampSec: number): Promise<bigint> => {
    const tx = { from: from.address, to: devnet.addresses.marginModule, data };
    const overrides = { time: `0x${timestampSec.toString(16)}` };
    return BigInt((await devnet.provider.send('eth_estimateGas', [tx, 'latest', {}, overrides])) as string);
  };
  const sendAt = (from: JsonRpcSigner, data: string, timestampSec: number, gasLimit: bigint) => {
    devnet.producer.setNextTimestamp(timestampSec);
    return devnet.send('liquidate', () =>
      from.sendTransaction({ to: devnet.addresses.marginModule, data, gasLimit }),
    );
  };

  it('exposes the TWAP oracle as priceOracle() and refuses orders naming another', async () => {
    expect(await mm.getFunction('priceOracle')()).toBe(twap);
    const lender = await devnet.actor('other lender');
    await expect(
      createOrder(devnet, lender, {
        base,
        whitelist: [base.address],
        collateral: [col.address],
        oracle: devnet.addresses.oracle,
      }),
    ).rejects.toThrow();
  });

  it('values at the TWAP, then anyone completes above 95 % of the TWAP quote (gas estimated at the block time)', async () => {
    const { positionId: id, receipt } = await openPosition(devnet, borrower, {
      orderId: order.orderId,
      amount: LOAN,
      collateralIdx: 0,
      collateralToken: col.erc20,
      collateralAmount: COLLATERAL,
    });
    const createdAt = (await devnet.provider.getBlock(receipt.blockNumber))!.timestamp;
    const freezeAt = createdAt + CROSSED_AFTER_SEC;
    const status = mm.interface.encodeFunctionData('getPositionStatus', [id]);
    const atFreeze = await callAtTimestamp(
      devnet.provider,
      { to: devnet.addresses.marginModule, data: status },
      freezeAt,
    );
    expect(atFreeze.ok).toBe(true);
    if (!atFreeze.ok) return;
    const [debt, value] = abi.decode(['uint256', 'uint256'], atFreeze.data) as unknown as [bigint, bigint];
    expect(value).toBe(LOAN + (await quoteAt(COLLATERAL, freezeAt)));
    expect(debt).toBeGreaterThan(value);

    const data = mm.interface.encodeFunctionData('liquidate', [id, receiver.address]);
    const freezeGas = await estimateAt(keeperA, data, freezeAt);
    await sendAt(keeperA, data, freezeAt, freezeGas);

    const beforeRefreeze = await devnet.snapshot();
    const refreezeGas = await estimateAt(keeperB, data, freezeAt + 3601);
    expect((await sendAt(keeperB, data, freezeAt + 3601, refreezeGas)).status).toBe(1);
    await devnet.revert(beforeRefreeze);

    const completeAt = freezeAt + 1;
    const floor = ((await quoteAt(COLLATERAL, completeAt)) * 9500n) / 10000n;
    const completeGas = await estimateAt(keeperB, data, completeAt);
    const done = await sendAt(keeperB, data, completeAt, completeGas);
    const events = decodeEvents(mm, devnet.addresses.marginModule, done);
    expect(events.map((e) => e.name)).toEqual(['AssetRemoved', 'MarginSwap', 'Liquidation']);
    expect(events[1]!.args.getValue('amountOut')).toBeGreaterThanOrEqual(floor);
    expect(events[2]!.args.getValue('liquidator')).toBe(keeperB.address);
    expect((await readPosition(devnet, id)).open).toBe(false);
    console.log(
      `module-gas: gen-3 + 2d3ffd2 (window ${WINDOW_SEC} s), 1 non-base asset: freeze=${freezeGas} ` +
        `completion=${completeGas} refreeze=${refreezeGas}`,
    );
  });
});
