import { Address, ethereum } from '@graphprotocol/graph-ts';
import { Oracle } from '../../generated/schema';

// Orders may name any contract as oracle, so nothing is called on it here: the keeper probes it.
export function ensureOracle(address: Address, orderId: string, block: ethereum.Block): Oracle {
  const id = address.toHexString();
  let oracle = Oracle.load(id);
  if (oracle == null) {
    oracle = new Oracle(id);
    oracle.address = address;
    oracle.firstOrder = orderId;
    oracle.firstSeenBlock = block.number;
    oracle.firstSeenTimestamp = block.timestamp;
    oracle.save();
  }
  return oracle;
}
