/** A JSON value with numbers kept as their source text (graph-ts converts them later: toI64, toBigInt...). */
export type JsonNode =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'object'; entries: [string, JsonNode][] };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/**
 * Parses JSON without losing the digits of big numbers (JSON.parse would round them to doubles). Object keys
 * come out sorted with the last duplicate winning, like serde_json's default map in graph-node.
 */
export function parseJsonText(text: string): JsonNode {
  let at = 0;
  const fail = (why: string): never => {
    throw new SyntaxError(`invalid JSON at offset ${at}: ${why}`);
  };
  const skipSpace = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at += 1;
  };
  const expect = (literal: string) => {
    if (!text.startsWith(literal, at)) fail(`expected ${literal}`);
    at += literal.length;
  };
  const parseString = (): string => {
    const start = at;
    at += 1;
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    if (at >= text.length) fail('unterminated string');
    at += 1;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const parseValue = (): JsonNode => {
    skipSpace();
    const char = text[at];
    if (char === '{') {
      at += 1;
      const entries = new Map<string, JsonNode>();
      skipSpace();
      if (text[at] === '}') {
        at += 1;
      } else {
        for (;;) {
          skipSpace();
          if (text[at] !== '"') fail('expected a key');
          const key = parseString();
          skipSpace();
          expect(':');
          entries.set(key, parseValue());
          skipSpace();
          if (text[at] === ',') at += 1;
          else if (text[at] === '}') {
            at += 1;
            break;
          } else fail('expected , or }');
        }
      }
      return { kind: 'object', entries: [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
    }
    if (char === '[') {
      at += 1;
      const items: JsonNode[] = [];
      skipSpace();
      if (text[at] === ']') {
        at += 1;
      } else {
        for (;;) {
          items.push(parseValue());
          skipSpace();
          if (text[at] === ',') at += 1;
          else if (text[at] === ']') {
            at += 1;
            break;
          } else fail('expected , or ]');
        }
      }
      return { kind: 'array', items };
    }
    if (char === '"') return { kind: 'string', value: parseString() };
    if (text.startsWith('true', at)) {
      at += 4;
      return { kind: 'bool', value: true };
    }
    if (text.startsWith('false', at)) {
      at += 5;
      return { kind: 'bool', value: false };
    }
    if (text.startsWith('null', at)) {
      at += 4;
      return { kind: 'null' };
    }
    NUMBER.lastIndex = at;
    const match = NUMBER.exec(text);
    if (match === null) return fail('unexpected character');
    at += match[0].length;
    return { kind: 'number', text: match[0] };
  };
  const value = parseValue();
  skipSpace();
  if (at !== text.length) fail('trailing characters');
  return value;
}
