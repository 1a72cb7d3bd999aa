import type { EntityData, StoreValue } from '../store/types.js';
import { GraphHostError } from '../GraphHostError.js';
import { BigDecimalValue } from './BigDecimalValue.js';

function typedValue(raw: unknown, file: string, where: string): StoreValue {
  const entry = raw as { type?: unknown; data?: unknown } | null;
  const fail = (why: string): never => {
    throw new GraphHostError(`${file}: ${where}: ${why}`, { details: { file } });
  };
  if (typeof entry !== 'object' || entry === null) return fail('must be { type, data }');
  const { type, data } = entry;
  switch (type) {
    case 'Bool':
      if (typeof data !== 'boolean') fail('Bool data must be true or false');
      return { kind: 'bool', value: data as boolean };
    case 'String':
      return { kind: 'string', value: String(data) };
    case 'Int':
      if (!Number.isInteger(Number(data))) fail('Int data must be an integer');
      return { kind: 'int', value: Number(data) };
    case 'Int8':
      return { kind: 'int8', value: BigInt(String(data)) };
    case 'BigInt':
      return { kind: 'bigint', value: BigInt(String(data)) };
    case 'BigDecimal':
      return { kind: 'bigdecimal', value: BigDecimalValue.fromString(String(data)).toString() };
    case 'Bytes':
      return { kind: 'bytes', value: String(data).toLowerCase() };
    case 'List':
      if (!Array.isArray(data)) fail('List data must be a list');
      return {
        kind: 'array',
        value: (data as unknown[]).map((d, i) => typedValue(d, file, `${where}[${i}]`)),
      };
    default:
      return fail(`context type ${String(type)} is unknown`);
  }
}

/** A data source's manifest `context:` (`key: { type, data }`) as the DataSourceContext entity. */
export function contextFromManifest(raw: unknown, file: string, where: string): EntityData {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new GraphHostError(`${file}: ${where}.context must be a mapping`, { details: { file } });
  }
  const context: EntityData = new Map();
  for (const [key, value] of Object.entries(raw)) {
    context.set(key, typedValue(value, file, `${where}.context.${key}`));
  }
  return context;
}
