/**
 * Converts a value to a column's data type, the way dlt's `coerce_value` does, and fixes the one
 * representation each type has in a normalized row (the Parquet writer relies on it):
 *
 * | data type   | value in a normalized row                                   |
 * |-------------|-------------------------------------------------------------|
 * | `text`      | `string`                                                    |
 * | `bigint`    | JS `bigint` (always, whatever the magnitude)                |
 * | `double`    | `number`                                                    |
 * | `bool`      | `boolean`                                                   |
 * | `timestamp` | `Date` (UTC, millisecond precision)                         |
 * | `date`      | `string` `YYYY-MM-DD`                                       |
 * | `time`      | `string` `HH:MM:SS[.fraction]`                              |
 * | `decimal`   | `string`, exact, plain digits; exactly `scale` fraction digits when the column has a scale |
 * | `json`      | `string` holding JSON text (objects, arrays, or text that parses as JSON) |
 * | `binary`    | `Uint8Array` (a `Buffer` is passed through as is)           |
 */
import { formatDecimal, integerDigits, parseDecimal, rescaleDecimal } from "./decimal.js";
import { isInt64 } from "./infer.js";
import { parseIsoLike } from "./iso8601.js";
import { formatIsoDate } from "./temporal.js";
import type { ColumnSchema, DataType } from "./types.js";

/** Returned by {@link coerceValue} when the value does not fit the type. */
export const CANNOT_COERCE: unique symbol = Symbol("cannot_coerce");
export type CannotCoerce = typeof CANNOT_COERCE;

/**
 * Returned by {@link coerceValue} for a decimal that its column cannot hold without losing digits
 * (more fraction digits than the scale, or more integer digits than the precision allows): dlt
 * fails such a load ("data loss") instead of rounding, and so do we.
 */
export const DECIMAL_DATA_LOSS: unique symbol = Symbol("decimal_data_loss");

/** The part of a column that coercion looks at. */
export type CoercibleColumn = Pick<ColumnSchema, "dataType"> & Partial<Pick<ColumnSchema, "precision" | "scale">>;

/**
 * Whether a coercion result means "does not fit".
 *
 * @example
 * isCannotCoerce(coerceValue("abc", { dataType: "bigint" })); // true
 */
export function isCannotCoerce(value: unknown): value is CannotCoerce {
  return value === CANNOT_COERCE;
}

/**
 * Converts `value` (never null) to the column's data type, or returns {@link CANNOT_COERCE}.
 *
 * @example
 * coerceValue("123", { dataType: "bigint" }); // 123n
 * coerceValue(7, { dataType: "text" }); // "7"
 * coerceValue("9.5", { dataType: "decimal", precision: 10, scale: 2 }); // "9.50"
 */
export function coerceValue(value: unknown, column: CoercibleColumn): unknown {
  switch (column.dataType) {
    case "text":
      return toText(value);
    case "json":
      return toJson(value);
    case "bigint":
      return toBigint(value);
    case "double":
      return toDouble(value);
    case "bool":
      return toBool(value);
    case "timestamp":
      return toTimestamp(value);
    case "date":
      return toDate(value);
    case "time":
      return toTime(value);
    case "decimal":
      return toDecimal(value, column.precision, column.scale);
    case "binary":
      return toBinary(value);
    default:
      return assertNever(column.dataType);
  }
}

/**
 * JSON text of a value: `bigint` as a number when it is safe, else as a string; `Date` as ISO
 * text; bytes as base64.
 *
 * @example
 * toJsonText({ a: [1, 2n] }); // '{"a":[1,2]}'
 */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, jsonReplacer) ?? "null";
}

function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  // `value` is already the result of Date#toJSON; read the raw property to see bytes and bigints.
  const raw = key === "" ? value : (this as Record<string, unknown>)[key];
  if (typeof raw === "bigint") {
    return Number.isSafeInteger(Number(raw)) ? Number(raw) : raw.toString();
  }
  if (raw instanceof Uint8Array) {
    return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("base64");
  }
  return value;
}

function toText(value: unknown): unknown {
  // Most text values are already strings: nothing to do.
  if (typeof value === "string") {
    return value;
  }
  return textOf(value);
}

