import { AbiCoder, getAddress, keccak256, toUtf8Bytes, type Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAtTimestamp } from '../../devnet/chain/callAtTimestamp.js';
import { Devnet } from '../../devnet/Devnet.js';
import { addLiquidity, alignTick, CREATE_POOL_GAS_LIMIT, poolAt } from '../../devnet/scenario/pools.js';
import { readOracleVectors, type OracleCase } from '../support/goldenVectors.js';

const vectors = readOracleVectors();
const TICK_SPACING: Record<number, number> = { 500: 10, 3000: 60, 10000: 200 };

interface PoolPlan {
  tokens: [string, string];
  fee: number;
  sqrtPriceX96: bigint;
  /** Active liquidity the oracle must see. */
  liquidity: bigint;
  /** Liquidity placed entirely above the current price (counts for nothing in liquidity()). */
  outOfRange: bigint;
}

const pairKey = (a: string, b: string) => [a.toLowerCase(), b.toLowerCase()].sort().join('/');

/** Every pool the cases need: the selected pools from the cases, plus the tie-break pools from the meta. */
function planPools(cases: OracleCase[]): PoolPlan[] {
  const plans = new Map<string, PoolPlan>();
  const priceOfPair = new Map<string, bigint>();
  for (const c of cases) {
    if (c.fee === null || c.sqrtPriceX96 === null || c.liquidity === null) continue;
    const key = `${pairKey(c.sell, c.buy)}/${c.fee}`;
    priceOfPair.set(pairKey(c.sell, c.buy), BigInt(c.sqrtPriceX96));
    plans.set(key, {
      tokens: [c.sell, c.buy],
      fee: c.fee,
      sqrtPriceX96: BigInt(c.sqrtPriceX96),
      liquidity: BigInt(c.liquidity),
      outOfRange: 0n,
    });
  }
  for (const tie of vectors.meta.tiePools) {
    const price = priceOfPair.get(pairKey(...tie.tokens)) ?? 2n ** 96n;
    const outOfRange = /^(\d+) has 1e(\d+) but out of range/.exec(tie.label);
    for (const [fee, pool] of Object.entries(tie.pools)) {
      const key = `${pairKey(...tie.tokens)}/${fee}`;
      const known = plans.get(key);
      plans.set(key, {
        tokens: tie.tokens,
        fee: Number(fee),
        sqrtPriceX96: known?.sqrtPriceX96 ?? price,
        liquidity: BigInt(pool.liquidity),
        outOfRange: outOfRange && outOfRange[1] === fee ? 10n ** BigInt(outOfRange[2] ?? '0') : 0n,
      });
    }
  }
  return [...plans.values()];
}

describe('Oracle (generation 1) equals the real contract on every golden case', () => {
  let devnet: Devnet;
  let oracle: Contract;

  beforeAll(async () => {
    devnet = await Devnet.start({ genesisTimestampSec: 1_800_000_000 });
    oracle = devnet.contracts.oracle;
    // The real contracts ran at these exact token addresses; the ordering of the raw addresses is part of
    // the math (orientation), so we put test tokens at the same addresses.
    const tokenCode = devnet.artifacts.TestERC20?.deployedBytecode;
    if (!tokenCode) throw new Error('TestERC20 not compiled');
    const tokens = new Set<string>();
    for (const c of vectors.cases) tokens.add(getAddress(c.sell)).add(getAddress(c.buy));
    for (const tie of vectors.meta.tiePools) tie.tokens.forEach((t) => tokens.add(getAddress(t)));
    for (const token of tokens) {
      const existing = await devnet.provider.getCode(token);
      if (existing !== '0x') throw new Error(`vector token ${token} collides with a devnet contract`);
      await devnet.provider.send('anvil_setCode', [token, tokenCode]);
    }
    const twin = (t: string) =>
      getAddress(`0x${keccak256(toUtf8Bytes(`twin ${t.toLowerCase()}`)).slice(26)}`);
    const lp = await devnet.actor('lp');
    const { factory } = devnet.contracts;
    for (const plan of planPools(vectors.cases)) {
      const [a, b] = plan.tokens;
      await devnet.send(`createPool ${a}/${b}/${plan.fee}`, () =>
        factory.getFunction('createPool')(a, b, twin(a), twin(b), plan.fee, {
          gasLimit: CREATE_POOL_GAS_LIMIT,
        }),
      );
      const pool = poolAt(devnet, (await factory.getFunction('getPool')(a, b, plan.fee)) as string);
      const asDeployer = pool.connect(devnet.deployer) as Contract;
      await devnet.send('initialize', () => asDeployer.getFunction('initialize')(plan.sqrtPriceX96));
      const [, tick] = (await pool.getFunction('slot0')()) as [bigint, bigint];
      const spacing = TICK_SPACING[plan.fee] ?? 1;
      const base = alignTick(Number(tick), spacing);
      if (plan.liquidity > 0n) {
        const lower = Number(tick) < base ? base - spacing : base;
        await addLiquidity(devnet, lp, pool, lower, lower + spacing, plan.liquidity);
      }
      if (plan.outOfRange > 0n) {
        await addLiquidity(devnet, lp, pool, base + 10 * spacing, base + 20 * spacing, plan.outOfRange);
      }
      expect((await pool.getFunction('liquidity')()) as bigint).toBe(plan.liquidity);
    }
  });

  afterAll(async () => {
    await devnet?.stop();
  });

  it('has the whole public set', () => {
    expect(vectors.cases.length).toBe(vectors.meta.count);
    expect(vectors.cases.length).toBeGreaterThanOrEqual(150);
  });

  it.each(vectors.cases.map((c) => [c.id, c.category, c.note, c] as const))(
    'case %i (%s: %s)',
    async (_id, _category, _note, c) => {
      const data = oracle.interface.encodeFunctionData('getAmountOut', [c.buy, c.sell, c.amount]);
      const head = await devnet.producer.latest();
      const outcome = await callAtTimestamp(
        devnet.provider,
        { to: devnet.addresses.oracle, data },
        head.timestampSec,
      );
      if (c.result === 'revert') {
        expect(outcome.ok).toBe(false);
        const expectedKind = c.revertKind?.startsWith('invalid opcode') ? 'invalid-opcode' : 'revert';
        expect(outcome.ok ? 'ok' : outcome.kind).toBe(expectedKind);
        return;
      }
      expect(outcome.ok, outcome.ok ? '' : outcome.message).toBe(true);
      if (!outcome.ok) return;
      const [result] = AbiCoder.defaultAbiCoder().decode(['uint256'], outcome.data);
      expect((result as bigint).toString()).toBe(c.result);
      if (c.fee !== null) {
        const [, liquidity, fee] = (await oracle.getFunction('findPoolWithHighestLiquidity')(
          c.buy,
          c.sell,
        )) as [string, bigint, bigint];
        expect(Number(fee)).toBe(c.fee);
        expect(liquidity.toString()).toBe(c.liquidity);
      }
    },
  );
});
