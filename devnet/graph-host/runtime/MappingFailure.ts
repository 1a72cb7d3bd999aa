import { GraphHostError } from '../GraphHostError.js';

/**
 * A handler failed in a way that would fail the same way on every run (an abort, `log.critical`, an invalid
 * entity, a missing ABI...): graph-node's deterministic error. Indexing stops at the block and the
 * subgraph reports `hasIndexingErrors`; retrying would not help.
 */
export class MappingFailure extends GraphHostError {
  override readonly name: string = 'MappingFailure';
}
