import { ClientError, GraphQLClient } from 'graphql-request';
import { redactUrl } from '../errors/redactUrl.js';
import { NotActingError } from './NotActingError.js';
import { META_QUERY, pageQuery, type EntityKind } from './subgraphQueries.js';

export interface SubgraphMeta {
  block: { number: number; hash: string; timestampSec: number };
  deployment: string;
  hasIndexingErrors: boolean;
}

interface RawMeta {
  _meta?: {
    block?: { number?: unknown; hash?: unknown; timestamp?: unknown };
    deployment?: unknown;
    hasIndexingErrors?: unknown;
  };
}

/** graph-node's query API, with timeouts, and errors turned into "not acting" reasons. */
export class SubgraphClient {
  private readonly client: GraphQLClient;

  constructor(
    readonly url: string,
    private readonly timeoutMs: number,
  ) {
    this.client = new GraphQLClient(url);
  }

  private async request<T>(document: string, variables: Record<string, unknown> = {}): Promise<T> {
    let data: unknown;
    try {
      data = await this.client.request<unknown>({
        document,
        variables,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      if (err instanceof ClientError) {
        const message =
          err.response.errors?.map((e) => e.message).join('; ') ?? `HTTP ${err.response.status}`;
        throw new NotActingError(`subgraph query failed: ${message}`, { cause: err });
      }
      const reason = err instanceof Error ? err.message : String(err);
      throw new NotActingError(`subgraph unreachable at ${redactUrl(this.url)}: ${reason}`, { cause: err });
    }
    // `{"data": null}`, a list, a string: an answer without data is no answer, never "nothing there".
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      throw new NotActingError(
        `subgraph answered without data at ${redactUrl(this.url)} (graph-node answers so for a subgraph name it does not know: check subgraphUrl)`,
      );
    return data as T;
  }

  async meta(): Promise<SubgraphMeta> {
    const raw = await this.request<RawMeta>(META_QUERY);
    const m = raw._meta;
    const number = m?.block?.number;
    const hash = m?.block?.hash;
    const timestamp = m?.block?.timestamp;
    if (
      typeof number !== 'number' ||
      !Number.isSafeInteger(number) ||
      number < 0 ||
      typeof hash !== 'string' ||
      !/^0x[0-9a-fA-F]{64}$/.test(hash) ||
      typeof m?.hasIndexingErrors !== 'boolean'
    ) {
      throw new NotActingError('subgraph returned a malformed _meta');
    }
    return {
      block: {
        number,
        hash: hash.toLowerCase(),
        timestampSec: typeof timestamp === 'number' && Number.isSafeInteger(timestamp) ? timestamp : 0,
      },
      deployment: typeof m.deployment === 'string' ? m.deployment : '',
      hasIndexingErrors: m.hasIndexingErrors,
    };
  }

  /** Whether the subgraph has position `positionId` at block `hash`. */
  async positionExists(positionId: bigint, hash: string): Promise<boolean> {
    const query =
      'query KeeperPositionExists($id: ID!, $hash: Bytes!) { position(id: $id, block: { hash: $hash }) { id } }';
    const answer = await this.request<{ position?: { id?: unknown } | null }>(query, {
      id: positionId.toString(),
      hash,
    });
    return answer.position !== null && answer.position !== undefined;
  }

  /**
   * Every row of `kind` at block `hash` (paged by id), unparsed: the caller validates. More than `maxRows`
   * rows (the chain's own count of such entities) is a hostile or broken subgraph, not a long list: paging
   * stops there.
   */
  async fetchAll(
    kind: EntityKind,
    mode: 'all' | 'open' | 'changed',
    hash: string,
    options: { since?: number; pageSize: number; maxRows?: number; onPage?: (rows: number) => void },
  ): Promise<unknown[]> {
    const query = pageQuery(kind, mode);
    const rows: unknown[] = [];
    let cursor = '';
    for (;;) {
      const variables: Record<string, unknown> = { hash, first: options.pageSize, cursor };
      if (mode === 'changed') variables.since = options.since;
      const page = await this.request<{ rows?: unknown }>(query, variables);
      if (!Array.isArray(page.rows)) throw new NotActingError(`subgraph returned no ${kind} list`);
      rows.push(...page.rows);
      if (options.maxRows !== undefined && rows.length > options.maxRows) {
        throw new NotActingError(
          `subgraph returned more than ${options.maxRows} ${kind}, more than the chain has: paging stopped`,
        );
      }
      options.onPage?.(rows.length);
      if (page.rows.length < options.pageSize) return rows;
      const last = page.rows[page.rows.length - 1] as { id?: unknown } | undefined;
      if (typeof last?.id !== 'string' || last.id <= cursor) {
        throw new NotActingError(
          `subgraph paging of ${kind} did not advance past id ${JSON.stringify(cursor)}`,
        );
      }
      cursor = last.id;
    }
  }
}
