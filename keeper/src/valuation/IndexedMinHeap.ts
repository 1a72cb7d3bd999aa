/**
 * A binary min-heap of small non-negative integer ids keyed by bigint times, with the heap position of every id
 * kept in a typed array, so that changing or removing an id's key is O(log n) with no lookup structure and no
 * allocation. `LiquidationQueue` puts positionIds on top of it; the valuation book uses its dense slots directly.
 *
 * Comparisons read a float copy of each key from one contiguous array and fall back to the exact bigints only
 * on a float tie: Number() never reverses the order of two bigints, and bigints live scattered on the heap, so
 * this saves a cache miss per level of every sift. A key given as an integer-valued float (`setFloat`) has no
 * bigint at all: the float is the key.
 */
export class IndexedMinHeap {
  private readonly ids: number[] = [];
  /** The exact key, or undefined when the float copy is the key itself. */
  private readonly keys: (bigint | undefined)[] = [];
  private approx = new Float64Array(64);
  /** id → heap index + 1; 0 when absent. */
  private where = new Int32Array(64);
  private readonly stack: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  has(id: number): boolean {
    return id < this.where.length && this.where[id]! > 0;
  }

  keyOf(id: number): bigint | undefined {
    return this.has(id) ? this.exactAt(this.where[id]! - 1) : undefined;
  }

  peekId(): number | undefined {
    return this.ids[0];
  }

  peekKey(): bigint | undefined {
    return this.ids.length > 0 ? this.exactAt(0) : undefined;
  }

  /** Inserts `id`, or moves it to its new key (decrease- or increase-key). */
  set(id: number, key: bigint): void {
    this.place(id, Number(key), key);
  }

  /** `set` with a key that is an integer-valued float (no bigint needed). */
  setFloat(id: number, key: number): void {
    this.place(id, key, undefined);
  }

  private place(id: number, near: number, exact: bigint | undefined): void {
    if (id >= this.where.length) this.growTo(id);
    const at = this.where[id]! - 1;
    if (at < 0) {
      this.ids.push(id);
      this.keys.push(exact);
      if (this.ids.length > this.approx.length) this.approx = growFloats(this.approx);
      this.approx[this.ids.length - 1] = near;
      this.where[id] = this.ids.length;
      this.siftUp(this.ids.length - 1);
      return;
    }
    const beforeNear = this.approx[at]!;
    const beforeExact = this.keys[at];
    this.keys[at] = exact;
    this.approx[at] = near;
    const order = compare(near, exact, beforeNear, beforeExact);
    if (order < 0) this.siftUp(at);
    else if (order > 0) this.siftDown(at);
  }

  private exactAt(at: number): bigint {
    return this.keys[at] ?? BigInt(this.approx[at]!);
  }

  delete(id: number): boolean {
    if (!this.has(id)) return false;
    const at = this.where[id]! - 1;
    this.where[id] = 0;
    const lastId = this.ids.pop()!;
    const lastKey = this.keys.pop();
    if (at < this.ids.length) {
      this.ids[at] = lastId;
      this.keys[at] = lastKey;
      this.approx[at] = this.approx[this.ids.length]!;
      this.where[lastId] = at + 1;
      this.siftUp(at);
      this.siftDown(this.where[lastId]! - 1);
    }
    return true;
  }

  /** Every id whose key is at most `maxKey`, in heap order; only that part of the heap is visited. */
  atMost(maxKey: bigint, out: number[] = []): number[] {
    const { ids, keys, approx, stack } = this;
    if (ids.length === 0) return out;
    const maxNear = Number(maxKey);
    stack.length = 0;
    stack.push(0);
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (compare(approx[i]!, keys[i], maxNear, maxKey) > 0) continue;
      out.push(ids[i]!);
      const left = 2 * i + 1;
      if (left < ids.length) stack.push(left);
      if (left + 1 < ids.length) stack.push(left + 1);
    }
    return out;
  }

  private growTo(id: number): void {
    let length = this.where.length;
    while (length <= id) length *= 2;
    const where = new Int32Array(length);
    where.set(this.where);
    this.where = where;
  }

  private siftUp(start: number): void {
    const { ids, keys, approx, where } = this;
    const id = ids[start]!;
    const key = keys[start];
    const near = approx[start]!;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentNear = approx[parent]!;
      if (parentNear < near || (parentNear === near && compare(parentNear, keys[parent], near, key) <= 0))
        break;
      const parentId = ids[parent]!;
      ids[i] = parentId;
      keys[i] = keys[parent];
      approx[i] = parentNear;
      where[parentId] = i + 1;
      i = parent;
    }
    ids[i] = id;
    keys[i] = key;
    approx[i] = near;
    where[id] = i + 1;
  }

  private siftDown(start: number): void {
    const { ids, keys, approx, where } = this;
    const n = ids.length;
    const id = ids[start]!;
    const key = keys[start];
    const near = approx[start]!;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child =
        right < n && compare(approx[right]!, keys[right], approx[left]!, keys[left]) < 0 ? right : left;
      const childNear = approx[child]!;
      if (childNear > near || (childNear === near && compare(childNear, keys[child], near, key) >= 0)) break;
      const childId = ids[child]!;
      ids[i] = childId;
      keys[i] = keys[child];
      approx[i] = childNear;
      where[childId] = i + 1;
      i = child;
    }
    ids[i] = id;
    keys[i] = key;
    approx[i] = near;
    where[id] = i + 1;
  }
}

/** Orders two keys by their floats, and on a float tie by their exact values (a float key is its own value). */
function compare(
  nearA: number,
  exactA: bigint | undefined,
  nearB: number,
  exactB: bigint | undefined,
): number {
  if (nearA !== nearB) return nearA < nearB ? -1 : 1;
  if (exactA === undefined && exactB === undefined) return 0;
  const a = exactA ?? BigInt(nearA);
  const b = exactB ?? BigInt(nearB);
  return a < b ? -1 : a > b ? 1 : 0;
}

function growFloats(array: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
