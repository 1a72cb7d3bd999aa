import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import { describeMarketOracle } from '../../devnet/scenario/describeMarketOracle.js';
import { setUpKeeperMarket, type KeeperMarket } from '../../devnet/scenario/keeperMarket.js';
import { addLiquidity, CREATE_POOL_GAS_LIMIT, createPool, poolAt } from '../../devnet/scenario/pools.js';
import { deployToken } from '../../devnet/scenario/tokens.js';

const Q96 = 2n ** 96n;

// The gen-3 devnet prices its market with the 2d3ffd2 TWAP oracle: a pool the oracle cannot use yet must be named
// at start, not discovered later as positions that never become liquidatable.
describe('the devnet reports which pools its TWAP oracle can use', () => {
  let devnet: Devnet;
  let market: KeeperMarket;

  beforeAll(async () => {
    devnet = await Devnet.start({ generation: 3, priceOracle: 'twap2d3ffd2' });
    market = await setUpKeeperMarket(devnet, { positions: 2, seed: 3 });
  }, 180_000);
  afterAll(async () => {
    await devnet?.stop();
  });

  it('says every prepared pool serves the window, and names one too young for it and one never initialised', async () => {
    expect(market.oracle).toBe(devnet.addresses.twapOracle);
    const prepared = await describeMarketOracle(devnet, market);
    expect(prepared).toHaveLength(market.pools.length);
    for (const line of prepared) expect(line).toMatch(/ring \d+\/151 slots, serves the 1800 s TWAP$/);

    const lp = await devnet.actor('lp');
    const [young, untouched] = [await deployToken(devnet, 'YNG'), await deployToken(devnet, 'UNT')];
    const youngPool = await createPool(devnet, young, market.base, 3000, Q96);
    await addLiquidity(devnet, lp, youngPool, -600, 600, 10n ** 20n);
    const { factory } = devnet.contracts;
    await devnet.send('createPool UNT (never initialised)', () =>
      factory.getFunction('createPool')(
        untouched.address,
        market.base.address,
        untouched.twin,
        market.base.twin,
        3000,
        {
          gasLimit: CREATE_POOL_GAS_LIMIT,
        },
      ),
    );
    const uninitialised = poolAt(
      devnet,
      (await factory.getFunction('getPool')(untouched.address, market.base.address, 3000)) as string,
    );
    const lines = await describeMarketOracle(devnet, { ...market, pools: [youngPool, uninitialised] });
    expect(lines[0]).toMatch(/ring 1\/1 slots, CANNOT serve the 1800 s TWAP yet/);
    expect(lines[1]).toMatch(/ring 0\/0 slots, CANNOT serve the 1800 s TWAP yet/);
  }, 120_000);
});
