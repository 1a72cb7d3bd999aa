import type { Address, PoolState } from '../model/types.js';

/**
 * `factory.getPool(x, y, fee)` over the pools the keeper mirrors: a Dex223 pool answers for every combination of
 * its tokens' ERC-20 and ERC-223 addresses, in both orders. One index stands for one factory.
 */
export class PoolIndex {
  private readonly byKey = new Map<string, PoolState>();
  private readonly byAddress = new Map<Address, PoolState>();

  static from(pools: Iterable<PoolState>): PoolIndex {
    const index = new PoolIndex();
    for (const pool of pools) index.upsert(pool);
    return index;
  }

  get size(): number {
    return this.byAddress.size;
  }

  /** The pool `getPool` names for these raw addresses (either order) and fee; undefined for address(0). */
  get(tokenA: Address, tokenB: Address, fee: number): PoolState | undefined {
    return this.byKey.get(pairFeeKey(tokenA.toLowerCase(), tokenB.toLowerCase(), fee));
  }

  byPoolAddress(address: Address): PoolState | undefined {
    return this.byAddress.get(address.toLowerCase() as Address);
  }

  /** Adds or replaces a pool (matched by its address); returns the state it replaced. */
  upsert(pool: PoolState): PoolState | undefined {
    const address = pool.address.toLowerCase() as Address;
    const previous = this.byAddress.get(address);
    if (previous) for (const key of poolKeys(previous)) this.byKey.delete(key);
    this.byAddress.set(address, pool);
    for (const key of poolKeys(pool)) this.byKey.set(key, pool);
    return previous;
  }

  remove(address: Address): void {
    const key = address.toLowerCase() as Address;
    const previous = this.byAddress.get(key);
    if (!previous) return;
    this.byAddress.delete(key);
    for (const k of poolKeys(previous)) if (this.byKey.get(k) === previous) this.byKey.delete(k);
  }

  values(): IterableIterator<PoolState> {
    return this.byAddress.values();
  }
}

/** The raw address pairs (unordered, lowercase) a pool answers for: up to four, fewer when a twin is the ERC-20. */
export function poolAddressPairs(pool: PoolState): [Address, Address][] {
  const side0 = unique([pool.token0, pool.token0Erc223]);
  const side1 = unique([pool.token1, pool.token1Erc223]);
  const pairs: [Address, Address][] = [];
  for (const x of side0) for (const y of side1) pairs.push(x < y ? [x, y] : [y, x]);
  return pairs;
}

function poolKeys(pool: PoolState): string[] {
  return poolAddressPairs(pool).map(([x, y]) => `${x}${y}${pool.fee}`);
}

function pairFeeKey(a: string, b: string, fee: number): string {
  return a < b ? `${a}${b}${fee}` : `${b}${a}${fee}`;
}

function unique(addresses: Address[]): Address[] {
  return [...new Set(addresses.map((a) => a.toLowerCase() as Address))];
}
