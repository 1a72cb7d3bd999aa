import type { Contract, JsonRpcSigner } from 'ethers';
import { deployArtifact, type ModuleGeneration } from '../../devnet/deploy/deployCore.js';
import { createOrder, fundOrder } from '../../devnet/scenario/orders.js';
import { growObservations, poolAt } from '../../devnet/scenario/pools.js';
import { marginSwap, openPosition } from '../../devnet/scenario/positions.js';
import { fund } from '../../devnet/scenario/tokens.js';
import { E18, LOAN, REWARD, setUpMarginFixture, type MarginFixture } from '../support/marginFixture.js';

// Gas of freeze, completion and re-freeze on a devnet module, by eth_estimateGas at the timestamp of the block
// that executes the call (block override), for positions holding 0–3 non-base assets. Each estimate is then sent
// with exactly that gas limit, so a figure too low would show as a failed transaction. Positions cross by interest
// (100 % per 30 days) after 12 days, priced on 1:1 pools by the gen-1 spot oracle, or with `twap` by the 2d3ffd2
// TWAP oracle (window 1800 s) over rings of 128 observations written every 15 s up to the freeze, as the spec's
// figures were measured (so `observe` searches a full ring).
// Usage: npx tsx test/bench/moduleGas.bench.ts [generation, default 2] [spot|twap, default spot]
const generation = Number(process.argv[2] ?? '2') as ModuleGeneration;
const oracleKind = process.argv[3] === 'twap' ? 'twap' : 'spot';
const CROSSED_AFTER_SEC = 12 * 86_400;
const TWAP_WINDOW_SEC = 1800;
const RING_SLOTS = 128;
const WRITE_EVERY_SEC = 15;

async function estimateAt(
  f: MarginFixture,
  from: JsonRpcSigner,
  data: string,
  timestampSec: number,
): Promise<bigint> {
  const tx = { from: from.address, to: f.devnet.addresses.marginModule, data };
  const overrides = { time: `0x${timestampSec.toString(16)}` };
  return BigInt((await f.devnet.provider.send('eth_estimateGas', [tx, 'latest', {}, overrides])) as string);
}

async function sendWithLimit(
  f: MarginFixture,
  from: JsonRpcSigner,
  data: string,
  timestampSec: number,
  gasLimit: bigint,
): Promise<bigint> {
  f.devnet.producer.setNextTimestamp(timestampSec);
  const receipt = await f.devnet.send('liquidate', () =>
    from.sendTransaction({ to: f.devnet.addresses.marginModule, data, gasLimit }),
  );
  return receipt.gasUsed;
}

