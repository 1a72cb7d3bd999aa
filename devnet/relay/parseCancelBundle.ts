import { JsonRpcError } from './JsonRpcError.js';
import { ParamObject } from './ParamObject.js';

/** Reads eth_cancelBundle's `[{ replacementUuid }]`. */
export function parseCancelBundle(params: unknown): string {
  const uuid = ParamObject.single(params).uuid('replacementUuid');
  if (uuid === undefined) throw JsonRpcError.invalidParams('replacementUuid is required');
  return uuid;
}
