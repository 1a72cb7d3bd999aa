import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  type GraphQLEnumValueConfigMap,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLFieldConfigMap,
  type GraphQLInputFieldConfigMap,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLScalarType,
} from 'graphql';

import type { EntityVersion } from '../store/EntityReader.js';
import type { EntityTypeModel, FieldModel, ScalarTypeName, SubgraphSchema } from '../store/SubgraphSchema.js';
import { parseFilterScalar, storeValueToJson } from './Comparable.js';
import type { FilterScope } from './compileFilter.js';
import { createGraphScalars } from './createGraphScalars.js';
import { guarded, type GraphQueryContext, type ResolvedEntity } from './GraphQueryContext.js';
import { queryCollection, type CollectionArgs } from './queryCollection.js';
import { queryFieldNames } from './queryFieldNames.js';
import { QueryError } from './QueryError.js';
import { resolveBlock, type ResolvedBlock } from './resolveBlock.js';

type Resolver = GraphQLFieldConfig<unknown, GraphQueryContext, Record<string, unknown>>;

/** graph-node's filter suffixes per field type (`field_filter_ops` in its `schema/api.rs`). */
const SCALAR_OPS: Record<string, string[]> = {
  Boolean: ['', 'not', 'in', 'not_in'],
  Bytes: ['', 'not', 'gt', 'lt', 'gte', 'lte', 'in', 'not_in', 'contains', 'not_contains'],
  ID: ['', 'not', 'gt', 'lt', 'gte', 'lte', 'in', 'not_in'],
  BigInt: ['', 'not', 'gt', 'lt', 'gte', 'lte', 'in', 'not_in'],
  BigDecimal: ['', 'not', 'gt', 'lt', 'gte', 'lte', 'in', 'not_in'],
  Int: ['', 'not', 'gt', 'lt', 'gte', 'lte', 'in', 'not_in'],
  Int8: ['', 'not', 'gt', 'lt', 'gte', 'lte', 'in', 'not_in'],
  Timestamp: ['', 'not', 'gt', 'lt', 'gte', 'lte', 'in', 'not_in'],
  String: [
    '',
    'not',
    'gt',
    'lt',
    'gte',
    'lte',
    'in',
    'not_in',
    'contains',
    'contains_nocase',
    'not_contains',
    'not_contains_nocase',
    'starts_with',
    'starts_with_nocase',
    'not_starts_with',
    'not_starts_with_nocase',
    'ends_with',
    'ends_with_nocase',
    'not_ends_with',
    'not_ends_with_nocase',
  ],
};
const ENUM_OPS = ['', 'not', 'in', 'not_in'];
const LIST_OPS = ['', 'not', 'contains', 'not_contains'];
const LIST_OPS_NOCASE = ['', 'not', 'contains', 'contains_nocase', 'not_contains', 'not_contains_nocase'];

/**
 * Builds the query API graph-node generates from a subgraph schema (same type, field, argument and enum
 * names), with resolvers that read the entity store at the requested block.
 */
