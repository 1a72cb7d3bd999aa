import type { Contract } from 'ethers';
import { Devnet } from '../../devnet/Devnet.js';
import { startGraphHost } from '../../devnet/graph-host/GraphHost.js';
import { createOrder, fundOrder } from '../../devnet/scenario/orders.js';
import { addLiquidity, createPool } from '../../devnet/scenario/pools.js';
import { openPosition } from '../../devnet/scenario/positions.js';
import { deployToken, fund } from '../../devnet/scenario/tokens.js';
import { requireDevnetBuild } from '../graph-host/requireDevnetBuild.js';

// How fast the graph host catches up on a devnet history of 1,000 blocks with 5 subgraph events each (three
// pool swaps and a margin swap, which is a MarginSwap plus its pool's Swap), and how far it trails the head
// while blocks come every second. History is built with raw eth_sendTransaction calls (the node fills nonces
// and fees) and one evm_mine per block.

const E18 = 10n ** 18n;
const Q96 = 2n ** 96n;
const HISTORY_BLOCKS = 1000;
const LAG_SECONDS = 15;

const devnet = await Devnet.start({ genesisTimestampSec: 1_800_000_000 });
try {
  requireDevnetBuild(devnet);
  const [lp, lender, borrower] = [
    await devnet.actor('lp'),
    await devnet.actor('lender'),
    await devnet.actor('borrower'),
  ];
  const traders = [await devnet.actor('t1'), await devnet.actor('t2'), await devnet.actor('t3')];
  const base = await deployToken(devnet, 'BASE');
  const x = await deployToken(devnet, 'X');
  const y = await deployToken(devnet, 'Y');
  for (const token of [x, y]) {
    const pool = await createPool(devnet, token, base, 3000, Q96);
    await addLiquidity(devnet, lp, pool, -60_000, 60_000, 10n ** 26n);
  }
  const order = await createOrder(devnet, lender, {
    base,
    whitelist: [base.address, x.address, y.address],
    collateral: [x.address],
  });
  await fundOrder(devnet, lender, order.orderId, base, 100_000n * E18);
  const { positionId } = await openPosition(devnet, borrower, {
    orderId: order.orderId,
    amount: 10_000n * E18,
    collateralIdx: 0,
    collateralToken: x.erc20,
    collateralAmount: 2_000n * E18,
  });
  const router = devnet.contracts.router;
  const routerAddress = await router.getAddress();
  for (const trader of traders) {
    for (const token of [base, x, y]) await fund(devnet, token.erc20, trader, 10n ** 30n, routerAddress);
  }
  const head = await devnet.producer.latest();

  const swapData = (tokenIn: string, tokenOut: string, recipient: string) =>
    router.interface.encodeFunctionData('exactInputSingle', [
      {
        tokenIn,
        tokenOut,
        fee: 3000,
        recipient,
        deadline: head.timestampSec + 10 ** 8,
        amountIn: E18,
        amountOutMinimum: 0,
        sqrtPriceLimitX96: 0,
        prefer223Out: false,
      },
    ]);
  const mm: Contract = devnet.contracts.marginModule;
  const marginSwapData = mm.interface.encodeFunctionData('marginSwap', [
    positionId,
    0,
    0,
    2,
    E18 / 10n,
    y.address,
    3000,
    0,
    0,
  ]);
  const send = (from: string, to: string, data: string) =>
    devnet.provider.send('eth_sendTransaction', [{ from, to, data, gas: '0xf4240' }]) as Promise<string>;
  const mmAddress = devnet.addresses.marginModule;

  /** Five subgraph events: three pool swaps (directions alternate by block) and one margin swap. */
  async function fillBlock(i: number): Promise<string[]> {
    const [t1, t2, t3] = traders.map((t) => t.address) as [string, string, string];
    const flip = i % 2 === 0;
    return Promise.all([
      send(
        t1,
        routerAddress,
        flip ? swapData(x.address, base.address, t1) : swapData(base.address, x.address, t1),
      ),
      send(
        t2,
        routerAddress,
        flip ? swapData(base.address, y.address, t2) : swapData(y.address, base.address, t2),
      ),
      send(
        t3,
        routerAddress,
        flip ? swapData(y.address, base.address, t3) : swapData(base.address, y.address, t3),
      ),
      send(borrower.address, mmAddress, marginSwapData),
    ]);
  }

  const buildStarted = performance.now();
  let lastHashes: string[] = [];
  for (let i = 0; i < HISTORY_BLOCKS; i++) {
    lastHashes = await fillBlock(i);
    await devnet.producer.mine();
  }
  for (const hash of lastHashes) {
    const receipt = await devnet.provider.getTransactionReceipt(hash);
    if (receipt?.status !== 1) throw new Error(`history transaction ${hash} failed`);
  }
  const tip = await devnet.producer.latest();
  console.log(
    `history: ${HISTORY_BLOCKS} blocks of 5 events built in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s; chain head ${tip.number}`,
  );

  // Catch-up: from an empty store to the head.
  const started = performance.now();
  const host = await startGraphHost({ rpcUrl: devnet.rpcUrl, chainId: devnet.chainId, pollIntervalMs: 50 });
  try {
    await host.indexer.waitFor({ hash: tip.hash }, 600_000);
    const seconds = (performance.now() - started) / 1000;
    const status = host.indexer.status();
    const blocksPerS = status.blocksProcessed / seconds;
    const eventsPerS = status.triggersProcessed / seconds;
    console.log(
      `catch-up: ${status.blocksProcessed} blocks, ${status.triggersProcessed} events in ${seconds.toFixed(2)} s ` +
        `(${blocksPerS.toFixed(0)} blocks/s, ${eventsPerS.toFixed(0)} events/s)`,
    );

    // Head lag: a block (of five events) every second; sample the distance between chain and host heads.
    devnet.producer.onBeforeBlock(async (next) => {
      await fillBlock(next.number);
    });
    // The hook fills the block: let it take most of the slot before the block is mined without it.
    devnet.producer.start(1000, {
      hookBudgetMs: 900,
      onError: (error) => console.error(`block producer: ${String(error)}`),
    });
    const lags: number[] = [];
    const until = Date.now() + LAG_SECONDS * 1000;
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const chainHead = (await devnet.producer.latest()).number;
      lags.push(chainHead - (host.store.head()?.number ?? 0));
    }
    await devnet.producer.stop();
    const meanLag = lags.reduce((a, b) => a + b, 0) / lags.length;
    console.log(
      `head lag over ${LAG_SECONDS} s at 1 block/s: mean ${meanLag.toFixed(2)} blocks, max ${Math.max(...lags)} ` +
        `(${lags.length} samples, poll 50 ms)`,
    );
    console.log(
      `host-bench: blocks_per_s=${blocksPerS.toFixed(0)} events_per_s=${eventsPerS.toFixed(0)} head_lag_blocks=${meanLag.toFixed(2)}`,
    );
  } finally {
    await host.stop();
  }
} finally {
  await devnet.stop();
}
