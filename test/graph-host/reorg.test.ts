import type { Contract, JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost, type GraphHost } from '../../devnet/graph-host/GraphHost.js';
import { createOrder, fundOrder, type CreatedOrder } from '../../devnet/scenario/orders.js';
import {
  addLiquidity,
  CREATE_POOL_GAS_LIMIT,
  createPool,
  poolAt,
  swapExactIn,
} from '../../devnet/scenario/pools.js';
import { openPosition } from '../../devnet/scenario/positions.js';
import { deployToken, fund, type TestToken } from '../../devnet/scenario/tokens.js';
import { chainSnapshot, comparable, graphqlReader, type HostReader } from './hostParity.js';
import { requireDevnetBuild } from './requireDevnetBuild.js';

// The chain rewinds (evm_revert to a snapshot) and grows a different branch: the host must drop what it
// indexed on the abandoned branch (entities and the data sources created there) and follow the new one.

const E18 = 10n ** 18n;
const Q96 = 2n ** 96n;

let devnet: Devnet;
let host: GraphHost;
let reader: HostReader;
let lp: JsonRpcSigner;
let trader: JsonRpcSigner;
let lender: JsonRpcSigner;
let borrower: JsonRpcSigner;
let base: TestToken;
let token: TestToken;
let order: CreatedOrder;
let pools: string[];

async function expectParity(): Promise<string> {
  const head = await devnet.producer.latest();
  await host.indexer.waitFor({ hash: head.hash }, 30_000);
  const [fromHost, fromChain] = await Promise.all([
    reader.snapshot(head.hash),
    chainSnapshot(devnet, pools, head.hash),
  ]);
  expect(comparable(fromHost)).toEqual(comparable(fromChain));
  return head.hash;
}

/** Creates, initializes and mints into the token/base 500 pool in one block; its address is the same on every branch. */
async function newPoolInOneBlock(liquidity: bigint): Promise<string> {
  const { factory, liquidityManager } = devnet.contracts;
  for (const t of [token, base])
    await fund(devnet, t.erc20, lp, 10n ** 30n, await liquidityManager.getAddress());
  const args = [token.address, base.address, token.twin, base.twin, 500] as const;
  const address = (await factory.getFunction('createPool').staticCall(...args)) as string;
  await devnet.sendInOneBlock([
    () =>
      (factory.connect(lp) as Contract).getFunction('createPool')(...args, {
        gasLimit: CREATE_POOL_GAS_LIMIT,
      }),
    () => (poolAt(devnet, address).connect(lp) as Contract).getFunction('initialize')(Q96),
    () => (liquidityManager.connect(lp) as Contract).getFunction('mint')(address, -100, 100, liquidity),
  ]);
  return address;
}

function borrow(amount: bigint) {
  return openPosition(devnet, borrower, {
    orderId: order.orderId,
    amount,
    collateralIdx: 0,
    collateralToken: token.erc20,
    collateralAmount: 200n * E18,
  });
}

beforeAll(async () => {
  devnet = await Devnet.start({ genesisTimestampSec: 1_800_000_000 });
  requireDevnetBuild(devnet);
  [lp, trader, lender, borrower] = [
    await devnet.actor('lp'),
    await devnet.actor('trader'),
    await devnet.actor('lender'),
    await devnet.actor('borrower'),
  ];
  base = await deployToken(devnet, 'BASE');
  token = await deployToken(devnet, 'TOK');
  const pool = await createPool(devnet, token, base, 3000, Q96);
  await addLiquidity(devnet, lp, pool, -60_000, 60_000, 10n ** 24n);
  pools = [await pool.getAddress()];
  order = await createOrder(devnet, lender, {
    base,
    whitelist: [base.address, token.address],
    collateral: [token.address],
    rewardAsset: base.address,
    rewardAmount: E18,
  });
  await fundOrder(devnet, lender, order.orderId, base, 10_000n * E18);
  host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 20 });
  reader = graphqlReader(host.url);
}, 120_000);

afterAll(async () => {
  await host?.stop();
  await devnet?.stop();
});

describe('reorgs', { timeout: 120_000 }, () => {
  it('follows a shorter branch, then a longer one, dropping entities and templates of the abandoned branch', async () => {
    await expectParity();
    const snapshot = await devnet.snapshot();
    const ancestor = await devnet.producer.latest();

    // Branch A: a loan, a swap and a new pool (a template instance created after the ancestor).
    await borrow(1000n * E18);
    await swapExactIn(devnet, trader, token.address, base.address, 3000, 50n * E18);
    const newPool = await newPoolInOneBlock(10n ** 21n);
    pools.push(newPool);
    const abandoned = await expectParity();
    expect(host.indexer.dynamicDataSources().map((d) => d.address)).toContain(newPool.toLowerCase());
    const abandonedHeight = (await devnet.producer.latest()).number;

    // Branch B1, shorter than A: the chain's head falls below the host's.
    await devnet.revert(snapshot);
    pools.pop();
    await swapExactIn(devnet, trader, base.address, token.address, 3000, 20n * E18);
    expect((await devnet.producer.latest()).number).toBeLessThan(abandonedHeight);
    await expectParity();
    expect(host.store.blockByHash(abandoned)).toBeUndefined();
    expect(host.store.blockByNumber(ancestor.number)?.hash).toBe(ancestor.hash);
    expect(host.indexer.dynamicDataSources().map((d) => d.address)).not.toContain(newPool.toLowerCase());
    expect(host.store.get('Position', '0')).toBeUndefined();

    // Branch B2 grows past A's height: the same pool address again, created earlier than on A and with other
    // liquidity, and a different loan under the same position id.
    expect(await newPoolInOneBlock(3n * 10n ** 20n)).toBe(newPool);
    pools.push(newPool);
    await borrow(700n * E18);
    await swapExactIn(devnet, trader, token.address, base.address, 500, E18);
    expect((await devnet.producer.latest()).number).toBeGreaterThan(abandonedHeight);
    await expectParity();
    expect(host.store.get('Position', '0')?.get('initialBalance')).toEqual({
      kind: 'bigint',
      value: 700n * E18,
    });
    expect(host.indexer.status().reorgs).toBeGreaterThanOrEqual(1);
    expect(host.store.indexingError()).toBeUndefined();
  });

  it('follows a branch of the same height with other blocks', async () => {
    const snapshot = await devnet.snapshot();
    await swapExactIn(devnet, trader, token.address, base.address, 3000, 3n * E18);
    const first = await expectParity();
    const height = (await devnet.producer.latest()).number;
    await devnet.revert(snapshot);
    // As many blocks as before with other amounts: the same height, other hashes.
    await swapExactIn(devnet, trader, token.address, base.address, 3000, 4n * E18);
    expect((await devnet.producer.latest()).number).toBe(height);
    const second = await expectParity();
    expect(second).not.toBe(first);
  });
});
