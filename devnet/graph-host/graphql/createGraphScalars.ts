import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

type GraphScalarName = 'BigInt' | 'BigDecimal' | 'Bytes' | 'Int8' | 'Timestamp';

/**
 * Which literal and variable forms each custom scalar accepts mirrors graph-node's input coercion; the
 * value stays a string until a filter converts it for the field it compares with, so malformed numbers
 * and hex fail there with graph-node's "Failed to decode" texts rather than with a coercion error.
 */
const ACCEPTS: Record<
  GraphScalarName,
  { literals: Kind[]; variables: ('string' | 'number')[]; description: string }
> = {
  BigInt: {
    literals: [Kind.STRING, Kind.INT],
    variables: ['string', 'number'],
    description: 'Arbitrary-size integer, as a decimal string.',
  },
  BigDecimal: {
    literals: [Kind.STRING, Kind.INT, Kind.FLOAT],
    variables: ['string', 'number'],
    description: 'Arbitrary-precision decimal, as a string.',
  },
  Bytes: { literals: [Kind.STRING], variables: ['string'], description: 'Byte array, as 0x-prefixed hex.' },
  Int8: { literals: [Kind.INT], variables: ['number'], description: '8 bytes signed integer' },
  Timestamp: {
    literals: [Kind.STRING],
    variables: ['string'],
    description: 'A string representation of microseconds UNIX timestamp (16 digits)',
  },
};

function scalar(name: GraphScalarName): GraphQLScalarType {
  const accepts = ACCEPTS[name];
  return new GraphQLScalarType({
    name,
    description: accepts.description,
    serialize: (value) => (typeof value === 'bigint' ? value.toString() : value),
    parseValue: (value) => {
      const kind = typeof value;
      if ((kind === 'string' || kind === 'number') && accepts.variables.includes(kind)) {
        if (kind === 'number' && !Number.isFinite(value))
          throw new TypeError(`${name} cannot represent ${value}`);
        return String(value);
      }
      throw new TypeError(`${name} cannot represent ${JSON.stringify(value)}`);
    },
    parseLiteral: (ast: ValueNode) => {
      if (
        (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) &&
        accepts.literals.includes(ast.kind)
      ) {
        return ast.value;
      }
      throw new TypeError(`${name} cannot represent a ${ast.kind} literal`);
    },
  });
}

/** graph-node's custom scalars, one instance per API schema. */
export function createGraphScalars(): Record<GraphScalarName, GraphQLScalarType> {
  return {
    BigInt: scalar('BigInt'),
    BigDecimal: scalar('BigDecimal'),
    Bytes: scalar('Bytes'),
    Int8: scalar('Int8'),
    Timestamp: scalar('Timestamp'),
  };
}
