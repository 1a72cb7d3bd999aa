/**
 * An error the query API reports in `errors[].message`, worded as graph-node words it (texts taken from
 * graph-node's `QueryExecutionError` and `StoreError` displays).
 */
export class QueryError extends Error {
  override readonly name = 'QueryError';
  /**
   * graph-node resolves every block constraint before executing anything, so a block error fails the whole
   * request; other errors only fail the top-level fields that share their block constraint.
   */
  readonly failsWholeQuery: boolean;

  constructor(message: string, options: { failsWholeQuery?: boolean } = {}) {
    super(message);
    this.failsWholeQuery = options.failsWholeQuery ?? false;
  }

  static valueParse(what: string, detail: string, failsWholeQuery = false): QueryError {
    return new QueryError(`Failed to decode \`${what}\` value: \`${detail}\``, { failsWholeQuery });
  }

  static notYetIndexed(
    what: 'block.number' | 'block.number_gte',
    deployment: string,
    head: number,
    wanted: number,
  ): QueryError {
    return QueryError.valueParse(
      what,
      `subgraph ${deployment} has only indexed up to block number ${head} and data for block number ${wanted} is therefore not yet available`,
      true,
    );
  }

  static range(argument: 'first' | 'skip', max: number, actual: number): QueryError {
    return new QueryError(`The \`${argument}\` argument must be between 0 and ${max}, but is ${actual}`);
  }

  static invalidFilter(): QueryError {
    // graph-node's text, typo included.
    return new QueryError('Filter must by an object');
  }

  static unsupportedFilter(filter: string, value: string): QueryError {
    return new QueryError(`Store error: unsupported filter \`${filter}\` for value \`${value}\``);
  }
}
