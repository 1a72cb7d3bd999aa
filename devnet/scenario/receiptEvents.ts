import type { Contract, LogDescription, TransactionReceipt } from 'ethers';
import { DevnetError } from '../chain/DevnetError.js';

/** The logs of `receipt` that `contract` emitted, decoded, in log order. */
export function decodeEvents(
  contract: Contract,
  address: string,
  receipt: TransactionReceipt,
): LogDescription[] {
  const events: LogDescription[] = [];
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== address.toLowerCase()) continue;
    const parsed = contract.interface.parseLog(log);
    if (parsed) events.push(parsed);
  }
  return events;
}

/** The first decoded event called `name`; throws when the receipt has none. */
export function findEvent(
  contract: Contract,
  address: string,
  receipt: TransactionReceipt,
  name: string,
): LogDescription {
  const event = decodeEvents(contract, address, receipt).find((e) => e.name === name);
  if (!event) throw new DevnetError(`no ${name} event in transaction ${receipt.hash}`);
  return event;
}
