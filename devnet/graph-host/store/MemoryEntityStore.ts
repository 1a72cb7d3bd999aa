import type { EntityReader, EntityVersion } from './EntityReader.js';
import { storeValueEquals } from './formatStoreValue.js';
import type { EntityTypeModel, FieldModel, SubgraphSchema } from './SubgraphSchema.js';
import { StoreError, type BlockPtr, type EntityData, type EntityStore, type StoreValue } from './types.js';
import { checkEntityId, idStoreValue, validateEntity } from './validateEntity.js';

interface MutableVersion {
  readonly id: string;
  readonly data: EntityData;
  readonly fromBlock: number;
  toBlock: number;
}

/** Everything the store keeps for one entity type. */
class TypeTable {
  readonly model: EntityTypeModel;
  readonly compare: (a: string, b: string) => number;
  /** Versions per id in block order; the last one is current when its toBlock is Infinity. */
  readonly versions = new Map<string, MutableVersion[]>();
  /** Every id with at least one version, in id order, so id-ordered pages need not sort. */
  readonly sortedIds: string[] = [];
  /** Ids written per committed block, ascending, for `_change_block` without a full scan. */
  readonly changes: { block: number; ids: string[] }[] = [];
  /**
   * field -> referenced id -> ids of entities that referenced it in some version. Entries may be stale
   * (the reference changed, or the block was reverted): readers confirm against the visible version.
   */
  readonly references = new Map<string, Map<string, Set<string>>>();
  readonly referenceFields: FieldModel[];

  constructor(model: EntityTypeModel) {
    this.model = model;
    this.compare = idComparator(model);
    this.referenceFields = model.fields.filter((f) => f.kind === 'reference');
  }

  current(id: string): MutableVersion | undefined {
    const list = this.versions.get(id);
    const last = list?.[list.length - 1];
    return last && last.toBlock === Infinity ? last : undefined;
  }

