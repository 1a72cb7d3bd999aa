import { KeeperError } from '../errors/KeeperError.js';

/**
 * A relay, builder or private RPC that did not take a request. `reachable` tells an endpoint that answered
 * with an error (the request was wrong or refused: another endpoint would not help) from one that is down,
 * which is what switches the keeper to its fallback mode.
 */
export class SubmissionError extends KeeperError {
  override readonly name = 'SubmissionError';
  constructor(
    message: string,
    readonly endpoint: string,
    readonly reachable: boolean,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options);
  }
}
