import { execute, GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';

import type { EntityReader } from '../store/EntityReader.js';
import { buildApiSchema } from './buildApiSchema.js';
import type { GraphQueryContext } from './GraphQueryContext.js';
import type { QueryError } from './QueryError.js';

export interface GraphQueryRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface GraphQueryErrorJson {
  message: string;
  locations?: { line: number; column: number }[];
}

/** A response body as graph-node shapes it: `data` only when some data resolved, `errors` only when any. */
export interface GraphQueryResponse {
  data?: Record<string, unknown>;
  errors?: GraphQueryErrorJson[];
}

/**
 * graph-node's query API over an entity store: the generated schema plus graph-node's way of failing
 * (a block error fails the request, any other error fails the top-level fields of its block group).
 */
export class GraphQueryApi {
  readonly schema: GraphQLSchema;
  private readonly reader: EntityReader;
  private readonly deployment: string;

  constructor(options: { reader: EntityReader; deployment: string }) {
    this.reader = options.reader;
    this.deployment = options.deployment;
    this.schema = buildApiSchema(options.reader.schema);
  }

  async execute(request: GraphQueryRequest): Promise<GraphQueryResponse> {
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      return {
        errors: [{ message: error.message, locations: error.locations ? [...error.locations] : undefined }],
      };
    }
    const invalid = validate(this.schema, document);
    if (invalid.length > 0) return { errors: invalid.map((e) => ({ message: e.message })) };

    const latest = this.reader.head();
    if (!latest) {
      return {
        errors: [
          {
            message: `Store error: query execution failed: Subgraph \`${this.deployment}\` has not started syncing yet. Wait for it to ingest a few blocks before querying it`,
          },
        ],
      };
    }
    const context: GraphQueryContext = {
      reader: this.reader,
      deployment: this.deployment,
      latest,
      groups: new Map(),
      failures: [],
    };
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: request.variables ?? undefined,
      operationName: request.operationName ?? undefined,
      contextValue: context,
    });

    const fatal = context.failures.find((f) => f.error.failsWholeQuery);
    if (fatal) return { errors: [errorJson(fatal.error)] };
    const errors: GraphQueryErrorJson[] = context.failures.map((f) => errorJson(f.error));
    const failedKeys = new Set(context.failures.map((f) => f.topKey));
    let wholeRequestFailed = false;
    for (const error of result.errors ?? []) {
      errors.push({ message: error.message });
      const top = error.path?.[0];
      if (top === undefined) wholeRequestFailed = true;
      else failedKeys.add(String(top));
    }
    if (wholeRequestFailed || !result.data) return errors.length > 0 ? { errors } : {};

    const failedGroups = new Set([...failedKeys].map((key) => context.groups.get(key) ?? 'latest'));
    const data: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(result.data)) {
      if (!failedKeys.has(key) && !failedGroups.has(context.groups.get(key) ?? 'latest')) data[key] = value;
    }
    const response: GraphQueryResponse = {};
    if (Object.keys(data).length > 0 || errors.length === 0) response.data = data;
    if (errors.length > 0) response.errors = errors;
    return response;
  }
}

function errorJson(error: QueryError): GraphQueryErrorJson {
  return { message: error.message };
}
