import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type TypeNode,
} from 'graphql';

import type { StoreValue } from './types.js';

/** The scalars graph-node knows; every other named type is an entity or an enum. */
export type ScalarTypeName =
  'ID' | 'String' | 'Bytes' | 'BigInt' | 'BigDecimal' | 'Int' | 'Int8' | 'Boolean' | 'Timestamp';

/** The id types graph-node accepts (`ID` is stored as a string). */
export type IdTypeName = 'String' | 'Bytes' | 'Int8';

export type FieldKind = 'scalar' | 'enum' | 'reference' | 'derived';

export interface FieldModel {
  name: string;
  kind: FieldKind;
  /** Base type name as written in the schema (`BigInt`, `Position`, `TokenStandard`). */
  typeName: string;
  /**
   * The scalar the value is stored as: the scalar itself, `String` for enums, the target's id type for
   * references and derived fields.
   */
  storedAs: ScalarTypeName;
  list: boolean;
  nonNull: boolean;
  /** `[T!]` rather than `[T]`; false for non-lists. */
  itemNonNull: boolean;
  /** For `@derivedFrom(field: ...)`: the field of `typeName` that points back. */
  derivedFrom?: string;
  description?: string;
}

export interface EntityTypeModel {
  name: string;
  idType: IdTypeName;
  immutable: boolean;
  /** `@entity(immutable: true, skipDuplicates: true)`: a second insert is ignored instead of failing. */
  skipDuplicates: boolean;
  /** In schema order, `id` included. */
  fields: FieldModel[];
  fieldsByName: Map<string, FieldModel>;
  description?: string;
}

const SCALARS: ReadonlySet<string> = new Set<ScalarTypeName>([
  'ID',
  'String',
  'Bytes',
  'BigInt',
  'BigDecimal',
  'Int',
  'Int8',
  'Boolean',
  'Timestamp',
]);

/** StoreValue kind each scalar is stored as; graph-node keeps `ID` and enums as strings. */
export const STORE_KIND_OF_SCALAR: Readonly<Record<ScalarTypeName, StoreValue['kind']>> = {
  ID: 'string',
  String: 'string',
  Bytes: 'bytes',
  BigInt: 'bigint',
  BigDecimal: 'bigdecimal',
  Int: 'int',
  Int8: 'int8',
  Boolean: 'bool',
  Timestamp: 'timestamp',
};

export function isScalarTypeName(name: string): name is ScalarTypeName {
  return SCALARS.has(name);
}

/**
 * The entity model of a subgraph's `schema.graphql`: entity types, their fields and how each field is stored.
 * Parsed with graphql-js; validated enough that the store and the query API can rely on it.
 */
export class SubgraphSchema {
  readonly entityTypes: ReadonlyMap<string, EntityTypeModel>;
  readonly enums: ReadonlyMap<string, readonly string[]>;
  /** Descriptions of enums, for the generated API schema. */
  readonly enumDescriptions: ReadonlyMap<string, string | undefined>;

  private constructor(
    entityTypes: Map<string, EntityTypeModel>,
    enums: Map<string, string[]>,
    enumDescriptions: Map<string, string | undefined>,
  ) {
    this.entityTypes = entityTypes;
    this.enums = enums;
    this.enumDescriptions = enumDescriptions;
  }

  static parse(schemaText: string): SubgraphSchema {
    const document: DocumentNode = parse(schemaText);
    const objectNodes: ObjectTypeDefinitionNode[] = [];
    const enums = new Map<string, string[]>();
    const enumDescriptions = new Map<string, string | undefined>();
    for (const def of document.definitions) {
      if (def.kind === Kind.OBJECT_TYPE_DEFINITION) {
        objectNodes.push(def);
      } else if (def.kind === Kind.ENUM_TYPE_DEFINITION) {
        enums.set(
          def.name.value,
          (def.values ?? []).map((v) => v.name.value),
        );
        enumDescriptions.set(def.name.value, def.description?.value);
      } else if (def.kind === Kind.INTERFACE_TYPE_DEFINITION || def.kind === Kind.UNION_TYPE_DEFINITION) {
        // The devnet host only needs what our subgraph uses; failing loudly beats answering differently.
        throw new Error(
          `schema: ${def.name.value}: interfaces and unions are not supported by the graph host`,
        );
      }
    }

    const entityNodes = objectNodes.filter((node) => findDirective(node.directives, 'entity'));
    const idTypes = new Map<string, IdTypeName>();
    for (const node of entityNodes) {
      idTypes.set(node.name.value, idTypeOf(node));
    }

    const entityTypes = new Map<string, EntityTypeModel>();
    for (const node of entityNodes) {
      const name = node.name.value;
      const entityDirective = findDirective(node.directives, 'entity');
      const fields = (node.fields ?? []).map((field) => fieldModel(name, field, idTypes, enums));
      const model: EntityTypeModel = {
        name,
        idType: idTypes.get(name) ?? 'String',
        immutable: booleanArgument(entityDirective, 'immutable'),
        skipDuplicates: booleanArgument(entityDirective, 'skipDuplicates'),
        fields,
        fieldsByName: new Map(fields.map((f) => [f.name, f])),
        description: node.description?.value,
      };
      entityTypes.set(name, model);
    }

    for (const model of entityTypes.values()) {
      for (const field of model.fields) {
        if (field.kind !== 'derived') continue;
        const target = entityTypes.get(field.typeName);
        const back = target?.fieldsByName.get(field.derivedFrom ?? '');
        if (!back || (back.kind !== 'reference' && back.kind !== 'derived')) {
          throw new Error(
            `schema: ${model.name}.${field.name}: @derivedFrom field \`${field.derivedFrom}\` is not a reference field of ${field.typeName}`,
          );
        }
      }
    }
    return new SubgraphSchema(entityTypes, enums, enumDescriptions);
  }

