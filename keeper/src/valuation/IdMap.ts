/**
 * A map from uint256 ids (positionId, orderId) to values. The contract hands ids out from 0 upwards, so ids that
 * extend the sequence live in an array (a bigint-keyed Map costs several times more per lookup on the hot
 * path); an id far beyond the others goes to a Map, so a stray huge id cannot blow up the array.
 */
export class IdMap<V> {
  private readonly dense: (V | undefined)[] = [];
  private readonly sparse = new Map<bigint, V>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(id: bigint): V | undefined {
    const index = denseIndex(id, this.dense.length);
    if (index >= 0) {
      const value = this.dense[index];
      if (value !== undefined || this.sparse.size === 0) return value;
    }
    return this.sparse.get(id);
  }

  set(id: bigint, value: V): void {
    const index = denseIndex(id, this.dense.length + SLACK);
    if (index < 0) {
      if (!this.sparse.has(id)) this.count += 1;
      this.sparse.set(id, value);
      return;
    }
    if (this.sparse.size > 0 && this.sparse.delete(id)) this.count -= 1;
    while (this.dense.length < index) this.dense.push(undefined);
    if (this.dense[index] === undefined) this.count += 1;
    this.dense[index] = value;
  }

  delete(id: bigint): boolean {
    const index = denseIndex(id, this.dense.length);
    if (index >= 0 && this.dense[index] !== undefined) {
      this.dense[index] = undefined;
      this.count -= 1;
      return true;
    }
    if (!this.sparse.delete(id)) return false;
    this.count -= 1;
    return true;
  }

  *entries(): IterableIterator<[bigint, V]> {
    for (let i = 0; i < this.dense.length; i++) {
      const value = this.dense[i];
      if (value !== undefined) yield [BigInt(i), value];
    }
    yield* this.sparse;
  }
}

/** How far past the array's end a new id may land and still extend it. */
const SLACK = 4096;
const MAX_DENSE = 1n << 31n;

function denseIndex(id: bigint, limit: number): number {
  if (id < 0n || id >= MAX_DENSE) return -1;
  const index = Number(id);
  return index < limit ? index : -1;
}
