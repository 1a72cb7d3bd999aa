import { AbiCoder, Interface, getAddress, type InterfaceAbi } from 'ethers';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callAtTimestamp,
  type AccountOverride,
  type CallOutcome,
} from '../../devnet/chain/callAtTimestamp.js';
import { deployArtifact } from '../../devnet/deploy/deployCore.js';
import { Devnet } from '../../devnet/Devnet.js';
import { CREATE_POOL_GAS_LIMIT } from '../../devnet/scenario/pools.js';
import {
  readTwap2d3ffd2Vectors,
  readTwap6e5e5c3Vectors,
  type TwapCase,
  type TwapPoolState,
  type TwapVectors,
} from '../support/goldenVectors.js';
import { existingTiers, twapCaseOverrides, type TwapReplayTarget } from '../support/twapCaseOverrides.js';

const require = createRequire(import.meta.url);
const poolInterface = new Interface(
  (
    require('@uniswap/v3-core/artifacts/contracts/UniswapV3Pool.sol/UniswapV3Pool.json') as {
      abi: InterfaceAbi;
    }
  ).abi,
);
const coder = AbiCoder.defaultAbiCoder();
const FEE_TIERS = ['500', '3000', '10000'];

interface Suite {
  commit: string;
  artifact: string;
  vectors: TwapVectors;
  /** Deployed oracle per TWAP window (the vectors use more than one). */
  oracles: Map<number, string>;
  run: number;
  matched: number;
}

const suites: Suite[] = [
  {
    commit: '2d3ffd2',
    artifact: 'TwapOracle2d3ffd2',
    vectors: readTwap2d3ffd2Vectors(),
    oracles: new Map(),
    run: 0,
    matched: 0,
  },
  {
    commit: '6e5e5c3',
    artifact: 'TwapOracle6e5e5c3',
    vectors: readTwap6e5e5c3Vectors(),
    oracles: new Map(),
    run: 0,
    matched: 0,
  },
];

/** Each per-tier view the vectors carry → the oracle function that computes it. */
const VIEW_FUNCTIONS: Record<string, string> = {
  poolCanServeWindow: 'poolCanServeWindow',
  harmonicMeanLiquidity: 'harmonicMeanLiquidity',
  twapTick: 'getTwapTick',
  twapSqrtPriceX96: 'getTwapSqrtPriceX96',
};

/** The revert as the vectors write it: the Error(string) message, or "revert (no data)". */
function revertReason(outcome: Extract<CallOutcome, { ok: false }>): string {
  if (outcome.kind === 'invalid-opcode') return 'invalid opcode';
  if (outcome.data === '0x') return 'revert (no data)';
  if (outcome.data.startsWith('0x08c379a0')) {
    return coder.decode(['string'], `0x${outcome.data.slice(10)}`)[0] as string;
  }
  return `revert data ${outcome.data}`;
}

