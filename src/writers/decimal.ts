/**
 * Exact decimal conversion for DECIMAL(p,s) columns: a value becomes its *unscaled* bigint
 * (`value × 10^s`) without ever passing through floating point, so "581106.94" is stored as
 * 58110694 and not as 58110693.99999999….
 */

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Why a value cannot be stored in a DECIMAL column; the writer adds table and column. */
export class DecimalValueError extends Error {}

/** Powers of ten as bigints, computed once: decimal conversion is on the per-value hot path. */
const POW10: bigint[] = Array.from({ length: 80 }, (_, i) => 10n ** BigInt(i));

function pow10(exponent: number): bigint {
  return POW10[exponent] ?? 10n ** BigInt(exponent);
}

/**
 * A converter from a JS value to the *unscaled* bigint of a DECIMAL(`precision`,`scale`) column.
 *
 * - `string`: exact decimal text (`"9.50"`, `"-12.345678901"`, `"1.5e3"`). Digits beyond `scale`
 *   must be zeros; anything else throws, because silently rounding exact input loses data.
 * - `bigint`: an integer, scaled exactly.
 * - `number`: taken by its shortest round-trip text (`String(0.29)` is `"0.29"`), then rounded
 *   half away from zero to `scale`: a float is already an approximation, so rounding is expected.
 *
 * The converter throws {@link DecimalValueError} when the value is not a finite decimal or needs
 * more than `precision` digits.
 *
 * @example
 * const toUnscaled = createDecimalConverter(38, 9);
 * toUnscaled("9.50"); // 9500000000n
 * createDecimalConverter(18, 2)(0.29); // 29n
 */
export function createDecimalConverter(precision: number, scale: number): (value: unknown) => bigint {
  const limit = pow10(precision);
  const factor = pow10(scale);
  return (value) => {
    let unscaled: bigint;
    if (typeof value === "string") {
      unscaled = parseShortDecimalText(value, scale) ?? parseDecimalText(value, scale, false);
    } else if (typeof value === "bigint") {
      unscaled = value * factor;
    } else if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new DecimalValueError(`${value} is not a finite number`);
      unscaled = parseDecimalText(String(value), scale, true);
    } else {
      throw new DecimalValueError(
        `expected a decimal string, number or bigint, got ${describeValue(value)}`,
      );
    }
    if (unscaled >= limit || unscaled <= -limit) {
      throw new DecimalValueError(
        `${String(value)} does not fit DECIMAL(${precision},${scale}) (at most ${precision - scale} digits before the point)`,
      );
    }
    return unscaled;
  };
}

/**
 * The unscaled bigint of one value; see {@link createDecimalConverter}, which is faster for many.
 *
 * @example
 * toUnscaledDecimal("581106.94", 18, 2); // 58110694n
 */
export function toUnscaledDecimal(value: unknown, precision: number, scale: number): bigint {
  return createDecimalConverter(precision, scale)(value);
}

/** Below 2^53 every integer is exact in a double, so short decimals need no bigint parsing. */
const MAX_EXACT_DIGITS = 15;
const ZERO = 48;
const NINE = 57;
const DOT = 46;
const MINUS = 45;

/**
 * The unscaled value of a plain decimal (`-?digits[.digits]`, at most `scale` fraction digits and
 * 15 digits once scaled) computed in double arithmetic, which is exact there; `undefined` for any
 * other text, which {@link parseDecimalText} then handles. Normalized rows carry decimals in
 * exactly this form, and parsing them through a regex and `BigInt(string)` was the cost.
 */
function parseShortDecimalText(text: string, scale: number): bigint | undefined {
  const negative = text.charCodeAt(0) === MINUS;
  let digits = 0;
  let fractionDigits = -1;
  let unscaled = 0;
  for (let i = negative ? 1 : 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === DOT && fractionDigits < 0) {
      fractionDigits = 0;
      continue;
    }
    if (code < ZERO || code > NINE) return undefined;
    unscaled = unscaled * 10 + (code - ZERO);
    digits++;
    if (fractionDigits >= 0) fractionDigits++;
  }
  const fraction = Math.max(fractionDigits, 0);
  if (digits === 0 || fraction > scale || digits + scale - fraction > MAX_EXACT_DIGITS) return undefined;
  const result = BigInt(unscaled * 10 ** (scale - fraction));
  return negative ? -result : result;
}

function parseDecimalText(text: string, scale: number, shouldRound: boolean): bigint {
  const match = DECIMAL_TEXT.exec(text.trim());
  const [, sign, whole = "", fraction = "", exponent] = match ?? [];
  if (match === null || whole.length + fraction.length === 0) {
    throw new DecimalValueError(`"${text}" is not a decimal number`);
  }
  let unscaled: bigint;
  if (exponent === undefined && fraction.length <= scale) {
    // The common case ("9.50" at scale 9): pad with zeros instead of multiplying bigints.
    unscaled = BigInt(whole + fraction + "0".repeat(scale - fraction.length));
  } else {
    unscaled = rescale(BigInt(whole + fraction), Number(exponent ?? 0) - fraction.length + scale, text, scale, shouldRound);
  }
  return sign === "-" ? -unscaled : unscaled;
}

/** `digits × 10^shift` as an integer; a negative shift drops digits, which must be zeros. */
function rescale(digits: bigint, shift: number, text: string, scale: number, shouldRound: boolean): bigint {
  if (shift >= 0) return digits * pow10(shift);
  const divisor = pow10(-shift);
  const remainder = digits % divisor;
  let unscaled = digits / divisor;
  if (remainder !== 0n) {
    if (!shouldRound) {
      throw new DecimalValueError(
        `"${text}" has more than ${scale} decimal places; raise the column's scale or round the value`,
      );
    }
    if (remainder * 2n >= divisor) unscaled += 1n;
  }
  return unscaled;
}

/** A short, safe description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (value instanceof Date) return "a Date";
  if (value instanceof Uint8Array) return "a Uint8Array";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") {
    return value.length > 40 ? `string "${value.slice(0, 40)}…"` : `string "${value}"`;
  }
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}
