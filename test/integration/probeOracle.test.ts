import type { Contract } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Devnet } from '../../devnet/Devnet.js';
import type { Address } from '../../keeper/src/model/types.js';
import { OracleProber, probeOracle } from '../../keeper/src/oracles/probeOracle.js';

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
