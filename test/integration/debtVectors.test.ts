import { AbiCoder, ZeroAddress } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAtTimestamp } from '../../devnet/chain/callAtTimestamp.js';
import { Devnet } from '../../devnet/Devnet.js';
import { createOrder, fundOrder } from '../../devnet/scenario/orders.js';
import { openPosition } from '../../devnet/scenario/positions.js';
import { deployToken } from '../../devnet/scenario/tokens.js';
import { readDebtVectors } from '../support/goldenVectors.js';

const vectors = readDebtVectors();

describe('MarginModule debt equals the real contract on every golden case', () => {
  let devnet: Devnet;
  /** vector positionId → our positionId */
  const ours = new Map<number, bigint>();

  beforeAll(async () => {
    const positions = new Map<number, { initialBalance: bigint; interest: bigint; createdAt: number }>();
    for (const c of vectors.cases) {
      positions.set(c.positionId, {
        initialBalance: BigInt(c.initialBalance),
        interest: BigInt(c.interest),
        createdAt: c.createdAt,
      });
    }
    const firstCreatedAt = Math.min(...[...positions.values()].map((p) => p.createdAt));
    devnet = await Devnet.start({ genesisTimestampSec: firstCreatedAt - 100_000, secondsPerBlock: 1 });
    const lender = await devnet.actor('lender');
    const borrower = await devnet.actor('borrower');
    const base = await deployToken(devnet, 'BASE');
    // Collateral = base asset, as in the real run: the debt then depends on no oracle.
    const orders = new Map<bigint, bigint>();
    for (const { interest } of positions.values()) {
      if (orders.has(interest)) continue;
      const order = await createOrder(devnet, lender, {
        base,
        whitelist: [base.address],
        collateral: [base.address],
        interestRate: interest,
        durationSec: 10n ** 9n,
        minLoan: 1n,
        rewardAsset: ZeroAddress,
        rewardAmount: 0n,
        leverage: 255,
        currencyLimit: 2,
        deadlineSec: firstCreatedAt + 10 ** 9,
      });
      await fundOrder(devnet, lender, order.orderId, base, 10n ** 32n);
      orders.set(interest, order.orderId);
    }
    const byCreation = [...positions.entries()].sort((a, b) => a[1].createdAt - b[1].createdAt);
    for (const [vectorId, p] of byCreation) {
      // takeLoan must land in a block whose timestamp is the vector's createdAt.
      const opened = await openPosition(devnet, borrower, {
        orderId: orders.get(p.interest)!,
        amount: p.initialBalance,
        collateralIdx: 0,
        collateralToken: base.erc20,
        collateralAmount: p.initialBalance,
        timestampSec: p.createdAt,
      });
      const block = await devnet.provider.getBlock(opened.receipt.blockNumber);
      expect(block?.timestamp).toBe(p.createdAt);
      ours.set(vectorId, opened.positionId);
    }
  });

  afterAll(async () => {
    await devnet?.stop();
  });

  it('has the whole public set', () => {
    expect(vectors.cases.length).toBe(vectors.meta.count);
  });

  it.each(vectors.cases.map((c) => [c.id, c.initialBalance, c.interest, c.elapsed, c] as const))(
    'case %i: ib=%s r=%s dt=%i',
    async (_id, _ib, _r, _dt, c) => {
      const mm = devnet.contracts.marginModule;
      const data = mm.interface.encodeFunctionData('getPositionStatus', [ours.get(c.positionId)]);
      const outcome = await callAtTimestamp(
        devnet.provider,
        { to: devnet.addresses.marginModule, data },
        c.timestamp,
      );
      expect(outcome.ok, outcome.ok ? '' : outcome.message).toBe(true);
      if (!outcome.ok) return;
      const [debt] = AbiCoder.defaultAbiCoder().decode(['uint256', 'uint256'], outcome.data);
      expect((debt as bigint).toString()).toBe(c.expected);
    },
  );
});
