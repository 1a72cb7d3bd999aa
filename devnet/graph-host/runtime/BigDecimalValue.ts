/**
 * graph-node's BigDecimal: value = digits × 10^exp, normalized after every operation to at most 34
 * significant digits with trailing zeros moved into the exponent, so equal values have one representation
 * and `toString` gives the store's canonical text (plain notation, no exponent, no trailing zeros).
 */
export class BigDecimalValue {
  static readonly MAX_SIGNIFICANT_DIGITS = 34;

  readonly digits: bigint;
  readonly exp: number;

  private constructor(digits: bigint, exp: number) {
    this.digits = digits;
    this.exp = exp;
  }

  static of(digits: bigint, exp: number | bigint): BigDecimalValue {
    const e = Number(exp);
    if (!Number.isSafeInteger(e)) throw new RangeError(`BigDecimal exponent ${exp} out of range`);
    return BigDecimalValue.normalize(digits, e);
  }

  static fromString(text: string): BigDecimalValue {
    const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (match === null || `${match[2] ?? ''}${match[3] ?? ''}` === '') {
      throw new SyntaxError(`invalid BigDecimal ${JSON.stringify(text)}`);
    }
    const [, sign, whole = '', fraction = '', exponent = '0'] = match;
    const magnitude = BigInt(`${whole}${fraction}` || '0');
    return BigDecimalValue.of(sign === '-' ? -magnitude : magnitude, Number(exponent) - fraction.length);
  }

  plus(other: BigDecimalValue): BigDecimalValue {
    const [a, b, exp] = align(this, other);
    return BigDecimalValue.normalize(a + b, exp);
  }

  minus(other: BigDecimalValue): BigDecimalValue {
    const [a, b, exp] = align(this, other);
    return BigDecimalValue.normalize(a - b, exp);
  }

  times(other: BigDecimalValue): BigDecimalValue {
    return BigDecimalValue.normalize(this.digits * other.digits, this.exp + other.exp);
  }

  dividedBy(other: BigDecimalValue): BigDecimalValue {
    if (other.digits === 0n) throw new RangeError(`attempted to divide BigDecimal ${this} by zero`);
    // Enough extra digits that the quotient carries more than the 34 kept after rounding.
    const scale = Math.max(
      0,
      BigDecimalValue.MAX_SIGNIFICANT_DIGITS + 6 + digitCount(other.digits) - digitCount(this.digits),
    );
    return BigDecimalValue.normalize(
      (this.digits * 10n ** BigInt(scale)) / other.digits,
      this.exp - other.exp - scale,
    );
  }

  equals(other: BigDecimalValue): boolean {
    return this.digits === other.digits && this.exp === other.exp;
  }

  toString(): string {
    const negative = this.digits < 0n;
    const magnitude = (negative ? -this.digits : this.digits).toString();
    let text: string;
    if (this.exp >= 0) {
      text = this.digits === 0n ? '0' : magnitude + '0'.repeat(this.exp);
    } else {
      const point = magnitude.length + this.exp;
      text =
        point > 0
          ? `${magnitude.slice(0, point)}.${magnitude.slice(point)}`
          : `0.${'0'.repeat(-point)}${magnitude}`;
    }
    return negative ? `-${text}` : text;
  }

  // Rounding follows the bigdecimal crate graph-node pins: a positive value rounds half up, a negative one is
  // truncated towards zero.
  private static normalize(digits: bigint, exp: number): BigDecimalValue {
    if (digits === 0n) return new BigDecimalValue(0n, 0);
    let d = digits;
    let e = exp;
    const excess = digitCount(d) - BigDecimalValue.MAX_SIGNIFICANT_DIGITS;
    if (excess > 0) {
      const divisor = 10n ** BigInt(excess);
      const quotient = d / divisor;
      const remainder = d % divisor;
      d = d > 0n && remainder * 2n >= divisor ? quotient + 1n : quotient;
      e += excess;
    }
    while (d % 10n === 0n) {
      d /= 10n;
      e += 1;
    }
    return new BigDecimalValue(d, e);
  }
}

function digitCount(value: bigint): number {
  return (value < 0n ? -value : value).toString().length;
}

function align(a: BigDecimalValue, b: BigDecimalValue): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.digits * 10n ** BigInt(a.exp - exp), b.digits * 10n ** BigInt(b.exp - exp), exp];
}
