/**
 * Exact decimal values as strings. JavaScript has no decimal type and a `number` would lose digits,
 * so normalized rows carry decimals as plain strings (`"9.50"`, `"-0.001"`, never exponents).
 */

/** An exact decimal: `unscaled / 10^scale`. */
export interface ExactDecimal {
  readonly unscaled: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses a decimal from a numeric string, a finite number or a bigint.
 *
 * @example
 * parseDecimal("9.50"); // { unscaled: 950n, scale: 2 }
 * parseDecimal(1e-7); // { unscaled: 1n, scale: 7 }
 */
export function parseDecimal(value: string | number | bigint): ExactDecimal | undefined {
  if (typeof value === "bigint") {
    return { unscaled: value, scale: 0 };
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    return undefined;
  }
  const text = typeof value === "number" ? String(value) : value.trim();
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) {
    return undefined;
  }
  const [, sign = "", intPart = "", fracPart = "", exp = "0"] = match;
  if (intPart === "" && fracPart === "") {
    return undefined;
  }
  let unscaled = BigInt((intPart || "0") + fracPart);
  let scale = fracPart.length - Number(exp);
  if (scale < 0) {
    unscaled *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { unscaled: sign === "-" ? -unscaled : unscaled, scale };
}

/**
 * Rescales a decimal, rounding half to even (Python's default decimal context) when digits are dropped.
 *
 * @example
 * rescaleDecimal({ unscaled: 1005n, scale: 3 }, 2); // { unscaled: 100n, scale: 2 }
 */
export function rescaleDecimal(value: ExactDecimal, scale: number): ExactDecimal {
  if (scale >= value.scale) {
    return { unscaled: value.unscaled * 10n ** BigInt(scale - value.scale), scale };
  }
  const divisor = 10n ** BigInt(value.scale - scale);
  const negative = value.unscaled < 0n;
  const abs = negative ? -value.unscaled : value.unscaled;
  let quotient = abs / divisor;
  const twiceRemainder = (abs % divisor) * 2n;
  if (twiceRemainder > divisor || (twiceRemainder === divisor && quotient % 2n === 1n)) {
    quotient += 1n;
  }
  return { unscaled: negative ? -quotient : quotient, scale };
}

/**
 * Formats a decimal as plain text with exactly `scale` fraction digits.
 *
 * @example
 * formatDecimal({ unscaled: -5n, scale: 2 }); // "-0.05"
 */
export function formatDecimal(value: ExactDecimal): string {
  const negative = value.unscaled < 0n;
  const digits = (negative ? -value.unscaled : value.unscaled).toString().padStart(value.scale + 1, "0");
  const intPart = digits.slice(0, digits.length - value.scale);
  const fracPart = digits.slice(digits.length - value.scale);
  return (negative ? "-" : "") + intPart + (value.scale > 0 ? "." + fracPart : "");
}

/**
 * How many digits the integer part needs (for precision checks).
 *
 * @example
 * integerDigits({ unscaled: 12345n, scale: 2 }); // 3
 */
export function integerDigits(value: ExactDecimal): number {
  const abs = value.unscaled < 0n ? -value.unscaled : value.unscaled;
  const intPart = abs / 10n ** BigInt(value.scale);
  return intPart === 0n ? 0 : intPart.toString().length;
}
