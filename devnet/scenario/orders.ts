import { ZeroAddress, type Contract, type JsonRpcSigner } from 'ethers';
import type { Devnet } from '../Devnet.js';
import { findEvent } from './receiptEvents.js';
import { fund, type TestToken } from './tokens.js';

export interface OrderSpec {
  base: TestToken;
  /** Tokens a position may hold (the order's whitelist). The base and collaterals are always allowed. */
  whitelist: string[];
  collateral: string[];
  /** 10000 = 100 % per 30 days. */
  interestRate?: bigint;
  durationSec?: bigint;
  minLoan?: bigint;
  /** Reward asset; ZeroAddress means ETH. */
  rewardAsset?: string;
  rewardAmount?: bigint;
  deadlineSec?: number;
  currencyLimit?: number;
  leverage?: number;
  /** Defaults to the devnet's generation-1 spot oracle. */
  oracle?: string;
}

export interface CreatedOrder {
  orderId: bigint;
  whitelistId: string;
  whitelist: string[];
}

function asSigner(contract: Contract, signer: JsonRpcSigner): Contract {
  return contract.connect(signer) as Contract;
}

/** Registers the whitelist and creates the order; returns the order id read from OrderCreated. */
export async function createOrder(
  devnet: Devnet,
  lender: JsonRpcSigner,
  spec: OrderSpec,
): Promise<CreatedOrder> {
  const mm = asSigner(devnet.contracts.marginModule, lender);
  const mmAddress = devnet.addresses.marginModule;
  // addTokenlist is idempotent and returns the list id, so asking first gives the id the send will use.
  const whitelistId = (await mm.getFunction('addTokenlist').staticCall(spec.whitelist, false)) as string;
  await devnet.send('addTokenlist', () => mm.getFunction('addTokenlist')(spec.whitelist, false));
  const head = await devnet.producer.latest();
  const params = {
    whitelistId,
    interestRate: spec.interestRate ?? 1000n,
    duration: spec.durationSec ?? 30n * 86400n,
    minLoan: spec.minLoan ?? 1n,
    liquidationRewardAmount: spec.rewardAmount ?? 10n ** 15n,
    liquidationRewardAsset: spec.rewardAsset ?? ZeroAddress,
    asset: spec.base.address,
    deadline: spec.deadlineSec ?? head.timestampSec + 365 * 86400,
    currencyLimit: spec.currencyLimit ?? 5,
    leverage: spec.leverage ?? 10,
    oracle: spec.oracle ?? devnet.addresses.oracle,
    collateral: spec.collateral,
  };
  const receipt = await devnet.send('createOrder', () => mm.getFunction('createOrder')(params));
  const created = findEvent(devnet.contracts.marginModule, mmAddress, receipt, 'OrderCreated');
  return { orderId: created.args.getValue('orderId') as bigint, whitelistId, whitelist: spec.whitelist };
}

/** Mints the base asset to the lender and deposits it into the order. */
export async function fundOrder(
  devnet: Devnet,
  lender: JsonRpcSigner,
  orderId: bigint,
  base: TestToken,
  amount: bigint,
): Promise<void> {
  await fund(devnet, base.erc20, lender, amount, devnet.addresses.marginModule);
  const mm = asSigner(devnet.contracts.marginModule, lender);
  await devnet.send(`orderDepositToken ${orderId}`, () =>
    mm.getFunction('orderDepositToken')(orderId, amount),
  );
}
