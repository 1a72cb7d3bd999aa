import { KeeperError } from '../errors/KeeperError.js';

/**
 * The keeper must not act on this block, and says why (subgraph lagging, erroring, disagreeing with the
 * chain, unreachable, or sending malformed data). Never confused with "nothing to do".
 */
export class NotActingError extends KeeperError {
  override readonly name = 'NotActingError';
}