/**
 * A non-string value as text, written the way dlt's `str()` writes the Python value: `True`,
 * `1e+20`, `-0.0`, ISO date-times with `+00:00`, bytes as base64, objects as JSON.
 *
 * @example
 * textOf(true); // "True"
 * textOf(1e20); // "1e+20"
 */
export function textOf(value: unknown): string {
  switch (typeof value) {
    case "boolean":
      return value ? "True" : "False";
    case "number":
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : pythonFloatText(value);
    case "bigint":
      return value.toString();
    case "object": {
      if (value instanceof Date) return pythonIsoFormat(value);
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
      return toJsonText(value);
    }
    default:
      return String(value);
  }
}

/**
 * Python's `repr` of a float: the shortest digits that read back the same, in fixed notation for
 * exponents -4…15 (always with a fraction, `3.0`) and scientific notation outside (`1e+20`, `1.5e-07`).
 *
 * @example
 * pythonFloatText(-0); // "-0.0"
 */
export function pythonFloatText(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa = "", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    const integer = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    return `${sign}${integer}.${digits.slice(exponent + 1) || "0"}`;
  }
  const head = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${head}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** Python's `datetime.isoformat()` of a UTC instant: fraction only when not zero, `+00:00`. */
function pythonIsoFormat(date: Date): string {
  const iso = date.toISOString();
  const ms = date.getUTCMilliseconds();
  return `${iso.slice(0, 19)}${ms === 0 ? "" : `.${String(ms).padStart(3, "0")}000`}+00:00`;
}

/** `json` columns take objects and arrays, and text that parses as JSON (dlt's `json.loads`). */
function toJson(value: unknown): unknown {
  if (typeof value === "string") {
    try {
      JSON.parse(value);
      return value;
    } catch {
      return CANNOT_COERCE;
    }
  }
  if (typeof value === "object" && value !== null && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return toJsonText(value);
  }
  return CANNOT_COERCE;
}

// Python's int() and float() syntax: digits may be grouped with single underscores.
const PY_INT = /^[+-]?\d(?:_?\d)*$/;
const PY_HEX = /^0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*$/;
const PY_FLOAT = /^[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const PY_FLOAT_SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

function toBigint(value: unknown): unknown {
  // Safe integers are always in int64 range: no bigint comparisons for the common case.
  if (Number.isSafeInteger(value)) {
    return BigInt(value as number);
  }
  let result: bigint | undefined;
  if (typeof value === "bigint") {
    result = value;
  } else if (typeof value === "number" && Number.isInteger(value)) {
    result = BigInt(value);
  } else if (typeof value === "string") {
    // dlt: strip, then `0x…` as hexadecimal, else Python's int().
    const text = value.trim();
    if (PY_HEX.test(text)) result = BigInt(`0x${text.slice(2).replace(/_/g, "")}`);
    else if (PY_INT.test(text)) result = BigInt(text.replace(/_/g, ""));
  }
  return result !== undefined && isInt64(result) ? result : CANNOT_COERCE;
}

function toDouble(value: unknown): unknown {
  if (typeof value === "number") {
    return value;
  }
  if (typeof value === "bigint") {
    return Number(value);
  }
  if (typeof value === "string") {
    // dlt: strip, then `0x…` as a hexadecimal integer, else Python's float() ("NaN", "inf" included).
    const text = value.trim();
    if (PY_FLOAT.test(text)) return Number(text.replace(/_/g, ""));
    if (PY_HEX.test(text)) return Number(BigInt(`0x${text.slice(2).replace(/_/g, "")}`));
    const special = PY_FLOAT_SPECIAL.exec(text);
    if (special !== null) {
      if (special[2]!.toLowerCase() === "nan") return Number.NaN;
      return special[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    }
  }
  return CANNOT_COERCE;
}

const TRUE_TEXT = new Set(["yes", "true", "t", "y", "1"]);
const FALSE_TEXT = new Set(["no", "false", "f", "n", "0"]);

function toBool(value: unknown): unknown {
  if (typeof value === "boolean") {
    return value;
  }
  // dlt: `bool()` of a number (any non-zero is true), `str2bool` of text.
  if (typeof value === "number") {
    return value !== 0;
  }
  if (typeof value === "bigint") {
    return value !== 0n;
  }
  if (typeof value === "string") {
    const lowered = value.toLowerCase();
    if (TRUE_TEXT.has(lowered)) return true;
    if (FALSE_TEXT.has(lowered)) return false;
  }
  return CANNOT_COERCE;
}

function toTimestamp(value: unknown): unknown {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? CANNOT_COERCE : value;
  }
  if (typeof value === "string") {
    // Any ISO-8601 form dlt reads; a plain date is its midnight (UTC).
    const parsed = parseIsoLike(value);
    return parsed === undefined || parsed.kind === "time" ? CANNOT_COERCE : new Date(parsed.epochMs);
  }
  // Numbers are unix epoch seconds, as in dlt (`pendulum.from_timestamp`).
  if (typeof value === "number" && Number.isFinite(value)) {
    return new Date(Math.round(value * 1000));
  }
  if (typeof value === "bigint") {
    return new Date(Number(value) * 1000);
  }
  return CANNOT_COERCE;
}

function toDate(value: unknown): unknown {
  const timestamp = toTimestamp(value);
  return timestamp instanceof Date ? formatIsoDate(timestamp) : CANNOT_COERCE;
}

function toTime(value: unknown): unknown {
  if (typeof value === "string" && /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim())) {
    return value.trim();
  }
  return CANNOT_COERCE;
}

