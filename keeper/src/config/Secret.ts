import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret string (private key, password, auth key) that never prints: every way of turning it into text
 * (template strings, JSON, util.inspect, pino) yields `[redacted]`. Only `reveal()` gives the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
