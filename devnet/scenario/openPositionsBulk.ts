import { ZeroAddress, type Contract, type JsonRpcSigner } from 'ethers';
import { DevnetError } from '../chain/DevnetError.js';
import type { Devnet } from '../Devnet.js';
import { decodeEvents } from './receiptEvents.js';
import { fund } from './tokens.js';

export interface BulkLoan {
  orderId: bigint;
  amount: bigint;
  collateralIdx: number;
  collateralToken: Contract;
  collateralAmount: bigint;
}

/**
 * Opens many positions for one borrower quickly: collateral and rewards are minted and approved once, then
 * takeLoan calls go `perBlock` to a block. Returns the new position ids in the order of `loans`.
 */
export async function openPositionsBulk(
  devnet: Devnet,
  borrower: JsonRpcSigner,
  loans: BulkLoan[],
  perBlock = 50,
): Promise<bigint[]> {
  const mm = devnet.contracts.marginModule.connect(borrower) as Contract;
  const mmAddress = devnet.addresses.marginModule;
  const needs = new Map<string, { token: Contract; amount: bigint }>();
  const rewards = new Map<bigint, [bigint, string]>();
  const add = (token: Contract, address: string, amount: bigint) => {
    const key = address.toLowerCase();
    needs.set(key, { token, amount: (needs.get(key)?.amount ?? 0n) + amount });
  };
  for (const loan of loans) {
    add(loan.collateralToken, await loan.collateralToken.getAddress(), loan.collateralAmount);
    if (!rewards.has(loan.orderId)) {
      rewards.set(
        loan.orderId,
        (await mm.getFunction('getOrderExpirationData')(loan.orderId)) as [bigint, string],
      );
    }
    const [rewardAmount, rewardAsset] = rewards.get(loan.orderId)!;
    if (rewardAsset !== ZeroAddress)
      add(devnet.contractAt('TestERC20', rewardAsset), rewardAsset, rewardAmount);
  }
  for (const { token, amount } of needs.values()) await fund(devnet, token, borrower, amount, mmAddress);
  const ids: bigint[] = [];
  for (let i = 0; i < loans.length; i += perBlock) {
    const batch = loans.slice(i, i + perBlock);
    const receipts = await devnet.sendInOneBlock(
      batch.map((loan) => () => {
        const [rewardAmount, rewardAsset] = rewards.get(loan.orderId)!;
        const value = rewardAsset === ZeroAddress ? rewardAmount : 0n;
        return mm.getFunction('takeLoan')(
          loan.orderId,
          loan.amount,
          loan.collateralIdx,
          loan.collateralAmount,
          { value },
        );
      }),
    );
    for (const receipt of receipts) {
      if (receipt.status !== 1) throw new DevnetError(`takeLoan reverted in bulk (tx ${receipt.hash})`);
      const opened = decodeEvents(devnet.contracts.marginModule, mmAddress, receipt).find(
        (e) => e.name === 'PositionOpened',
      );
      if (!opened) throw new DevnetError(`no PositionOpened in ${receipt.hash}`);
      ids.push(opened.args.getValue('positionId') as bigint);
    }
  }
  return ids;
}
