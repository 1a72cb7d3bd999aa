import type { PlannedAction } from '../decision/types.js';
import type { Address } from '../model/types.js';
import type { DroppedAction } from './types.js';

export function droppedAction(action: PlannedAction, sender: Address, reason: string): DroppedAction {
  return { positionId: action.positionId, kind: action.kind, sender, reason };
}