  at(id: string, block: number): MutableVersion | undefined {
    const list = this.versions.get(id);
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const version = list[i] as MutableVersion;
      if (version.fromBlock <= block) return block < version.toBlock ? version : undefined;
    }
    return undefined;
  }

  insertSortedId(id: string): void {
    const ids = this.sortedIds;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(ids[mid] as string, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    ids.splice(lo, 0, id);
  }

  /** Index of the first id >= `id` (or > when `after`). */
  lowerBound(id: string, after: boolean): number {
    const ids = this.sortedIds;
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compare(ids[mid] as string, id);
      if (c < 0 || (after && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  removeSortedId(id: string): void {
    const index = this.lowerBound(id, false);
    if (this.sortedIds[index] === id) this.sortedIds.splice(index, 1);
  }

  indexReferences(id: string, data: EntityData): void {
    for (const field of this.referenceFields) {
      const value = data.get(field.name);
      if (!value) continue;
      for (const target of referencedIds(value)) {
        let byTarget = this.references.get(field.name);
        if (!byTarget) {
          byTarget = new Map();
          this.references.set(field.name, byTarget);
        }
        let ids = byTarget.get(target);
        if (!ids) {
          ids = new Set();
          byTarget.set(target, ids);
        }
        ids.add(id);
      }
    }
  }
}

/**
 * The graph host's entity store, in memory: every entity version with its block range, so reads at any
 * indexed block, `_change_block` and reorg rollback are exact. Writes follow graph-node's entity cache: a
 * `set` merges into the latest state (a null value unsets a field) and is validated against the schema; a
 * write that changes nothing creates no version; immutable entities are inserted once.
 */
export class MemoryEntityStore implements EntityStore, EntityReader {
  readonly schema: SubgraphSchema;
  private readonly tables = new Map<string, TypeTable>();
  private readonly blocksByNumber = new Map<number, BlockPtr>();
  private readonly blocksByHash = new Map<string, BlockPtr>();
  /** Committed block numbers, ascending. */
  private readonly blockNumbers: number[] = [];
  /** (type, id) pairs that got a new version or were closed, per committed block: the undo log. */
  private readonly blockWrites = new Map<number, [TypeTable, string][]>();
  private pendingBlock: BlockPtr | undefined;
  /** type -> id -> merged data, or null for a removal. */
  private pending = new Map<string, Map<string, EntityData | null>>();
  private headPtr: BlockPtr | undefined;
  private failure: { message: string; block: BlockPtr } | undefined;

  constructor(schema: SubgraphSchema) {
    this.schema = schema;
    for (const model of schema.entityTypes.values()) this.tables.set(model.name, new TypeTable(model));
  }

  beginBlock(block: BlockPtr): void {
    if (this.pendingBlock) {
      throw new StoreError(
        `cannot begin block ${block.number}: block ${this.pendingBlock.number} is still open`,
      );
    }
    const head = this.headPtr;
    if (head && block.number <= head.number) {
      throw new StoreError(
        `cannot begin block ${block.number}: the store is at block ${head.number}; revert to ${block.number - 1} first`,
      );
    }
    if (head && block.number === head.number + 1 && block.parentHash.toLowerCase() !== head.hash) {
      throw new StoreError(
        `cannot begin block ${block.number} (${block.hash}): its parent ${block.parentHash} is not the head ${head.hash}`,
      );
    }
    this.pendingBlock = {
      ...block,
      hash: block.hash.toLowerCase(),
      parentHash: block.parentHash.toLowerCase(),
    };
    this.pending = new Map();
  }

  get(entityType: string, id: string): EntityData | undefined {
    const data = this.latest(this.table(entityType, id), id);
    return data ? new Map(data) : undefined;
  }

  getInBlock(entityType: string, id: string): EntityData | undefined {
    this.table(entityType, id);
    const data = this.pending.get(entityType)?.get(id);
    return data ? new Map(data) : undefined;
  }

  set(entityType: string, id: string, data: EntityData): void {
    const block = this.openBlock('set');
    const table = this.table(entityType, id);
    const model = table.model;
    checkEntityId(model, id);
    const keyValue = idStoreValue(model, id);
    const given = data.get('id');
    if (given && given.kind !== 'null' && !storeValueEquals(given, keyValue)) {
      throw new StoreError(
        `Value of ${entityType} attribute 'id' conflicts with ID passed to \`store.set()\`: ${JSON.stringify(
          String(given.value),
        )} != ${JSON.stringify(id)}`,
      );
    }
    const committed = table.current(id);
    if (model.immutable && committed) {
      if (model.skipDuplicates) return;
      throw new StoreError(
        `entity ${entityType}[${id}] is immutable; inserting it at block ${block.number} is not possible as it was already inserted at block ${committed.fromBlock}`,
      );
    }
    const merged = new Map(this.latest(table, id) ?? []);
    for (const [name, value] of data) {
      if (value.kind === 'null') merged.delete(name);
      else merged.set(name, value);
    }
    merged.set('id', keyValue);
    validateEntity(this.schema, model, id, merged);
    this.pendingOf(entityType).set(id, merged);
  }

  remove(entityType: string, id: string): void {
    this.openBlock('remove');
    const table = this.table(entityType, id);
    if (table.model.immutable && table.current(id)) {
      if (table.model.skipDuplicates) return;
      throw new StoreError(
        `immutable entity type ${entityType} only allows inserts, not removing ${entityType}[${id}]`,
      );
    }
    this.pendingOf(entityType).set(id, null);
  }

  loadRelated(entityType: string, id: string, field: string): EntityData[] {
    const table = this.table(entityType, id);
    const model = table.model.fieldsByName.get(field);
    if (!model || model.kind !== 'derived') {
      throw new StoreError(
        `Entity ${entityType}[${id}]: \`${field}\` is not a @derivedFrom field of ${entityType}`,
      );
    }
    const target = this.table(model.typeName, id);
    const back = model.derivedFrom as string;
    const candidates = new Set(target.references.get(back)?.get(id) ?? []);
    for (const pendingId of this.pending.get(model.typeName)?.keys() ?? []) candidates.add(pendingId);
    const out: [string, EntityData][] = [];
    for (const candidate of candidates) {
      const data = this.latest(target, candidate);
      if (data && references(data.get(back), id)) out.push([candidate, new Map(data)]);
    }
    out.sort((a, b) => target.compare(a[0], b[0]));
    return out.map(([, data]) => data);
  }

  commitBlock(): void {
    const block = this.openBlock('commit');
    const writes: [TypeTable, string][] = [];
    for (const [entityType, byId] of this.pending) {
      const table = this.tables.get(entityType) as TypeTable;
      const changed: string[] = [];
      for (const [id, data] of byId) {
        const current = table.current(id);
        if (data === null) {
          if (!current) continue;
          current.toBlock = block.number;
        } else {
          if (current && entityEquals(current.data, data)) continue;
          if (current) current.toBlock = block.number;
          let list = table.versions.get(id);
          if (!list) {
            list = [];
            table.versions.set(id, list);
            table.insertSortedId(id);
          }
          list.push({ id, data, fromBlock: block.number, toBlock: Infinity });
          table.indexReferences(id, data);
          changed.push(id);
        }
        writes.push([table, id]);
      }
      if (changed.length > 0) table.changes.push({ block: block.number, ids: changed });
    }
    this.blockWrites.set(block.number, writes);
    this.blockNumbers.push(block.number);
    this.blocksByNumber.set(block.number, block);
    this.blocksByHash.set(block.hash, block);
    this.headPtr = block;
    this.pendingBlock = undefined;
    this.pending = new Map();
  }

  abortBlock(): void {
    this.pendingBlock = undefined;
    this.pending = new Map();
  }

  revertTo(blockNumber: number): void {
    if (this.pendingBlock) {
      throw new StoreError(`cannot revert to ${blockNumber} while block ${this.pendingBlock.number} is open`);
    }
    while (
      this.blockNumbers.length > 0 &&
      (this.blockNumbers[this.blockNumbers.length - 1] as number) > blockNumber
    ) {
      const undone = this.blockNumbers.pop() as number;
      for (const [table, id] of (this.blockWrites.get(undone) ?? []).reverse()) {
        const list = table.versions.get(id) as MutableVersion[];
        if (list[list.length - 1]?.fromBlock === undone) list.pop();
        const last = list[list.length - 1];
        if (last && last.toBlock === undone) last.toBlock = Infinity;
        if (list.length === 0) {
          table.versions.delete(id);
          table.removeSortedId(id);
        }
      }
      this.blockWrites.delete(undone);
      const ptr = this.blocksByNumber.get(undone);
      this.blocksByNumber.delete(undone);
      if (ptr) this.blocksByHash.delete(ptr.hash);
    }
    for (const table of this.tables.values()) {
      while (
        table.changes.length > 0 &&
        (table.changes[table.changes.length - 1] as { block: number }).block > blockNumber
      ) {
        table.changes.pop();
      }
    }
    const last = this.blockNumbers[this.blockNumbers.length - 1];
    this.headPtr = last === undefined ? undefined : this.blocksByNumber.get(last);
    if (this.failure && this.failure.block.number > blockNumber) this.failure = undefined;
  }

  head(): BlockPtr | undefined {
    return this.headPtr;
  }

  blockByNumber(blockNumber: number): BlockPtr | undefined {
    return this.blocksByNumber.get(blockNumber);
  }

  blockByHash(hash: string): BlockPtr | undefined {
    return this.blocksByHash.get(hash.toLowerCase());
  }

  markIndexingError(error: { message: string; block: BlockPtr }): void {
    this.failure = { message: error.message, block: { ...error.block } };
  }

  indexingError(): { message: string; block: BlockPtr } | undefined {
    return this.failure;
  }

  versionAt(entityType: string, id: string, block: number): EntityVersion | undefined {
    return this.table(entityType, id).at(id, block);
  }

  *scanAt(
    entityType: string,
    block: number,
    order?: { direction: 'asc' | 'desc'; start?: { id: string; inclusive: boolean } },
  ): Iterable<EntityVersion> {
    const table = this.table(entityType, '');
    if (!order) {
      for (const id of table.versions.keys()) {
        const version = table.at(id, block);
        if (version) yield version;
      }
      return;
    }
    const ids = table.sortedIds;
    if (order.direction === 'asc') {
      const from = order.start ? table.lowerBound(order.start.id, !order.start.inclusive) : 0;
      for (let i = from; i < ids.length; i++) {
        const version = table.at(ids[i] as string, block);
        if (version) yield version;
      }
    } else {
      const from = order.start ? table.lowerBound(order.start.id, order.start.inclusive) - 1 : ids.length - 1;
      for (let i = from; i >= 0; i--) {
        const version = table.at(ids[i] as string, block);
        if (version) yield version;
      }
    }
  }

  changedAt(entityType: string, sinceBlock: number, block: number): EntityVersion[] {
    const table = this.table(entityType, '');
    const changes = table.changes;
    let lo = 0;
    let hi = changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((changes[mid] as { block: number }).block < sinceBlock) lo = mid + 1;
      else hi = mid;
    }
    const seen = new Set<string>();
    const out: EntityVersion[] = [];
    for (let i = lo; i < changes.length; i++) {
      const entry = changes[i] as { block: number; ids: string[] };
      if (entry.block > block) break;
      for (const id of entry.ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        const version = table.at(id, block);
        if (version && version.fromBlock >= sinceBlock) out.push(version);
      }
    }
    return out;
  }

  referencingAt(entityType: string, field: string, targetId: string, block: number): EntityVersion[] {
    const table = this.table(entityType, '');
    const out: EntityVersion[] = [];
    for (const id of table.references.get(field)?.get(targetId) ?? []) {
      const version = table.at(id, block);
      if (version && references(version.data.get(field), targetId)) out.push(version);
    }
    return out;
  }

  compareIds(entityType: string, a: string, b: string): number {
    return this.table(entityType, a).compare(a, b);
  }

  private table(entityType: string, id: string): TypeTable {
    const table = this.tables.get(entityType);
    if (!table) throw new StoreError(`Entity ${entityType}[${id}]: unknown entity type \`${entityType}\``);
    return table;
  }

  private openBlock(what: string): BlockPtr {
    if (!this.pendingBlock) throw new StoreError(`cannot ${what}: no block is open (call beginBlock first)`);
    return this.pendingBlock;
  }

  private pendingOf(entityType: string): Map<string, EntityData | null> {
    let byId = this.pending.get(entityType);
    if (!byId) {
      byId = new Map();
      this.pending.set(entityType, byId);
    }
    return byId;
  }

  /** Latest state: the open block's write if any, else the current committed version. */
  private latest(table: TypeTable, id: string): EntityData | undefined {
    const pending = this.pending.get(table.model.name);
    if (pending?.has(id)) return pending.get(id) ?? undefined;
    return table.current(id)?.data;
  }
}

function idComparator(model: EntityTypeModel): (a: string, b: string) => number {
  if (model.idType === 'Int8') {
    return (a, b) => {
      const x = BigInt(a);
      const y = BigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    };
  }
  // Postgres compares text ids under the C collation and bytea byte-wise: both are code-unit order here
  // (Bytes ids are lowercase hex, whose string order is the byte order).
  return (a, b) => (a < b ? -1 : a > b ? 1 : 0);
}

function referencedIds(value: StoreValue): string[] {
  if (value.kind === 'array') return value.value.flatMap(referencedIds);
  if (value.kind === 'string' || value.kind === 'bytes') return [value.value];
  if (value.kind === 'int8') return [value.value.toString()];
  return [];
}

function references(value: StoreValue | undefined, targetId: string): boolean {
  return value !== undefined && referencedIds(value).includes(targetId);
}

function entityEquals(a: EntityData, b: EntityData): boolean {
  if (a.size !== b.size) return false;
  for (const [name, value] of a) {
    const other = b.get(name);
    if (!other || !storeValueEquals(value, other)) return false;
  }
  return true;
}
