import { AbiCoder, type Contract, type JsonRpcSigner } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAtTimestamp } from '../../devnet/chain/callAtTimestamp.js';
import { Devnet } from '../../devnet/Devnet.js';
import { addLiquidity, createPool, movePrice } from '../../devnet/scenario/pools.js';
import { deployToken } from '../../devnet/scenario/tokens.js';
import type { Observation } from '../../keeper/src/model/types.js';
import { sqrtRatioAtValidTick } from '../../keeper/src/valuation/getSqrtRatioAtTick.js';
import { observe, poolTime, type ObservedPool } from '../../keeper/src/valuation/observeSingle.js';

/**
 * The golden vectors never cross the uint32 clock wrap (year 2106). Here a real Uniswap v3 pool on anvil lives
 * through it: its ring is mirrored after every write and the model's `observe` is compared with the pool's own
 * at later seconds (eth_call with a time override), reverts included.
 */
const WRAP = 2 ** 32;
const Q96 = 1n << 96n;
let devnet: Devnet;
let pool: Contract;
let trader: JsonRpcSigner;

async function mirror(): Promise<ObservedPool & { headSec: number }> {
  const slot0 = (await pool.getFunction('slot0')()) as unknown as [bigint, bigint, bigint, bigint];
  const liquidity = (await pool.getFunction('liquidity')()) as bigint;
  const cardinality = Number(slot0[3]);
  const observations: Observation[] = [];
  for (let i = 0; i < cardinality; i++) {
    const o = (await pool.getFunction('observations')(i)) as unknown as [bigint, bigint, bigint, boolean];
    observations.push({
      blockTimestamp: Number(o[0]),
      tickCumulative: o[1],
      secondsPerLiquidityCumulativeX128: o[2],
      initialized: o[3],
    });
  }
  const head = await devnet.producer.latest();
  return {
    tick: Number(slot0[1]),
    liquidity,
    ring: { index: Number(slot0[2]), cardinality, observations },
    headSec: head.timestampSec,
  };
}

/** The pool's `observe([secondsAgo])` at `atSec`: the cumulatives, or the revert string. */
async function chainObserve(atSec: number, secondsAgo: number) {
  const data = pool.interface.encodeFunctionData('observe', [[secondsAgo]]);
  const out = await callAtTimestamp(devnet.provider, { to: await pool.getAddress(), data }, atSec);
  if (!out.ok) {
    const reason =
      out.data.startsWith('0x08c379a0') && out.data.length > 10
        ? (AbiCoder.defaultAbiCoder().decode(['string'], `0x${out.data.slice(10)}`)[0] as string)
        : out.message;
    return { ok: false, reason };
  }
  const [ticks, spls] = pool.interface.decodeFunctionResult('observe', out.data) as unknown as [
    bigint[],
    bigint[],
  ];
  return { ok: true, value: [{ tickCumulative: ticks[0]!, secondsPerLiquidityCumulativeX128: spls[0]! }] };
}

beforeAll(async () => {
  devnet = await Devnet.start({ genesisTimestampSec: WRAP - 2400, secondsPerBlock: 2 });
  const a = await deployToken(devnet, 'AAA');
  const b = await deployToken(devnet, 'BBB');
  pool = await createPool(devnet, a, b, 3000, Q96);
  await devnet.send('grow the ring', () =>
    (pool.connect(devnet.deployer) as Contract).getFunction('increaseObservationCardinalityNext')(5),
  );
  const lp = await devnet.actor('lp');
  trader = await devnet.actor('trader');
  await addLiquidity(devnet, lp, pool, -12000, 12000, 10n ** 21n);
  await addLiquidity(devnet, lp, pool, -600, 600, 7n * 10n ** 21n);
});
afterAll(async () => {
  await devnet?.stop();
});

describe('observe emulated from the mirrored ring of a real Uniswap v3 pool, across the uint32 clock wrap', () => {
  it('agrees with the pool at every probe, before, across and after the wrap', async () => {
    const targets = [-900, 2400, -3000, 120, 7000, -50, 300, -8000, 1000, 0];
    const gaps = [31, 300, 450, 17, 600, 5, 240, 700, 90, 1200];
    let probes = 0;
    let olds = 0;
    let wrappedRing = false;
    for (let step = 0; step < targets.length; step++) {
      await devnet.producer.advanceTime(gaps[step]!);
      await movePrice(devnet, trader, pool, sqrtRatioAtValidTick(targets[step]!));
      const mirrored = await mirror();
      const stamps = mirrored.ring.observations.filter((o) => o.initialized).map((o) => o.blockTimestamp);
      if (stamps.some((t) => t > WRAP - 5000) && stamps.some((t) => t < 5000)) wrappedRing = true;
      for (const ahead of [1, 13, 400]) {
        const atSec = mirrored.headSec + ahead;
        const ages = stamps.map((t) => (poolTime(BigInt(atSec)) - t + WRAP) % WRAP);
        const maxAge = Math.max(...ages);
        for (const secondsAgo of [0, 1, 7, 59, 600, 1799, maxAge, maxAge + 1, ...ages.map((x) => x - 1)]) {
          if (secondsAgo < 0) continue;
          const model = observe(mirrored, poolTime(BigInt(atSec)), [secondsAgo]);
          const chain = await chainObserve(atSec, secondsAgo);
          expect(model, `step ${step} at ${atSec} secondsAgo ${secondsAgo}`).toEqual(chain);
          if (!chain.ok) olds++;
          probes++;
        }
      }
    }
    const head = await devnet.producer.latest();
    console.log(
      `twapObserve: ${probes} probes, ${olds} "OLD" reverts, head at ${head.timestampSec} (wrap at ${WRAP})`,
    );
    expect(head.timestampSec).toBeGreaterThan(WRAP);
    expect(wrappedRing).toBe(true);
    expect(olds).toBeGreaterThan(0);
  });
});
