import { ZeroAddress, type Contract, type TransactionResponse } from 'ethers';
import { Devnet } from '../../devnet/Devnet.js';
import { createOrder, fundOrder } from '../../devnet/scenario/orders.js';
import { addLiquidity, createPool } from '../../devnet/scenario/pools.js';
import { fund, deployToken } from '../../devnet/scenario/tokens.js';

export interface RpcBaseline {
  positions: number;
  /** Wall time of one awaited `subjectToLiquidation` eth_call, averaged over every position. */
  perPositionMs: number;
  setupMs: number;
}

const E18 = 10n ** 18n;
const Q96 = 2n ** 96n;
/** Devnet transactions carry an 8M gas limit and anvil's block limit is 1e9: 100 per block fits. */
const TXS_PER_BLOCK = 100;

/**
 * The existing Dex223 keeper's way of finding liquidatable positions: one eth_call per position, awaited in
 * turn. Opens `positions` three-asset positions (base, collateral, a deposited third token) on the devnet
 * under the gen-1 oracle, then times `subjectToLiquidation` for each. Stops the devnet it started.
 */
export async function measureRpcBaseline(positions: number): Promise<RpcBaseline> {
  const started = performance.now();
  const devnet = await Devnet.start({ genesisTimestampSec: 1_800_000_000 });
  try {
    const [lender, borrower, lp] = [
      await devnet.actor('lender'),
      await devnet.actor('borrower'),
      await devnet.actor('lp'),
    ];
    const base = await deployToken(devnet, 'BASE');
    const col = await deployToken(devnet, 'COL');
    const third = await deployToken(devnet, 'THIRD');
    for (const token of [col, third]) {
      const pool = await createPool(devnet, token, base, 3000, Q96);
      await addLiquidity(devnet, lp, pool, -60_000, 60_000, 10n ** 24n);
    }
    const order = await createOrder(devnet, lender, {
      base,
      whitelist: [base.address, col.address, third.address],
      collateral: [col.address],
      interestRate: 1000n,
      rewardAsset: ZeroAddress,
      rewardAmount: 0n,
      leverage: 10,
      currencyLimit: 5,
    });
    const loan = 100n * E18;
    const collateral = 60n * E18;
    const deposit = 10n * E18;
    const mmAddress = devnet.addresses.marginModule;
    await fundOrder(devnet, lender, order.orderId, base, loan * BigInt(positions));
    await fund(devnet, col.erc20, borrower, collateral * BigInt(positions), mmAddress);
    await fund(devnet, third.erc20, borrower, deposit * BigInt(positions), mmAddress);

    const mm = devnet.contracts.marginModule.connect(borrower) as Contract;
    const firstId = (await mm.getFunction('positionIndex')()) as bigint;
    await inBlocks(
      devnet,
      positions,
      () => () => mm.getFunction('takeLoan')(order.orderId, loan, 0, collateral),
    );
    const ids = Array.from({ length: positions }, (_, i) => firstId + BigInt(i));
    await inBlocks(
      devnet,
      positions,
      (i) => () => mm.getFunction('positionDeposit')(ids[i]!, third.address, 2, deposit),
    );
    const setupMs = performance.now() - started;

    const calls = ids.map((id) => ({
      to: mmAddress,
      data: mm.interface.encodeFunctionData('subjectToLiquidation', [id]),
    }));
    // A warm-up pass, then the timed one: the keeper's loop runs against a warm node.
    for (const call of calls.slice(0, 50)) await devnet.provider.send('eth_call', [call, 'latest']);
    const timed = performance.now();
    for (const call of calls) {
      const answer = (await devnet.provider.send('eth_call', [call, 'latest'])) as string;
      if (!/^0x0{63}[01]$/.test(answer)) throw new Error(`unexpected subjectToLiquidation answer ${answer}`);
    }
    const perPositionMs = (performance.now() - timed) / positions;
    return { positions, perPositionMs, setupMs };
  } finally {
    await devnet.stop();
  }
}

/** Sends `count` transactions, TXS_PER_BLOCK to a block, and fails on the first reverted one. */
async function inBlocks(
  devnet: Devnet,
  count: number,
  make: (i: number) => () => Promise<TransactionResponse>,
): Promise<void> {
  for (let start = 0; start < count; start += TXS_PER_BLOCK) {
    const end = Math.min(count, start + TXS_PER_BLOCK);
    const sends = Array.from({ length: end - start }, (_, k) => make(start + k));
    const receipts = await devnet.sendInOneBlock(sends);
    const failed = receipts.findIndex((r) => r.status !== 1);
    if (failed >= 0) throw new Error(`transaction ${start + failed} of the baseline setup reverted`);
  }
}
