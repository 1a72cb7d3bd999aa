import type { PlannedAction } from '../decision/types.js';
import type { Address } from '../model/types.js';
import type { DroppedAction } from './types.js';

const lower = (address: Address): Address => address.toLowerCase() as Address;

/**
 * Which of our keys sends each action. A completion must come from the freezer (or the owner) the decision
 * named, so it keeps its sender, or is dropped when we do not hold that key. Freezes and re-freezes may come
 * from any key: each goes to the least-loaded one (pool order breaks ties), so that with a pool, one key's
 * bundle rarely carries two liquidations whose fates are then tied together.
 */
export function assignSenders(
  actions: readonly PlannedAction[],
  keys: readonly Address[],
): { bySender: Map<Address, PlannedAction[]>; dropped: DroppedAction[] } {
  const pool = keys.map(lower);
  const bySender = new Map<Address, PlannedAction[]>(pool.map((key) => [key, []]));
  const dropped: DroppedAction[] = [];
  const fixed = actions.filter((a) => a.kind === 'complete');
  const free = actions.filter((a) => a.kind !== 'complete');
  for (const action of fixed) {
    const sender = lower(action.sender);
    const list = bySender.get(sender);
    if (list) list.push({ ...action, sender });
    else {
      dropped.push({
        positionId: action.positionId,
        kind: action.kind,
        sender,
        reason: `only ${sender} may complete it and we hold no key for it`,
      });
    }
  }
  for (const action of free) {
    let best: Address | undefined;
    for (const key of pool) {
      if (best === undefined || (bySender.get(key)?.length ?? 0) < (bySender.get(best)?.length ?? 0))
        best = key;
    }
    if (best === undefined) {
      dropped.push({
        positionId: action.positionId,
        kind: action.kind,
        sender: lower(action.sender),
        reason: 'no signing key configured',
      });
      continue;
    }
    bySender.get(best)?.push({ ...action, sender: best });
  }
  for (const [key, list] of bySender) if (list.length === 0) bySender.delete(key);
  return { bySender, dropped };
}
