import { ZeroAddress, type Contract, type JsonRpcSigner, type TransactionReceipt } from 'ethers';
import type { Devnet } from '../Devnet.js';
import { findEvent } from './receiptEvents.js';
import { fund } from './tokens.js';

export interface LoanSpec {
  orderId: bigint;
  amount: bigint;
  collateralIdx: number;
  /** The collateral token contract (ERC-20 or twin) at `collateralIdx` of the order. */
  collateralToken: Contract;
  collateralAmount: bigint;
  /** Timestamp of the block that executes takeLoan (after the funding blocks); default: the next one. */
  timestampSec?: number;
}

export interface OpenedPosition {
  positionId: bigint;
  receipt: TransactionReceipt;
}

/**
 * Opens a position for `borrower`: mints and approves the collateral and the order's reward (or sends the
 * ETH reward as value), then calls takeLoan.
 */
export async function openPosition(
  devnet: Devnet,
  borrower: JsonRpcSigner,
  loan: LoanSpec,
): Promise<OpenedPosition> {
  const mm = devnet.contracts.marginModule.connect(borrower) as Contract;
  const mmAddress = devnet.addresses.marginModule;
  const [rewardAmount, rewardAsset] = (await mm.getFunction('getOrderExpirationData')(loan.orderId)) as [
    bigint,
    string,
  ];
  const collateralAddress = await loan.collateralToken.getAddress();
  if (rewardAsset === ZeroAddress) {
    await fund(devnet, loan.collateralToken, borrower, loan.collateralAmount, mmAddress);
  } else {
    const sameToken = rewardAsset.toLowerCase() === collateralAddress.toLowerCase();
    const collateralTotal = loan.collateralAmount + (sameToken ? rewardAmount : 0n);
    await fund(devnet, loan.collateralToken, borrower, collateralTotal, mmAddress);
    if (!sameToken)
      await fund(devnet, devnet.contractAt('TestERC20', rewardAsset), borrower, rewardAmount, mmAddress);
  }
  const value = rewardAsset === ZeroAddress ? rewardAmount : 0n;
  if (loan.timestampSec !== undefined) devnet.producer.setNextTimestamp(loan.timestampSec);
  const receipt = await devnet.send(`takeLoan order ${loan.orderId}`, () =>
    mm.getFunction('takeLoan')(loan.orderId, loan.amount, loan.collateralIdx, loan.collateralAmount, {
      value,
    }),
  );
  const opened = findEvent(devnet.contracts.marginModule, mmAddress, receipt, 'PositionOpened');
  return { positionId: opened.args.getValue('positionId') as bigint, receipt };
}

export interface SwapSpec {
  positionId: bigint;
  /** Index of the asset to sell in the position's assets[]. */
  assetIndex: number;
  /** Index of the sold asset / the bought asset in the order's whitelist (ignored for base/collateral). */
  whitelistIdIn: number;
  whitelistIdOut: number;
  amount: bigint;
  assetOut: string;
  fee: number;
  minAmountOut?: bigint;
}

/** A borrower's trade inside the position, through the pools. */
export async function marginSwap(
  devnet: Devnet,
  trader: JsonRpcSigner,
  swap: SwapSpec,
): Promise<TransactionReceipt> {
  const mm = devnet.contracts.marginModule.connect(trader) as Contract;
  return devnet.send(`marginSwap position ${swap.positionId}`, () =>
    mm.getFunction('marginSwap')(
      swap.positionId,
      swap.assetIndex,
      swap.whitelistIdIn,
      swap.whitelistIdOut,
      swap.amount,
      swap.assetOut,
      swap.fee,
      swap.minAmountOut ?? 0n,
      0n,
    ),
  );
}

/** Adds `amount` of a token to a position (minted to the owner first). */
export async function depositToPosition(
  devnet: Devnet,
  owner: JsonRpcSigner,
  positionId: bigint,
  token: Contract,
  whitelistId: number,
  amount: bigint,
): Promise<TransactionReceipt> {
  await fund(devnet, token, owner, amount, devnet.addresses.marginModule);
  const mm = devnet.contracts.marginModule.connect(owner) as Contract;
  const asset = await token.getAddress();
  return devnet.send(`positionDeposit ${positionId}`, () =>
    mm.getFunction('positionDeposit')(positionId, asset, whitelistId, amount),
  );
}

/** The position as the contract holds it now. */
export async function readPosition(devnet: Devnet, positionId: bigint) {
  const mm = devnet.contracts.marginModule;
  const p = (await mm.getFunction('positions')(positionId)) as unknown as {
    orderId: bigint;
    owner: string;
    createdAt: bigint;
    initialBalance: bigint;
    interest: bigint;
    open: boolean;
    frozenTime: bigint;
    liquidator: string;
  };
  const assets = (await mm.getFunction('getPositionAssets')(positionId)) as string[];
  const balances = (await mm.getFunction('getPositionBalances')(positionId)) as bigint[];
  return {
    orderId: p.orderId,
    owner: p.owner,
    createdAt: p.createdAt,
    initialBalance: p.initialBalance,
    interest: p.interest,
    open: p.open,
    frozenTime: p.frozenTime,
    liquidator: p.liquidator,
    assets: [...assets],
    balances: [...balances],
  };
}
