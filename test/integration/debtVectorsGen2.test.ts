import { AbiCoder, ZeroAddress, type Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAtTimestamp, type CallOutcome } from '../../devnet/chain/callAtTimestamp.js';
import { Devnet } from '../../devnet/Devnet.js';
import { createOrder, fundOrder } from '../../devnet/scenario/orders.js';
import { findEvent } from '../../devnet/scenario/receiptEvents.js';
import { deployToken, fund } from '../../devnet/scenario/tokens.js';
import { readDebtGen2Vectors, type DebtGen2Case } from '../support/goldenVectors.js';

const vectors = readDebtGen2Vectors();
const abi = AbiCoder.defaultAbiCoder();

interface VectorPosition {
  initialBalance: bigint;
  interest: bigint;
  createdAt: number;
  /** value − loan: the collateral (in base) the real run opened the position with. */
  collateral: bigint;
}

describe('gen-2 MarginModule debt and views equal the real 2090499 contract on every golden case', () => {
  let devnet: Devnet;
  /** vector positionId → our positionId */
  const ours = new Map<number, bigint>();

  beforeAll(async () => {
    const positions = new Map<number, VectorPosition>();
    for (const c of vectors.cases) {
      positions.set(c.positionId, {
        initialBalance: BigInt(c.initialBalance),
        interest: BigInt(c.interest),
        createdAt: c.createdAt,
        collateral: BigInt(c.value) - BigInt(c.initialBalance),
      });
    }
    const firstCreatedAt = Math.min(...[...positions.values()].map((p) => p.createdAt));
    devnet = await Devnet.start({
      generation: 2,
      genesisTimestampSec: firstCreatedAt - 100_000,
      secondsPerBlock: 1,
    });
    const lender = await devnet.actor('lender');
    const borrower = await devnet.actor('borrower');
    const base = await deployToken(devnet, 'BASE');
    // Collateral = base asset, as in the real run: the debt then depends on no oracle. One order per rate,
    // funded with exactly what its loans take (some loans are near 2^201, so a fixed amount would not do).
    const orders = new Map<bigint, bigint>();
    const lent = new Map<bigint, bigint>();
    for (const { interest, initialBalance } of positions.values()) {
      lent.set(interest, (lent.get(interest) ?? 0n) + initialBalance);
    }
    for (const [interest, total] of lent) {
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
      await fundOrder(devnet, lender, order.orderId, base, total);
      orders.set(interest, order.orderId);
    }
    // The positions are opened two seconds apart: the borrower holds and approves every collateral first, so that
    // each takeLoan is the only transaction of its block.
    const totalCollateral = [...positions.values()].reduce((sum, p) => sum + p.collateral, 0n);
    await fund(devnet, base.erc20, borrower, totalCollateral, devnet.addresses.marginModule);
    const mm = devnet.contracts.marginModule.connect(borrower) as Contract;
    const byCreation = [...positions.entries()].sort((a, b) => a[1].createdAt - b[1].createdAt);
    for (const [vectorId, p] of byCreation) {
      devnet.producer.setNextTimestamp(p.createdAt);
      const receipt = await devnet.send(`takeLoan for vector position ${vectorId}`, () =>
        mm.getFunction('takeLoan')(orders.get(p.interest)!, p.initialBalance, 0, p.collateral),
      );
      const block = await devnet.provider.getBlock(receipt.blockNumber);
      expect(block?.timestamp).toBe(p.createdAt);
      const opened = findEvent(
        devnet.contracts.marginModule,
        devnet.addresses.marginModule,
        receipt,
        'PositionOpened',
      );
      ours.set(vectorId, opened.args.getValue('positionId') as bigint);
    }
  });

  afterAll(async () => {
    await devnet?.stop();
  });

  const callView = (name: string, c: DebtGen2Case): Promise<CallOutcome> => {
    const mm = devnet.contracts.marginModule;
    const data = mm.interface.encodeFunctionData(name, [ours.get(c.positionId)]);
    return callAtTimestamp(devnet.provider, { to: devnet.addresses.marginModule, data }, c.timestamp);
  };

  it('has the whole public set, and it is not empty', () => {
    expect(vectors.cases.length).toBeGreaterThan(0);
    expect(vectors.cases.length).toBe(vectors.meta.count);
  });

  it.each(vectors.cases.map((c) => [c.id, c.initialBalance, c.interest, c.elapsed, c] as const))(
    'case %i: ib=%s r=%s dt=%i',
    async (_id, _ib, _r, _dt, c) => {
      const status = await callView('getPositionStatus', c);
      expect(status.ok, status.ok ? '' : status.message).toBe(true);
      if (!status.ok) return;
      const [debt, value] = abi.decode(['uint256', 'uint256'], status.data) as unknown as [bigint, bigint];
      expect(debt.toString()).toBe(c.expected);
      expect(value.toString()).toBe(c.value);

      const liquidatable = await callView('subjectToLiquidation', c);
      expect(liquidatable.ok).toBe(true);
      if (liquidatable.ok) expect(abi.decode(['bool'], liquidatable.data)[0]).toBe(c.subjectToLiquidation);

      const extended = await callView('subjectToLiquidationExtended', c);
      const want = c.subjectToLiquidationExtended;
      if ('revert' in want) {
        // The real view divides by interest * ib wrapped to 0: the invalid opcode, no revert data.
        expect(extended).toMatchObject({ ok: false, kind: 'invalid-opcode', data: '0x' });
        return;
      }
      expect(extended.ok, extended.ok ? '' : extended.message).toBe(true);
      if (!extended.ok) return;
      const [flag, liquidator, frozenTime, closed, t] = abi.decode(
        ['bool', 'address', 'uint256', 'bool', 'uint256'],
        extended.data,
      ) as unknown as [boolean, string, bigint, boolean, bigint];
      expect({
        liquidatable: flag,
        liquidator,
        frozenTimestamp: frozenTime.toString(),
        liquidated: closed,
        insolvencyExpectedTime: t.toString(),
      }).toEqual(want);
    },
  );
});
