import { formatStoreValue, storeValueTypeName } from './formatStoreValue.js';
import {
  STORE_KIND_OF_SCALAR,
  type EntityTypeModel,
  type FieldModel,
  type SubgraphSchema,
} from './SubgraphSchema.js';
import { StoreError, type EntityData, type StoreValue } from './types.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const HEX = /^0x(?:[0-9a-f]{2})*$/;
const DECIMAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*[1-9])?$/;

/**
 * Checks a complete entity (after merging a partial `set` into the stored one) the way graph-node's
 * `Entity::validate` does, with graph-node's messages; adds checks for value encodings graph-node gets for
 * free from its typed values (hex case, i32/i64 range, canonical decimals, enum members).
 */
export function validateEntity(
  schema: SubgraphSchema,
  model: EntityTypeModel,
  id: string,
  data: EntityData,
): void {
  const key = `${model.name}[${id}]`;
  const unknown = [...data.keys()].filter((name) => !model.fieldsByName.has(name)).sort();
  if (unknown.length > 0) {
    throw new StoreError(
      `Attempted to set undefined fields [${unknown.join(', ')}] for the entity type \`${model.name}\`. Make sure those fields are defined in the schema.`,
    );
  }
  for (const field of model.fields) {
    const value = data.get(field.name);
    const present = value !== undefined && value.kind !== 'null';
    if (field.kind === 'derived') {
      if (present)
        throw new StoreError(`Entity ${key}: field \`${field.name}\` is derived and cannot be set`);
      continue;
    }
    if (!present) {
      if (field.nonNull)
        throw new StoreError(`Entity ${key}: missing value for non-nullable field \`${field.name}\``);
      continue;
    }
    checkFieldValue(schema, key, field, value);
  }
}

/** The field's type as written in the schema, as graph-node prints it. */
export function fieldTypeText(field: FieldModel): string {
  const inner = field.list ? `[${field.typeName}${field.itemNonNull ? '!' : ''}]` : field.typeName;
  return `${inner}${field.nonNull ? '!' : ''}`;
}

/** Checks an id given to `set`/`get`/`remove` against the type's id type. */
export function checkEntityId(model: EntityTypeModel, id: string): void {
  const ok =
    model.idType === 'String'
      ? true
      : model.idType === 'Bytes'
        ? HEX.test(id)
        : /^-?[0-9]+$/.test(id) && inInt64(BigInt(id));
  if (!ok) throw new StoreError(`Entity ${model.name}[${id}]: id is not a valid ${model.idType} id`);
}

/** The StoreValue that `id` is stored as for the type. */
export function idStoreValue(model: EntityTypeModel, id: string): StoreValue {
  if (model.idType === 'Bytes') return { kind: 'bytes', value: id };
  if (model.idType === 'Int8') return { kind: 'int8', value: BigInt(id) };
  return { kind: 'string', value: id };
}

function checkFieldValue(schema: SubgraphSchema, key: string, field: FieldModel, value: StoreValue): void {
  const expected = STORE_KIND_OF_SCALAR[field.storedAs];
  const wrongType = (): StoreError =>
    new StoreError(
      `Entity ${key}: the value \`${formatStoreValue(value)}\` for field \`${field.name}\` must have type ${fieldTypeText(field)} but has type ${storeValueTypeName(value)}`,
    );
  if (field.list) {
    if (value.kind !== 'array') throw wrongType();
    value.value.forEach((item, index) => {
      const itemIsNull = item.kind === 'null';
      if ((itemIsNull && field.itemNonNull) || (!itemIsNull && item.kind !== expected)) {
        throw new StoreError(
          `Entity ${key}: field \`${field.name}\` is of type ${fieldTypeText(field)}, but the value \`${formatStoreValue(value)}\` contains a ${storeValueTypeName(item)} at index ${index}`,
        );
      }
      if (!itemIsNull) checkEncoding(schema, key, field, item);
    });
    return;
  }
  if (value.kind !== expected) throw wrongType();
  checkEncoding(schema, key, field, value);
}

function checkEncoding(schema: SubgraphSchema, key: string, field: FieldModel, value: StoreValue): void {
  const bad = (what: string): StoreError =>
    new StoreError(
      `Entity ${key}: the value \`${formatStoreValue(value)}\` for field \`${field.name}\` is not ${what}`,
    );
  switch (value.kind) {
    case 'bytes':
      if (!HEX.test(value.value)) throw bad('0x-prefixed lowercase hex of whole bytes');
      break;
    case 'int':
      if (!Number.isInteger(value.value) || value.value < INT32_MIN || value.value > INT32_MAX) {
        throw bad('a 32-bit integer');
      }
      break;
    case 'int8':
    case 'timestamp':
      if (!inInt64(value.value)) throw bad('a 64-bit integer');
      break;
    case 'bigdecimal':
      if (!DECIMAL.test(value.value) || value.value === '-0') throw bad('a canonical decimal');
      break;
    case 'string':
      if (field.kind === 'enum') {
        const members = schema.enums.get(field.typeName) ?? [];
        if (!members.includes(value.value)) throw bad(`a value of enum ${field.typeName}`);
      }
      break;
    default:
      break;
  }
}

function inInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}
