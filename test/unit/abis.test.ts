import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Interface, id } from 'ethers';
import { describe, expect, it } from 'vitest';
import { readSpecEvents } from '../support/specEvents.js';

const abiDir = join(import.meta.dirname, '..', '..', 'abis');
const loadAbi = (name: string) =>
  new Interface(JSON.parse(readFileSync(join(abiDir, `${name}.json`), 'utf8')));

describe('abis/ match the spec', () => {
  const spec = readSpecEvents();
  const cases = [
    { abi: 'MarginModule', events: spec.marginModule, expectedCount: 18 },
    { abi: 'Dex223Factory', events: spec.factory, expectedCount: 1 },
    { abi: 'Dex223Pool', events: spec.pool, expectedCount: 4 },
  ];

  for (const { abi, events, expectedCount } of cases) {
    it(`${abi}: every spec event has the spec's topic0 and indexed flags`, () => {
      expect(events).toHaveLength(expectedCount);
      const iface = loadAbi(abi);
      for (const event of events) {
        const fragment = iface.getEvent(event.name);
        expect(fragment, `${event.name} missing from abis/${abi}.json`).not.toBeNull();
        expect(fragment!.topicHash, event.signature).toBe(id(event.signature));
        expect(
          fragment!.inputs.map((p) => p.indexed),
          event.signature,
        ).toEqual(event.indexed);
      }
    });
  }

  it('the spec parser reads known signatures exactly', () => {
    const byName = new Map(spec.marginModule.map((e) => [e.name, e]));
    expect(byName.get('PositionOpened')?.signature).toBe(
      'PositionOpened(uint256,address,uint256,address,address,uint256)',
    );
    expect(byName.get('PositionOpened')?.indexed).toEqual([true, true, false, false, false, false]);
    expect(byName.get('PositionLiquidated')?.signature).toBe('PositionLiquidated(uint256,address,uint256)');
    expect(spec.factory[0]?.signature).toBe(
      'PoolCreated(address,address,address,address,uint24,int24,address)',
    );
    expect(spec.factory[0]?.indexed).toEqual([true, true, false, false, true, false, false]);
  });

  it('the keeper-facing functions have the spec signatures', () => {
    const mm = loadAbi('MarginModule');
    for (const signature of [
      'subjectToLiquidation(uint256)',
      'getPositionStatus(uint256)',
      'subjectToLiquidationExtended(uint256)',
      'liquidate(uint256,address)',
      'multicall(bytes[])',
      'getOrderExpirationData(uint256)',
      'positions(uint256)',
      'getPositionAssets(uint256)',
      'getPositionBalances(uint256)',
      'takeLoan(uint256,uint256,uint256,uint256)',
      'marginSwap(uint256,uint256,uint256,uint256,uint256,address,uint24,uint256,uint160)',
      'createOrder((bytes32,uint256,uint256,uint256,uint256,address,address,uint32,uint16,uint8,address,address[]))',
    ]) {
      expect(mm.getFunction(signature), signature).not.toBeNull();
    }
    const oracle = loadAbi('Oracle');
    expect(oracle.getFunction('getAmountOut(address,address,uint256)')).not.toBeNull();
    expect(oracle.getFunction('findPoolWithHighestLiquidity(address,address)')).not.toBeNull();
  });
});
