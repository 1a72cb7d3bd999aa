import { getAddress, isAddress } from 'ethers';
import { JsonRpcError } from './JsonRpcError.js';

const QUANTITY = /^0x(0|[1-9a-fA-F][0-9a-fA-F]*)$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * The one object a Flashbots method takes as `params[0]`, read field by field with the types the relay's
 * Go implementation decodes (hex quantities for block numbers, JSON numbers for timestamps, UUID strings):
 * a wrong type is an invalid-params error naming the field, an absent or null field is `undefined`, and
 * fields the relay does not use (`refundPercent`, …) are ignored as Flashbots ignores them.
 */
export class ParamObject {
  private constructor(private readonly fields: Record<string, unknown>) {}

  static single(params: unknown): ParamObject {
    if (!Array.isArray(params) || params.length !== 1) {
      throw JsonRpcError.invalidParams('expected params to be an array holding exactly one object');
    }
    const [first] = params as unknown[];
    if (typeof first !== 'object' || first === null || Array.isArray(first)) {
      throw JsonRpcError.invalidParams('params[0] must be an object');
    }
    return new ParamObject(first as Record<string, unknown>);
  }

  has(name: string): boolean {
    return this.fields[name] !== undefined && this.fields[name] !== null;
  }

  /** A 0x-prefixed hex quantity that fits a safe integer (block numbers). */
  quantity(name: string): number | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !QUANTITY.test(value)) {
      throw JsonRpcError.invalidParams(`${name} must be a 0x-prefixed hex quantity without leading zeros`);
    }
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw JsonRpcError.invalidParams(`${name} is too large`);
    return n;
  }

  /** A non-negative integer JSON number (seconds since the epoch). */
  uint(name: string): number | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw JsonRpcError.invalidParams(`${name} must be a non-negative integer number`);
    }
    return value;
  }

  /** A list of 32-byte hashes, lowercased so they compare with the relay's own. */
  hashes(name: string): string[] | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || !value.every((h) => typeof h === 'string' && HASH.test(h))) {
      throw JsonRpcError.invalidParams(`${name} must be an array of 32-byte 0x-prefixed hashes`);
    }
    return (value as string[]).map((h) => h.toLowerCase());
  }

  /** A UUID in its 8-4-4-4-12 text form, any version (Flashbots parses, it does not check the version). */
  uuid(name: string): string | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw JsonRpcError.invalidParams(`${name} must be a UUID such as 8f9d5c3e-1b2a-4c3d-9e8f-0a1b2c3d4e5f`);
    }
    return value.toLowerCase();
  }

  /** A list of non-empty names (builder names), lowercased and deduplicated in order. */
  names(name: string): string[] | undefined {
    const value = this.array(name);
    if (value === undefined) return undefined;
    if (!value.every((v) => typeof v === 'string' && v.trim() !== '')) {
      throw JsonRpcError.invalidParams(`${name} must be an array of non-empty strings`);
    }
    return [...new Set((value as string[]).map((v) => v.trim().toLowerCase()))];
  }

  address(name: string): string | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !isAddress(value))
      throw JsonRpcError.invalidParams(`${name} must be an address`);
    return getAddress(value);
  }

  /** A field as it came, for readers with their own checks (a signed transaction). */
  raw(name: string): unknown {
    return this.fields[name] ?? undefined;
  }

  /** A boolean. */
  bool(name: string): boolean | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw JsonRpcError.invalidParams(`${name} must be true or false`);
    return value;
  }

  /** A nested object, read with the same rules. */
  object(name: string): ParamObject | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
      throw JsonRpcError.invalidParams(`${name} must be an object`);
    return new ParamObject(value as Record<string, unknown>);
  }

  /** One 32-byte hash, lowercased. */
  hash(name: string): string | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !HASH.test(value))
      throw JsonRpcError.invalidParams(`${name} must be a 32-byte 0x-prefixed hash`);
    return value.toLowerCase();
  }

  /** A JSON array, checked for presence and shape only; its items are the caller's to read. */
  array(name: string): unknown[] | undefined {
    const value = this.fields[name];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw JsonRpcError.invalidParams(`${name} must be an array`);
    return value as unknown[];
  }

  /** A block tag for state: a hex quantity or "latest". */
  stateTag(name: string): number | 'latest' | undefined {
    const value = this.fields[name];
    if (value === 'latest') return 'latest';
    if (typeof value === 'string' && !value.startsWith('0x')) {
      throw JsonRpcError.invalidParams(`${name} must be a 0x-prefixed hex block number or "latest"`);
    }
    return this.quantity(name);
  }
}