  entityType(name: string): EntityTypeModel | undefined {
    return this.entityTypes.get(name);
  }

  /** For a derived field: the field of the target type that holds the parent's id. */
  backReference(field: FieldModel): FieldModel | undefined {
    if (field.kind !== 'derived' || field.derivedFrom === undefined) return undefined;
    return this.entityTypes.get(field.typeName)?.fieldsByName.get(field.derivedFrom);
  }
}

function fieldModel(
  entityName: string,
  node: FieldDefinitionNode,
  idTypes: Map<string, IdTypeName>,
  enums: Map<string, string[]>,
): FieldModel {
  const shape = typeShape(node.type);
  const typeName = shape.name;
  const derived = findDirective(node.directives, 'derivedFrom');
  const where = `${entityName}.${node.name.value}`;
  const base = {
    name: node.name.value,
    typeName,
    list: shape.list,
    nonNull: shape.nonNull,
    itemNonNull: shape.itemNonNull,
    description: node.description?.value,
  };
  if (derived) {
    const targetId = idTypes.get(typeName);
    if (!targetId) throw new Error(`schema: ${where}: @derivedFrom needs an entity type, not ${typeName}`);
    const arg = derived.arguments?.find((a) => a.name.value === 'field');
    if (!arg || arg.value.kind !== Kind.STRING) {
      throw new Error(`schema: ${where}: @derivedFrom needs a string \`field\` argument`);
    }
    return { ...base, kind: 'derived', storedAs: targetId, derivedFrom: arg.value.value };
  }
  if (isScalarTypeName(typeName)) return { ...base, kind: 'scalar', storedAs: typeName };
  if (enums.has(typeName)) return { ...base, kind: 'enum', storedAs: 'String' };
  const targetId = idTypes.get(typeName);
  if (targetId) return { ...base, kind: 'reference', storedAs: targetId };
  throw new Error(`schema: ${where}: unknown type ${typeName}`);
}

function idTypeOf(node: ObjectTypeDefinitionNode): IdTypeName {
  const idField = node.fields?.find((f) => f.name.value === 'id');
  if (!idField) throw new Error(`schema: ${node.name.value}: entity types need an \`id\` field`);
  const shape = typeShape(idField.type);
  if (shape.list || !shape.nonNull)
    throw new Error(`schema: ${node.name.value}.id must be a non-null scalar`);
  switch (shape.name) {
    case 'ID':
    case 'String':
      return 'String';
    case 'Bytes':
      return 'Bytes';
    case 'Int8':
      return 'Int8';
    default:
      throw new Error(`schema: ${node.name.value}.id: illegal type for \`id\`: ${shape.name}`);
  }
}

function typeShape(type: TypeNode): { name: string; list: boolean; nonNull: boolean; itemNonNull: boolean } {
  let nonNull = false;
  let current = type;
  if (current.kind === Kind.NON_NULL_TYPE) {
    nonNull = true;
    current = current.type;
  }
  if (current.kind === Kind.LIST_TYPE) {
    let item = current.type;
    let itemNonNull = false;
    if (item.kind === Kind.NON_NULL_TYPE) {
      itemNonNull = true;
      item = item.type;
    }
    if (item.kind !== Kind.NAMED_TYPE) throw new Error('schema: nested lists are not supported');
    return { name: item.name.value, list: true, nonNull, itemNonNull };
  }
  if (current.kind !== Kind.NAMED_TYPE) throw new Error('schema: malformed type');
  return { name: current.name.value, list: false, nonNull, itemNonNull: false };
}

function findDirective(
  directives: readonly ConstDirectiveNode[] | undefined,
  name: string,
): ConstDirectiveNode | undefined {
  return directives?.find((d) => d.name.value === name);
}

function booleanArgument(directive: ConstDirectiveNode | undefined, name: string): boolean {
  const arg = directive?.arguments?.find((a) => a.name.value === name);
  return arg?.value.kind === Kind.BOOLEAN ? arg.value.value : false;
}
