import { describe, expect, it } from 'vitest';
import type { Address, PoolState } from '../model/types.js';
import { poolAddressPairs, PoolIndex } from './PoolIndex.js';

const a = (n: number) => `0x${n.toString(16).padStart(40, '0')}` as Address;
const pool = (over: Partial<PoolState> = {}): PoolState => ({
  address: a(0xabc),
  fee: 3000,
  token0: a(1),
  token1: a(2),
  token0Erc223: a(11),
  token1Erc223: a(12),
  initialized: true,
  sqrtPriceX96: 1n << 96n,
  tick: 0,
  liquidity: 1n,
  ...over,
});

describe('PoolIndex answers like factory.getPool', () => {
  const index = PoolIndex.from([pool()]);
  const combos: [Address, Address][] = [
    [a(1), a(2)],
    [a(2), a(1)],
    [a(1), a(12)],
    [a(12), a(1)],
    [a(11), a(2)],
    [a(2), a(11)],
    [a(11), a(12)],
    [a(12), a(11)],
  ];
  it.each(combos)('getPool(%s, %s, 3000) names the pool', (x, y) => {
    expect(index.get(x, y, 3000)?.address).toBe(a(0xabc));
  });
  const misses: [string, Address, Address, number][] = [
    ['other fee', a(1), a(2), 500],
    ['a token with its own twin', a(1), a(11), 3000],
    ['unknown token', a(1), a(3), 3000],
  ];
  it.each(misses)('no pool: %s', (_label, x, y, fee) => {
    expect(index.get(x, y, fee)).toBeUndefined();
  });

  it('accepts checksummed (mixed-case) addresses', () => {
    const mixed = PoolIndex.from([pool({ token0: '0x00000000000000000000000000000000000000aB' as Address })]);
    expect(mixed.get('0x00000000000000000000000000000000000000AB' as Address, a(2), 3000)).toBeDefined();
  });

  it('replacing a pool replaces every key; removing clears them', () => {
    const idx = PoolIndex.from([pool()]);
    const moved = pool({ liquidity: 99n });
    expect(idx.upsert(moved)?.liquidity).toBe(1n);
    expect(idx.get(a(12), a(11), 3000)).toBe(moved);
    idx.remove(a(0xabc));
    expect(idx.get(a(1), a(2), 3000)).toBeUndefined();
    expect(idx.size).toBe(0);
  });

  it('a twin equal to its ERC-20 gives fewer address pairs', () => {
    expect(poolAddressPairs(pool())).toHaveLength(4);
    expect(poolAddressPairs(pool({ token0Erc223: a(1) }))).toHaveLength(2);
    expect(poolAddressPairs(pool({ token0Erc223: a(1), token1Erc223: a(2) }))).toEqual([[a(1), a(2)]]);
  });
});
