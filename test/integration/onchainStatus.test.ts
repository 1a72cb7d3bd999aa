import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcClient } from '../../keeper/src/chain/RpcClient.js';
import { onchainStatus } from '../../keeper/src/oracles/onchainStatus.js';
import { createOrder, fundOrder } from '../../devnet/scenario/orders.js';
import { depositToPosition, openPosition } from '../../devnet/scenario/positions.js';
import {
  E18,
  LOAN,
  openAllInCollateral,
  setUpMarginFixture,
  setValue,
  type MarginFixture,
} from '../support/marginFixture.js';

let f: MarginFixture;
let rpc: RpcClient;

beforeAll(async () => {
  f = await setUpMarginFixture();
  rpc = new RpcClient([f.devnet.rpcUrl], f.devnet.chainId);
});
afterAll(async () => {
  rpc?.destroy();
  await f?.devnet.stop();
});

describe('onchainStatus', () => {
  it("returns the contract's (debt, value) per position at a chosen timestamp, isolating reverting valuations", async () => {
    const healthy = await openAllInCollateral(f);
    await setValue(f, healthy, LOAN + 5n);
    // An order whose oracle is not an oracle: any non-base asset makes the valuation revert.
    const broken = await createOrder(f.devnet, f.lender, {
      base: f.base,
      whitelist: [f.base.address, f.col.address],
      collateral: [f.base.address],
      interestRate: 10_000n,
      leverage: 20,
      oracle: f.devnet.addresses.marginModule,
    });
    await fundOrder(f.devnet, f.lender, broken.orderId, f.base, 10n * LOAN);
    const { positionId: reverting } = await openPosition(f.devnet, f.borrower, {
      orderId: broken.orderId,
      amount: LOAN,
      collateralIdx: 0,
      collateralToken: f.base.erc20,
      collateralAmount: 100n * E18,
    });
    await depositToPosition(f.devnet, f.borrower, reverting, f.col.erc20, 1, E18);
    const head = await f.devnet.producer.latest();
    const later = BigInt(head.timestampSec + 30 * 86400);
    const statuses = await onchainStatus(
      rpc,
      f.devnet.addresses.marginModule,
      [healthy, reverting, 999n],
      head.hash,
      later,
      2,
    );
    expect(statuses.get(healthy)).toEqual({ ok: true, debt: LOAN, value: LOAN + 5n });
    expect(statuses.get(reverting)?.ok).toBe(false);
    // A position id that does not exist reads as empty arrays: the contract's getter reverts on index 0.
    expect(statuses.get(999n)?.ok).toBe(false);
    const [debt, value] = (await f.mm.getFunction('getPositionStatus')(healthy)) as [bigint, bigint];
    expect([debt, value]).toEqual([LOAN, LOAN + 5n]);
  });
});
