import { ethereum } from '@graphprotocol/graph-ts';

// Immutable history rows are keyed by their log so a re-index produces the same ids.
export function eventId(event: ethereum.Event): string {
  return event.transaction.hash.toHexString() + '-' + event.logIndex.toString();
}