/** JSON-shaped value of a view's outputs, as the vectors hold them (bigints as decimal strings). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  return value;
}

describe('TWAP oracles 2d3ffd2 and 6e5e5c3 equal the real contracts on every golden case', () => {
  let devnet: Devnet;
  let target: TwapReplayTarget;

  beforeAll(async () => {
    devnet = await Devnet.start({ genesisTimestampSec: 1_800_000_000 });
    const factory = await deployArtifact(devnet, 'VectorPoolFactory');
    const factoryAddress = await factory.contract.getAddress();
    for (const suite of suites) {
      for (const { twapWindow } of suite.vectors.meta.oracles) {
        const oracle = await deployArtifact(devnet, suite.artifact, [factoryAddress, twapWindow]);
        suite.oracles.set(twapWindow, await oracle.contract.getAddress());
      }
    }
    // One real pool per tier is enough: a case has at most one pool per tier, and each call gets its own state.
    const realPools: Record<string, string> = {};
    const dex223Factory = devnet.contracts.factory;
    for (const [tier, fee] of FEE_TIERS.entries()) {
      // Synthetic token addresses: the pool never calls its tokens for the views the oracle uses.
      const [a, b, twinA, twinB] = [1, 2, 3, 4].map((n) => getAddress(`0x${'7e'.repeat(19)}${tier}${n}`));
      await devnet.send(`real pool ${fee}`, () =>
        dex223Factory.getFunction('createPool')(a, b, twinA, twinB, Number(fee), {
          gasLimit: CREATE_POOL_GAS_LIMIT,
        }),
      );
      realPools[fee] = (await dex223Factory.getFunction('getPool')(a, b, Number(fee))) as string;
    }
    const adapterCode = devnet.artifacts.VectorPoolAdapter?.deployedBytecode;
    if (!adapterCode) throw new Error('VectorPoolAdapter not compiled');
    target = { factory: factoryAddress, adapterCode, realPools };
    // The adapters take the vectors' pool addresses; none may hide a devnet contract.
    const poolAddresses = new Set(
      suites.flatMap((s) => s.vectors.cases.flatMap((c) => existingTiers(c).map(([, p]) => p.address))),
    );
    for (const address of poolAddresses) {
      expect(await devnet.provider.getCode(address), address).toBe('0x');
    }
  });

  afterAll(async () => {
    for (const suite of suites) {
      const { commit, matched, run, vectors } = suite;
      // Figures for the report; a filtered run (-t) shows how many of the file's cases it ran.
      console.log(
        `TWAP oracle ${commit}: ${matched}/${run} golden cases matched (${vectors.cases.length} in the file)`,
      );
    }
    await devnet?.stop();
  });

  /** One view at the case's block time on the case's planted state: its outputs, or its revert reason. */
  async function view(
    c: TwapCase,
    overrides: Record<string, AccountOverride>,
    to: string,
    iface: Interface,
    name: string,
    args: unknown[],
  ): Promise<{ values: unknown[] } | { revert: string }> {
    const data = iface.encodeFunctionData(name, args);
    const outcome = await callAtTimestamp(devnet.provider, { to, data }, c.timestamp, 'latest', overrides);
    if (!outcome.ok) return { revert: revertReason(outcome) };
    return { values: [...iface.decodeFunctionResult(name, outcome.data)] };
  }

  /** Reads the planted pool back through its adapter, in the vectors' shape. */
  async function readPool(
    c: TwapCase,
    overrides: Record<string, AccountOverride>,
    pool: TwapPoolState,
    adapterInterface: Interface,
  ): Promise<unknown> {
    const values = async (iface: Interface, name: string, args: unknown[] = []) => {
      const outcome = await view(c, overrides, pool.address, iface, name, args);
      if ('revert' in outcome) throw new Error(`${name} on ${pool.address} reverted: ${outcome.revert}`);
      return outcome.values;
    };
    const [slot0, liquidity, token0, token1, ...ring] = await Promise.all([
      values(poolInterface, 'slot0'),
      values(poolInterface, 'liquidity'),
      values(adapterInterface, 'token0'),
      values(adapterInterface, 'token1'),
      ...pool.observations.map((_, i) => values(poolInterface, 'observations', [i])),
    ]);
    const tuple = (t: unknown[] | undefined) => ({ erc20: t?.[0], erc223: t?.[1] });
    return {
      exists: true,
      address: pool.address,
      token0: tuple(token0),
      token1: tuple(token1),
      slot0: {
        sqrtPriceX96: plain(slot0?.[0]),
        tick: Number(slot0?.[1]),
        observationIndex: Number(slot0?.[2]),
        observationCardinality: Number(slot0?.[3]),
        observationCardinalityNext: Number(slot0?.[4]),
      },
      liquidity: plain(liquidity?.[0]),
      observations: ring.map((o, index) => ({
        index,
        blockTimestamp: Number(o[0]),
        tickCumulative: plain(o[1]),
        secondsPerLiquidityCumulativeX128: plain(o[2]),
        initialized: o[3],
      })),
    };
  }

  for (const suite of suites) {
    const { commit, vectors } = suite;

    it(`${commit}: the public set is there`, () => {
      expect(vectors.meta.upstream.commit.startsWith(commit)).toBe(true);
      expect(vectors.cases.length).toBeGreaterThan(0);
      expect(vectors.cases.length).toBe(vectors.meta.count);
    });

    it.each(vectors.cases.map((c) => [c.id, c.label, c] as const))(
      `${commit} case %i (%s)`,
      async (_id, _label, c) => {
        suite.run += 1;
        expect(c.oracle.commit).toBe(commit);
        const oracleAddress = suite.oracles.get(c.oracle.twapWindow);
        if (!oracleAddress) throw new Error(`no oracle deployed for window ${c.oracle.twapWindow}`);
        const oracleInterface = new Interface(devnet.artifacts[suite.artifact]?.abi as InterfaceAbi);
        const adapterInterface = new Interface(devnet.artifacts.VectorPoolAdapter?.abi as InterfaceAbi);
        const overrides = twapCaseOverrides(c, target);

        // The planted state reads back as the case's state: the storage layout and the adapter are right.
        for (const [, pool] of existingTiers(c)) {
          expect(await readPool(c, overrides, pool, adapterInterface)).toEqual(pool);
        }

        const call = (name: string, args: unknown[]) =>
          view(c, overrides, oracleAddress, oracleInterface, name, args);
        const amountOut = await call('getAmountOut', [c.buy, c.sell, c.amount]);
        const found = await call('findPoolWithHighestLiquidity', [c.buy, c.sell]);
        const perTier: Record<string, Record<string, unknown>> = {};
        for (const [fee, expectedViews] of Object.entries(c.oracleViews.perTier)) {
          const pool = c.pools[fee];
          if (!pool?.exists) throw new Error(`case ${c.id}: views for tier ${fee}, which has no pool`);
          perTier[fee] = {};
          for (const key of Object.keys(expectedViews)) {
            const fn = VIEW_FUNCTIONS[key];
            if (!fn) throw new Error(`case ${c.id}: unknown view ${key} in the vectors`);
            const outcome = await call(fn, [pool.address]);
            const value = 'revert' in outcome ? undefined : outcome.values[0];
            // The vectors hold ticks as numbers and the uint views as decimal strings.
            perTier[fee][key] =
              'revert' in outcome ? outcome : key === 'twapTick' ? Number(value) : plain(value);
          }
        }
        const actual = {
          result: 'revert' in amountOut ? 'revert' : plain(amountOut.values[0]),
          ...('revert' in amountOut ? { revertReason: amountOut.revert } : {}),
          oracleViews: {
            findPoolWithHighestLiquidity:
              'revert' in found
                ? found
                : {
                    pool: found.values[0],
                    liquidity: plain(found.values[1]),
                    fee: Number(found.values[2]),
                  },
            perTier,
          },
        };
        const expected = {
          result: c.result,
          ...(c.revertReason !== undefined ? { revertReason: c.revertReason } : {}),
          oracleViews: c.oracleViews,
        };
        // Every existing tier's views are in the vectors, so none goes unchecked.
        expect(Object.keys(c.oracleViews.perTier).sort()).toEqual(
          existingTiers(c)
            .map(([fee]) => fee)
            .sort(),
        );
        expect(actual).toEqual(expected);
        suite.matched += 1;
      },
    );
  }

  describe('behaviour the vectors do not cover', () => {
    const ZERO = '0x0000000000000000000000000000000000000000';
    const LOW = getAddress(`0x${'11'.repeat(20)}`);
    const HIGH = getAddress(`0x${'22'.repeat(20)}`);
    const T = 1_800_020_000;
    const QUIET_POOL = getAddress(`0x${'33'.repeat(20)}`);

    const oracleAt = (suite: Suite) => {
      const address = suite.oracles.get(1800);
      if (!address) throw new Error(`no ${suite.commit} oracle with window 1800`);
      return { address, iface: new Interface(devnet.artifacts[suite.artifact]?.abi as InterfaceAbi) };
    };

    /** A case of our own: one 3000 pool between LOW and HIGH that sat at `tick` for two windows. */
    const quietPool = (tick: number): TwapCase => ({
      id: -1,
      label: `quiet pool at tick ${tick}`,
      oracle: { commit: '', address: ZERO, twapWindow: 1800 },
      blockNumber: 0,
      timestamp: T,
      buy: HIGH,
      sell: LOW,
      amount: '0',
      sellSide: 'token0',
      sellAddressKind: 'erc20',
      buyAddressKind: 'erc20',
      pools: {
        '3000': {
          exists: true,
          address: QUIET_POOL,
          token0: { erc20: LOW, erc223: getAddress(`0x${'44'.repeat(20)}`) },
          token1: { erc20: HIGH, erc223: getAddress(`0x${'55'.repeat(20)}`) },
          slot0: {
            sqrtPriceX96: '1',
            tick,
            observationIndex: 0,
            observationCardinality: 1,
            observationCardinalityNext: 1,
          },
          liquidity: (10n ** 18n).toString(),
          observations: [
            {
              index: 0,
              blockTimestamp: T - 3600,
              tickCumulative: '0',
              secondsPerLiquidityCumulativeX128: '0',
              initialized: true,
            },
          ],
        },
      },
      result: '',
      oracleViews: { findPoolWithHighestLiquidity: { revert: '' }, perTier: {} },
    });

    it.each(suites.map((s) => [s.commit, s] as const))(
      '%s: the constructor rejects a zero factory and a zero window',
      async (_commit, suite) => {
        const artifact = devnet.artifacts[suite.artifact];
        if (!artifact) throw new Error(`${suite.artifact} not compiled`);
        const deployData = (factory: string, window: number) =>
          `${artifact.bytecode}${coder.encode(['address', 'uint32'], [factory, window]).slice(2)}`;
        await expect(devnet.provider.call({ data: deployData(ZERO, 1800) })).rejects.toMatchObject({
          reason: 'Oracle: zero factory',
        });
        await expect(devnet.provider.call({ data: deployData(LOW, 0) })).rejects.toMatchObject({
          reason: 'Oracle: zero window',
        });
        await expect(devnet.provider.call({ data: deployData(LOW, 1) })).resolves.toMatch(/^0x[0-9a-f]+$/);
      },
    );

    it.each(suites.map((s) => [s.commit, s] as const))(
      '%s: fixed fee tiers, window, factory and the probe surface',
      async (_commit, suite) => {
        const { address, iface } = oracleAt(suite);
        const c = quietPool(0);
        const call = (name: string, args: unknown[] = []) => view(c, {}, address, iface, name, args);
        const tiers = await Promise.all([0, 1, 2, 3].map((i) => call('feeTiers', [i])));
        expect(tiers).toEqual([
          { values: [500n] },
          { values: [3000n] },
          { values: [10000n] },
          { revert: 'Oracle: invalid fee tier index' },
        ]);
        expect(await call('twapWindow')).toEqual({ values: [1800n] });
        expect(await call('factory')).toEqual({ values: [target.factory] });
        // How the keeper tells the two apart: each answers only its own probe (asked about a live pool, so
        // the one that has harmonicMeanLiquidity answers it).
        const probe = async (signature: string, args: unknown[]) => {
          const probeInterface = new Interface([`function ${signature} view returns (uint256)`]);
          const data = probeInterface.encodeFunctionData(signature.split('(')[0] ?? '', args);
          const overrides = twapCaseOverrides(c, target);
          return (await callAtTimestamp(devnet.provider, { to: address, data }, T, 'latest', overrides)).ok;
        };
        expect(await probe('pricePrecisionDecimals()', [])).toBe(suite.commit === '6e5e5c3');
        expect(await probe('harmonicMeanLiquidity(address)', [QUIET_POOL])).toBe(suite.commit === '2d3ffd2');
        if (suite.commit === '6e5e5c3')
          expect(await call('pricePrecisionDecimals')).toEqual({ values: [5n] });
      },
    );

    it.each(suites.map((s) => [s.commit, s] as const))(
      '%s: a zero tokenB is rejected',
      async (_commit, suite) => {
        const { address, iface } = oracleAt(suite);
        const c = quietPool(0);
        const outcome = await view(c, twapCaseOverrides(c, target), address, iface, 'getAmountOut', [
          LOW,
          ZERO,
          1,
        ]);
        expect(outcome).toEqual({ revert: 'Oracle: zero address tokenB' });
      },
    );

    it('dust at a tiny TWAP price: 6e5e5c3 gives 0 one way and reverts the other; 2d3ffd2 gives 0', async () => {
      // At tick -887000 the sqrt price is about 4.4e9 (Q64.96), so ((s*a)>>96)*s>>96 is 0 for a small amount.
      const c = quietPool(-887000);
      const overrides = twapCaseOverrides(c, target);
      const [v2d3, v6e5] = [suites[0], suites[1]].map((suite) => {
        if (!suite) throw new Error('suite missing');
        const { address, iface } = oracleAt(suite);
        return (name: string, args: unknown[]) => view(c, overrides, address, iface, name, args);
      });
      if (!v2d3 || !v6e5) throw new Error('suite missing');
      expect(await v6e5('getTwapTick', [QUIET_POOL])).toEqual({
        values: [-887000n],
      });
      // Selling token0 (LOW < HIGH): the direct product, 0 for both oracles.
      expect(await v6e5('getAmountOut', [HIGH, LOW, 1000])).toEqual({ values: [0n] });
      expect(await v2d3('getAmountOut', [HIGH, LOW, 1000])).toEqual({ values: [0n] });
      // Selling the higher address: 6e5e5c3 divides by that zero product and refuses.
      expect(await v6e5('getAmountOut', [LOW, HIGH, 1000])).toEqual({ revert: 'Oracle: zero price result' });
      const inverse = await v2d3('getAmountOut', [LOW, HIGH, 1000]);
      expect('values' in inverse && (inverse.values[0] as bigint) > 0n).toBe(true);
    });
  });
});