// A gen-3 module gets the measured oracle as its priceOracle, unrestricted because the fixture's own orders name
// the fixed-ratio oracle.
const f = await setUpMarginFixture({
  generation,
  priceOracle: oracleKind === 'twap' ? 'twap2d3ffd2' : 'oracle',
  twapWindowSec: TWAP_WINDOW_SEC,
  restrictOrderOracle: false,
});
try {
  const [keeperA, keeperB, receiver] = [
    await f.devnet.actor('A'),
    await f.devnet.actor('B'),
    await f.devnet.actor('R'),
  ];
  const [x, y, z] = f.extra;
  const pools = await Promise.all(
    [f.col, x, y, z].map(async (t) =>
      poolAt(
        f.devnet,
        (await f.devnet.contracts.factory.getFunction('getPool')(t.address, f.base.address, 3000)) as string,
      ),
    ),
  );
  let oracle = f.devnet.addresses.oracle;
  const lp = await f.devnet.actor('ring writer');
  if (oracleKind === 'twap') {
    oracle =
      f.devnet.addresses.twapOracle ??
      (await (
        await deployArtifact(f.devnet, 'TwapOracle2d3ffd2', [f.devnet.addresses.factory, TWAP_WINDOW_SEC])
      ).contract.getAddress());
    for (const pool of pools) await growObservations(f.devnet, pool, RING_SLOTS);
    const manager = await f.devnet.contracts.liquidityManager.getAddress();
    for (const t of [f.base, f.col, x, y, z]) await fund(f.devnet, t.erc20, lp, 10n ** 30n, manager);
    await f.devnet.producer.advanceTime(TWAP_WINDOW_SEC);
    await f.devnet.producer.mine();
  }
  /** One in-range mint per pool and block, every WRITE_EVERY_SEC, ending just before `untilSec`. */
  const fillRings = async (untilSec: number) => {
    const asLp = f.devnet.contracts.liquidityManager.connect(lp) as Contract;
    for (let k = RING_SLOTS; k >= 1; k--) {
      const sends = await Promise.all(
        pools.map(async (pool) => {
          const address = await pool.getAddress();
          return () => asLp.getFunction('mint')(address, -60_000, 60_000, 10n ** 6n, { gasLimit: 1_000_000 });
        }),
      );
      await f.devnet.sendInOneBlock(sends, { timestampSec: untilSec - k * WRITE_EVERY_SEC });
    }
  };
  const order = await createOrder(f.devnet, f.lender, {
    base: f.base,
    whitelist: [f.base.address, f.col.address, x.address, y.address, z.address],
    collateral: [f.base.address, f.col.address],
    interestRate: 10_000n,
    leverage: 20,
    oracle,
    rewardAsset: f.base.address,
    rewardAmount: REWARD,
  });
  await fundOrder(f.devnet, f.lender, order.orderId, f.base, 100n * LOAN);
  const mm: Contract = f.mm;
  console.log(`gen-${generation} module, ${oracleKind} oracle: eth_estimateGas (gas used with that limit)`);
  for (let nonBase = 0; nonBase <= 3; nonBase++) {
    const snapshot = await f.devnet.snapshot();
    const { positionId: id, receipt } = await openPosition(f.devnet, f.borrower, {
      orderId: order.orderId,
      amount: LOAN,
      collateralIdx: nonBase === 0 ? 0 : 1,
      collateralToken: nonBase === 0 ? f.base.erc20 : f.col.erc20,
      collateralAmount: 300n * E18,
    });
    const bought = [x, y].slice(0, Math.max(0, nonBase - 1));
    for (const [i, token] of bought.entries()) {
      await marginSwap(f.devnet, f.borrower, {
        positionId: id,
        assetIndex: 0,
        whitelistIdIn: 0,
        whitelistIdOut: 2 + i,
        amount: LOAN / 3n,
        assetOut: token.address,
        fee: 3000,
      });
    }
    const createdAt = (await f.devnet.provider.getBlock(receipt.blockNumber))!.timestamp;
    const data = mm.interface.encodeFunctionData('liquidate', [id, receiver.address]);
    const freezeAt = createdAt + CROSSED_AFTER_SEC;
    if (oracleKind === 'twap') await fillRings(freezeAt);
    const freezeGas = await estimateAt(f, keeperA, data, freezeAt);
    const freezeUsed = await sendWithLimit(f, keeperA, data, freezeAt, freezeGas);

    const inner = await f.devnet.snapshot();
    const refreezeGas = await estimateAt(f, keeperB, data, freezeAt + 3601);
    const refreezeUsed = await sendWithLimit(f, keeperB, data, freezeAt + 3601, refreezeGas);
    await f.devnet.revert(inner);

    // Gen 1 sells in the caller's name, so only its freezer can complete; later generations let anyone.
    const completer = generation === 1 ? keeperA : keeperB;
    const completeGas = await estimateAt(f, completer, data, freezeAt + 1);
    const completeUsed = await sendWithLimit(f, completer, data, freezeAt + 1, completeGas);
    console.log(
      `module-gas: generation=${generation} oracle=${oracleKind} non_base_assets=${nonBase} ` +
        `freeze=${freezeGas} (${freezeUsed}) completion=${completeGas} (${completeUsed}) ` +
        `refreeze=${refreezeGas} (${refreezeUsed})`,
    );
    await f.devnet.revert(snapshot);
  }
} finally {
  await f.devnet.stop();
}
