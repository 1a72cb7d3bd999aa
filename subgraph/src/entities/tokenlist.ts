import { Bytes, ethereum } from '@graphprotocol/graph-ts';
import { Tokenlist } from '../../generated/schema';

// addTokenlist emits only for a new hash, but an immutable entity must never be written twice.
export function recordTokenlist(
  hash: Bytes,
  isContract: boolean,
  tokens: Bytes[],
  block: ethereum.Block,
): void {
  const id = hash.toHexString();
  if (Tokenlist.load(id) != null) return;
  const list = new Tokenlist(id);
  list.isContract = isContract;
  list.tokens = tokens;
  list.createdAtBlock = block.number;
  list.save();
}