/** The precision and scale a decimal column without them is written with (dlt's defaults). */
const DEFAULT_PRECISION = 38;
const DEFAULT_SCALE = 9;

function toDecimal(value: unknown, precision?: number, scale?: number): unknown {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") {
    return CANNOT_COERCE;
  }
  if (typeof value === "string" && scale !== undefined && isCanonicalDecimal(value, precision, scale)) {
    return value;
  }
  const parsed = parseDecimal(typeof value === "string" ? value.trim().replace(/(\d)_(?=\d)/g, "$1") : value);
  if (parsed === undefined) {
    return CANNOT_COERCE;
  }
  // Digits the column cannot hold are never rounded away: dlt fails the load ("data loss").
  const writtenScale = scale ?? DEFAULT_SCALE;
  if (parsed.scale > writtenScale && rescaleDecimal(rescaleDecimal(parsed, writtenScale), parsed.scale).unscaled !== parsed.unscaled) {
    return DECIMAL_DATA_LOSS;
  }
  const scaled = scale === undefined ? parsed : rescaleDecimal(parsed, scale);
  if (integerDigits(scaled) > (precision ?? DEFAULT_PRECISION) - writtenScale) {
    return DECIMAL_DATA_LOSS;
  }
  return formatDecimal(scaled);
}

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const MINUS = 45;

/**
 * Whether `text` is exactly what {@link toDecimal} would return for a column of this precision and
 * scale: optional `-`, an integer part without leading zeros, `.` and exactly `scale` digits (none
 * when `scale` is 0), not negative zero, and no more integer digits than the precision allows.
 * Decimals read from a source usually are canonical already, and parsing them into bigints only
 * to format them back is the main cost of decimal columns.
 */
function isCanonicalDecimal(text: string, precision: number | undefined, scale: number): boolean {
  const negative = text.charCodeAt(0) === MINUS;
  const start = negative ? 1 : 0;
  const dot = scale > 0 ? text.length - scale - 1 : text.length;
  const integerLength = dot - start;
  if (integerLength < 1 || (scale > 0 && text.charCodeAt(dot) !== DOT)) {
    return false;
  }
  let isZero = true;
  for (let i = start; i < text.length; i++) {
    if (i === dot) continue;
    const code = text.charCodeAt(i);
    if (code < ZERO || code > NINE) return false;
    if (code !== ZERO) isZero = false;
  }
  const leadingZero = text.charCodeAt(start) === ZERO;
  if ((leadingZero && integerLength > 1) || (negative && isZero)) {
    return false;
  }
  const integerDigitCount = leadingZero ? 0 : integerLength;
  return precision === undefined || integerDigitCount <= precision - scale;
}

function toBinary(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    return value;
  }
  if (typeof value === "string") {
    if (/^0x([0-9a-fA-F]{2})*$/.test(value)) {
      return new Uint8Array(Buffer.from(value.slice(2), "hex"));
    }
    if (value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
      return new Uint8Array(Buffer.from(value, "base64"));
    }
  }
  return CANNOT_COERCE;
}

function assertNever(value: never): never {
  throw new Error(`Unknown data type: ${String(value as DataType)}`);
}
