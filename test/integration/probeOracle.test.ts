import type { Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployArtifact } from '../../devnet/deploy/deployCore.js';
import { Devnet } from '../../devnet/Devnet.js';
import type { Address } from '../../keeper/src/model/types.js';
import { dispatchesSelector, OracleProber, probeOracle } from '../../keeper/src/oracles/probeOracle.js';

let devnet: Devnet;
const lower = (a: string) => a.toLowerCase() as Address;

beforeAll(async () => {
  devnet = await Devnet.start();
});
afterAll(async () => {
  await devnet?.stop();
});

describe('probeOracle identifies oracles by their interface', () => {
  it('the generation-1 spot oracle, with its storage knobs', async () => {
    const profile = await probeOracle(devnet.provider, lower(devnet.addresses.oracle));
    expect(profile).toEqual({
      kind: 'gen1-spot',
      address: lower(devnet.addresses.oracle),
      factory: lower(devnet.addresses.factory),
      feeTiers: [500, 3000, 10000],
      pricePrecisionDecimals: 5n,
    });
  });

  it('reads changed fee tiers and precision from storage', async () => {
    const oracle = devnet.contracts.oracle as Contract;
    await devnet.send('setFeeTiers', () => oracle.getFunction('setFeeTiers')([3000, 500]));
    await devnet.send('setPrecision', () => oracle.getFunction('setPricePrecisionDecimals')(6));
    const profile = await new OracleProber(devnet.provider).profile(lower(devnet.addresses.oracle));
    expect(profile).toMatchObject({ kind: 'gen1-spot', feeTiers: [3000, 500], pricePrecisionDecimals: 6n });
  });

  it('the fixed-ratio test oracle', async () => {
    const profile = await probeOracle(devnet.provider, lower(devnet.addresses.fixedRatioOracle));
    expect(profile.kind).toBe('fixed-ratio');
  });

  it('both TWAP oracles, told apart by pricePrecisionDecimals and harmonicMeanLiquidity, with window and tiers', async () => {
    const factory = lower(devnet.addresses.factory);
    const deploy = async (name: string, window: number) =>
      lower(await (await deployArtifact(devnet, name, [factory, window])).contract.getAddress());
    const old = await deploy('TwapOracle6e5e5c3', 1800);
    const full = await deploy('TwapOracle2d3ffd2', 7);
    expect(await probeOracle(devnet.provider, old)).toEqual({
      kind: 'twap-6e5e5c3',
      address: old,
      factory,
      twapWindow: 1800,
      feeTiers: [500, 3000, 10000],
    });
    const prober = new OracleProber(devnet.provider);
    expect(await prober.profile(full)).toEqual({
      kind: 'twap-2d3ffd2',
      address: full,
      factory,
      twapWindow: 7,
      feeTiers: [500, 3000, 10000],
    });
    // The selector scan that tells them apart finds the function only where it is.
    expect(dispatchesSelector(await devnet.provider.getCode(full), 'harmonicMeanLiquidity')).toBe(true);
    expect(dispatchesSelector(await devnet.provider.getCode(old), 'harmonicMeanLiquidity')).toBe(false);
  });

  it('anything else is valued on chain, with the reason', async () => {
    expect(await probeOracle(devnet.provider, lower(devnet.addresses.marginModule))).toMatchObject({
      kind: 'onchain',
      reason: expect.stringMatching(/unknown oracle interface/),
    });
    expect(await probeOracle(devnet.provider, '0x00000000000000000000000000000000000000aa')).toMatchObject({
      kind: 'onchain',
      reason: 'no contract at the oracle address',
    });
  });
});