export function buildApiSchema(subgraph: SubgraphSchema): GraphQLSchema {
  const scalars = createGraphScalars();
  const scalarType = (name: ScalarTypeName): GraphQLScalarType =>
    name === 'ID'
      ? GraphQLID
      : name === 'String'
        ? GraphQLString
        : name === 'Int'
          ? GraphQLInt
          : name === 'Boolean'
            ? GraphQLBoolean
            : scalars[name];

  const orderDirection = new GraphQLEnumType({
    name: 'OrderDirection',
    description: 'Defines the order direction, either ascending or descending',
    values: { asc: {}, desc: {} },
  });
  const errorPolicy = new GraphQLEnumType({
    name: '_SubgraphErrorPolicy_',
    values: {
      allow: { description: 'Data will be returned even if the subgraph has indexing errors' },
      deny: { description: 'If the subgraph has indexing errors, data will be omitted. The default.' },
    },
  });
  const blockHeight = new GraphQLInputObjectType({
    name: 'Block_height',
    description: 'The block at which the query should be executed.',
    fields: {
      hash: { type: scalars.Bytes, description: 'Value containing a block hash' },
      number: { type: GraphQLInt, description: 'Value containing a block number' },
      number_gte: {
        type: GraphQLInt,
        description:
          'Value containing the minimum block number: the query runs at the latest block once it is reached',
      },
    },
  });
  const blockChangedFilter = new GraphQLInputObjectType({
    name: 'BlockChangedFilter',
    fields: { number_gte: { type: new GraphQLNonNull(GraphQLInt) } },
  });
  const blockType = new GraphQLObjectType({
    name: '_Block_',
    fields: {
      hash: { type: scalars.Bytes, description: 'The hash of the block' },
      number: { type: new GraphQLNonNull(GraphQLInt), description: 'The block number' },
      timestamp: {
        type: GraphQLInt,
        description: 'Integer representation of the timestamp stored in blocks for the chain',
      },
      parentHash: { type: scalars.Bytes, description: 'The hash of the parent block' },
    },
  });
  const metaType = new GraphQLObjectType({
    name: '_Meta_',
    description: 'The type for the top-level _meta field',
    fields: {
      block: {
        type: new GraphQLNonNull(blockType),
        description: 'The block the query ran at; its hash is null when the query asked for a block number',
      },
      deployment: { type: new GraphQLNonNull(GraphQLString), description: 'The deployment ID' },
      hasIndexingErrors: {
        type: new GraphQLNonNull(GraphQLBoolean),
        description: 'If `true`, the subgraph encountered indexing errors at some past block',
      },
    },
  });

  const enums = new Map<string, GraphQLEnumType>();
  for (const [name, members] of subgraph.enums) {
    const values: GraphQLEnumValueConfigMap = {};
    for (const member of members) values[member] = { value: member };
    enums.set(name, new GraphQLEnumType({ name, description: subgraph.enumDescriptions.get(name), values }));
  }

  const objects = new Map<string, GraphQLObjectType>();
  const filters = new Map<string, GraphQLInputObjectType>();
  const orderBys = new Map<string, GraphQLEnumType>();
  const model = (name: string): EntityTypeModel => subgraph.entityType(name) as EntityTypeModel;
  const object = (name: string): GraphQLObjectType => objects.get(name) as GraphQLObjectType;
  const filter = (name: string): GraphQLInputObjectType => filters.get(name) as GraphQLInputObjectType;
  const orderBy = (name: string): GraphQLEnumType => orderBys.get(name) as GraphQLEnumType;

  const collectionArgs = (typeName: string): GraphQLFieldConfigArgumentMap => ({
    skip: { type: GraphQLInt, defaultValue: 0 },
    first: { type: GraphQLInt, defaultValue: 100 },
    orderBy: { type: orderBy(typeName) },
    orderDirection: { type: orderDirection },
    where: { type: filter(typeName) },
  });
  const blockArg = {
    type: blockHeight,
    description:
      'The block at which the query should be executed: `{ hash }`, `{ number }` or `{ number_gte }` (the latest block, once indexed that far). Defaults to the latest block.',
  };
  const errorPolicyArg = {
    type: new GraphQLNonNull(errorPolicy),
    defaultValue: 'deny',
    description: 'Set to `allow` to receive data even if the subgraph has skipped over errors while syncing.',
  };

  for (const entity of subgraph.entityTypes.values()) {
    objects.set(
      entity.name,
      new GraphQLObjectType<ResolvedEntity, GraphQueryContext>({
        name: entity.name,
        description: entity.description,
        fields: () => {
          const fields: GraphQLFieldConfigMap<ResolvedEntity, GraphQueryContext> = {};
          for (const field of entity.fields) fields[field.name] = entityField(field);
          return fields;
        },
      }),
    );
    filters.set(
      entity.name,
      new GraphQLInputObjectType({
        name: `${entity.name}_filter`,
        fields: () => filterFields(entity),
      }),
    );
    const values: GraphQLEnumValueConfigMap = {};
    for (const name of orderByValues(subgraph, entity)) values[name] = { value: name };
    orderBys.set(entity.name, new GraphQLEnumType({ name: `${entity.name}_orderBy`, values }));
  }

  function outputType(field: FieldModel): GraphQLOutputType {
    const base: GraphQLOutputType =
      field.kind === 'scalar'
        ? scalarType(field.typeName as ScalarTypeName)
        : field.kind === 'enum'
          ? (enums.get(field.typeName) as GraphQLEnumType)
          : object(field.typeName);
    let type: GraphQLOutputType = base;
    if (field.list) type = new GraphQLList(field.itemNonNull ? new GraphQLNonNull(base) : base);
    return field.nonNull ? new GraphQLNonNull(type) : type;
  }

  function entityField(field: FieldModel): GraphQLFieldConfig<ResolvedEntity, GraphQueryContext> {
    const type = outputType(field);
    const description = field.description;
    if (field.kind === 'scalar' || field.kind === 'enum') {
      return {
        type,
        description,
        resolve: (source) => storeValueToJson(source.version.data.get(field.name)),
      };
    }
    const target = model(field.typeName);
    const wrap = (source: ResolvedEntity, versions: EntityVersion[]): ResolvedEntity[] =>
      versions.map((version) => ({ model: target, version, block: source.block }));
    const scope = (source: ResolvedEntity, context: GraphQueryContext): FilterScope => ({
      reader: context.reader,
      block: source.block,
    });
    if (field.kind === 'reference' && !field.list) {
      return {
        type,
        description,
        resolve: (source, _args, context) => {
          const id = storeValueToJson(source.version.data.get(field.name));
          if (id === null) return null;
          const version = context.reader.versionAt(target.name, String(id), source.block);
          return version ? { model: target, version, block: source.block } : null;
        },
      };
    }
    if (field.kind === 'reference') {
      return {
        type,
        description,
        args: collectionArgs(target.name),
        resolve: (source, args, context, info) =>
          guarded(context, info, [], () => {
            const ids = new Set(
              (storeValueToJson(source.version.data.get(field.name)) as unknown[] | null) ?? [],
            );
            const versions = [...ids]
              .map((id) => context.reader.versionAt(target.name, String(id), source.block))
              .filter((v): v is EntityVersion => v !== undefined);
            return wrap(
              source,
              queryCollection(scope(source, context), target, args as CollectionArgs, versions),
            );
          }),
      };
    }
    const back = field.derivedFrom as string;
    const referencing = (source: ResolvedEntity, context: GraphQueryContext): EntityVersion[] =>
      context.reader.referencingAt(target.name, back, source.version.id, source.block);
    if (!field.list) {
      return {
        type,
        description,
        resolve: (source, _args, context, info) =>
          guarded(context, info, null, () => {
            const found = referencing(source, context);
            if (found.length > 1) {
              throw new QueryError(
                `Ambiguous result for derived field \`${field.name}\`: Multiple \`${target.name}\` entities refer back via \`${back}\``,
              );
            }
            return found[0] ? { model: target, version: found[0], block: source.block } : null;
          }),
      };
    }
    return {
      type,
      description,
      args: collectionArgs(target.name),
      resolve: (source, args, context, info) =>
        guarded(context, info, [], () =>
          wrap(
            source,
            queryCollection(
              scope(source, context),
              target,
              args as CollectionArgs,
              referencing(source, context),
            ),
          ),
        ),
    };
  }

  function filterFields(entity: EntityTypeModel): GraphQLInputFieldConfigMap {
    const fields: GraphQLInputFieldConfigMap = {};
    const add = (name: string, ops: string[], type: GraphQLInputType, listForIn: boolean): void => {
      for (const op of ops) {
        const inList = listForIn && (op === 'in' || op === 'not_in');
        fields[op === '' ? name : `${name}_${op}`] = {
          type: inList ? new GraphQLList(new GraphQLNonNull(type)) : type,
        };
      }
    };
    for (const field of entity.fields) {
      const target = subgraph.entityType(field.typeName);
      // Entity references are filtered by id, given as a String (Int for Int8 ids), like graph-node does.
      const idScalar = target ? scalarType(target.idType === 'Int8' ? 'Int' : 'String') : undefined;
      if (field.list) {
        if (field.kind === 'derived') {
          fields[`${field.name}_`] = { type: filter(field.typeName) };
          continue;
        }
        const item: GraphQLInputType =
          field.kind === 'enum'
            ? (enums.get(field.typeName) as GraphQLEnumType)
            : (idScalar ?? scalarType(field.typeName as ScalarTypeName));
        const nocase = field.kind === 'reference' ? target?.idType === 'String' : field.typeName === 'String';
        add(
          field.name,
          nocase ? LIST_OPS_NOCASE : LIST_OPS,
          new GraphQLList(new GraphQLNonNull(item)),
          false,
        );
        if (field.kind === 'reference') fields[`${field.name}_`] = { type: filter(field.typeName) };
        continue;
      }
      if (field.kind === 'reference' || field.kind === 'derived') {
        if (field.kind === 'reference') {
          add(
            field.name,
            SCALAR_OPS[idScalar === GraphQLInt ? 'Int' : 'String'] ?? [],
            idScalar as GraphQLScalarType,
            true,
          );
        }
        fields[`${field.name}_`] = { type: filter(field.typeName) };
      } else if (field.kind === 'enum') {
        add(field.name, ENUM_OPS, enums.get(field.typeName) as GraphQLEnumType, true);
      } else {
        add(
          field.name,
          SCALAR_OPS[field.typeName] ?? ['', 'not'],
          scalarType(field.typeName as ScalarTypeName),
          true,
        );
      }
    }
    fields._change_block = { type: blockChangedFilter, description: 'Filter for the block changed event.' };
    fields.and = { type: new GraphQLList(filter(entity.name)) };
    fields.or = { type: new GraphQLList(filter(entity.name)) };
    return fields;
  }

  const atBlock = (args: Record<string, unknown>, context: GraphQueryContext, key: string): ResolvedBlock => {
    try {
      const block = resolveBlock(args.block, context.reader, context.deployment, context.latest);
      context.groups.set(key, block.key);
      return block;
    } catch (error) {
      context.groups.set(key, 'invalid');
      throw error;
    }
  };

  const queryFields: Record<string, Resolver> = {};
  for (const entity of subgraph.entityTypes.values()) {
    const { single, collection } = queryFieldNames(entity.name);
    const idField = entity.fieldsByName.get('id') as FieldModel;
    queryFields[single] = {
      type: object(entity.name),
      args: { id: { type: new GraphQLNonNull(GraphQLID) }, block: blockArg, subgraphError: errorPolicyArg },
      resolve: (_root, args, context, info) =>
        guarded(context, info, null, () => {
          const block = atBlock(args, context, info.path.key as string);
          const id = String(parseFilterScalar(args.id, idField.storedAs));
          const version = context.reader.versionAt(entity.name, id, block.number);
          return version ? { model: entity, version, block: block.number } : null;
        }),
    };
    queryFields[collection] = {
      type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(object(entity.name)))),
      args: { ...collectionArgs(entity.name), block: blockArg, subgraphError: errorPolicyArg },
      resolve: (_root, args, context, info) =>
        guarded(context, info, [], () => {
          const block = atBlock(args, context, info.path.key as string);
          const scope = { reader: context.reader, block: block.number };
          return queryCollection(scope, entity, args as CollectionArgs).map((version) => ({
            model: entity,
            version,
            block: block.number,
          }));
        }),
    };
  }
  queryFields._meta = {
    type: metaType,
    description: 'Access to subgraph metadata',
    args: { block: blockArg },
    resolve: (_root, args, context, info) =>
      guarded(context, info, null, () => {
        const block = atBlock(args, context, info.path.key as string);
        const failure = context.reader.indexingError();
        return {
          block: {
            number: block.number,
            hash: block.ptr?.hash ?? null,
            timestamp: block.ptr?.timestampSec ?? null,
            parentHash: block.ptr?.parentHash ?? null,
          },
          deployment: context.deployment,
          // A failed subgraph stops before its failing block, so the error also shows at the head.
          hasIndexingErrors:
            failure !== undefined &&
            (failure.block.number <= block.number || block.number >= context.latest.number),
        };
      }),
  };

  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: queryFields }),
    types: [...objects.values(), ...filters.values(), ...orderBys.values()],
  });
}

/** `<Type>_orderBy` members: every field, plus `field__child` for the scalar fields of single references. */
function orderByValues(subgraph: SubgraphSchema, entity: EntityTypeModel): string[] {
  const values: string[] = [];
  for (const field of entity.fields) {
    values.push(field.name);
    const target = field.list ? undefined : subgraph.entityType(field.typeName);
    for (const child of target?.fields ?? []) {
      if (!child.list && (child.kind === 'scalar' || child.kind === 'enum'))
        values.push(`${field.name}__${child.name}`);
    }
  }
  return values;
}
