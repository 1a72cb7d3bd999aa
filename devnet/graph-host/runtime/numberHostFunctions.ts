import { BigDecimalValue } from './BigDecimalValue.js';
import { newBigDecimal, newBigInt, readBigDecimal, readBigInt } from './entityCodec.js';
import type { HostContext, HostFunction } from './HostContext.js';
import { MappingFailure } from './MappingFailure.js';

/** Arithmetic errors are the mapping's: they fail the same way on every run. */
function arithmetic<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError || error instanceof SyntaxError) {
      throw new MappingFailure(error.message, { cause: error });
    }
    throw error;
  }
}

export function numberHostFunctions(ctx: HostContext): Record<string, HostFunction> {
  const big = (ptr: number) => readBigInt(ctx.heap(), ptr);
  const dec = (ptr: number) => readBigDecimal(ctx.heap(), ptr);
  const outBig = (value: bigint) => newBigInt(ctx.heap(), value);
  const outDec = (value: BigDecimalValue) => newBigDecimal(ctx.heap(), value);
  const binary = (f: (a: bigint, b: bigint) => bigint) => (x: number, y: number) => outBig(f(big(x), big(y)));
  const decimal =
    (f: (a: BigDecimalValue, b: BigDecimalValue) => BigDecimalValue) => (x: number, y: number) =>
      outDec(arithmetic(() => f(dec(x), dec(y))));
  return {
    'bigInt.plus': binary((a, b) => a + b),
    'bigInt.minus': binary((a, b) => a - b),
    'bigInt.times': binary((a, b) => a * b),
    'bigInt.dividedBy': binary((a, b) => {
      if (b === 0n) throw new MappingFailure(`attempted to divide BigInt \`${a}\` by zero`);
      return a / b;
    }),
    'bigInt.mod': binary((a, b) => {
      if (b === 0n)
        throw new MappingFailure(`attempted to calculate the remainder of \`${a}\` with a divisor of zero`);
      return a % b;
    }),
    'bigInt.bitOr': binary((a, b) => a | b),
    'bigInt.bitAnd': binary((a, b) => a & b),
    'bigInt.pow': (x: number, exponent: number) => outBig(big(x) ** BigInt(exponent & 0xff)),
    'bigInt.leftShift': (x: number, bits: number) => outBig(big(x) << BigInt(bits & 0xff)),
    'bigInt.rightShift': (x: number, bits: number) => outBig(big(x) >> BigInt(bits & 0xff)),
    'bigInt.fromString': (textPtr: number) => {
      const text = ctx.heap().readString(textPtr);
      if (!/^[+-]?\d+$/.test(text))
        throw new MappingFailure(`failed to parse BigInt from ${JSON.stringify(text)}`);
      return outBig(BigInt(text));
    },
    'bigInt.dividedByDecimal': (x: number, y: number) =>
      outDec(arithmetic(() => BigDecimalValue.of(big(x), 0).dividedBy(dec(y)))),
    'bigDecimal.plus': decimal((a, b) => a.plus(b)),
    'bigDecimal.minus': decimal((a, b) => a.minus(b)),
    'bigDecimal.times': decimal((a, b) => a.times(b)),
    'bigDecimal.dividedBy': decimal((a, b) => a.dividedBy(b)),
    'bigDecimal.equals': (x: number, y: number) => (dec(x).equals(dec(y)) ? 1 : 0),
    'bigDecimal.toString': (x: number) => ctx.heap().newString(dec(x).toString()),
    'bigDecimal.fromString': (textPtr: number) => {
      const text = ctx.heap().readString(textPtr);
      return outDec(arithmetic(() => BigDecimalValue.fromString(text)));
    },
  };
}
