import { IndexedMinHeap } from './IndexedMinHeap.js';

/**
 * Positions ordered by the timestamp at which they become liquidatable, by positionId: insert, decrease- or
 * increase-key and removal in O(log n), the due ones listed in O(due) without popping. PositionIds are uint256,
 * so each gets a small handle into an `IndexedMinHeap`; handles are reused after removal.
 */
export class LiquidationQueue {
  private readonly heap = new IndexedMinHeap();
  private readonly handles = new Map<bigint, number>();
  private readonly positionIds: bigint[] = [];
  private readonly freeHandles: number[] = [];

  get size(): number {
    return this.heap.size;
  }

  has(positionId: bigint): boolean {
    return this.handles.has(positionId);
  }

  get(positionId: bigint): bigint | undefined {
    const handle = this.handles.get(positionId);
    return handle === undefined ? undefined : this.heap.keyOf(handle);
  }

  set(positionId: bigint, atSec: bigint): void {
    let handle = this.handles.get(positionId);
    if (handle === undefined) {
      handle = this.freeHandles.pop() ?? this.positionIds.length;
      this.positionIds[handle] = positionId;
      this.handles.set(positionId, handle);
    }
    this.heap.set(handle, atSec);
  }

  delete(positionId: bigint): boolean {
    const handle = this.handles.get(positionId);
    if (handle === undefined) return false;
    this.handles.delete(positionId);
    this.heap.delete(handle);
    this.freeHandles.push(handle);
    return true;
  }

  peek(): { positionId: bigint; atSec: bigint } | undefined {
    const handle = this.heap.peekId();
    return handle === undefined
      ? undefined
      : { positionId: this.positionIds[handle]!, atSec: this.heap.peekKey()! };
  }

  pop(): { positionId: bigint; atSec: bigint } | undefined {
    const top = this.peek();
    if (top) this.delete(top.positionId);
    return top;
  }

  /** Every positionId due by `timestampSec` (time ≤ it), in heap order. */
  dueBy(timestampSec: bigint): bigint[] {
    return this.heap.atMost(timestampSec).map((handle) => this.positionIds[handle]!);
  }
}
