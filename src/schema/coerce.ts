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
 * | `json`      | `string` holding JSON text                                  |
 * | `binary`    | `Uint8Array` (a `Buffer` is passed through as is)           |
 */
import { formatDecimal, integerDigits, parseDecimal, rescaleDecimal } from "./decimal.js";
import { inferDataType, isInt64 } from "./infer.js";
import { formatIsoDate, parseIsoTimestamp } from "./temporal.js";
import type { ColumnSchema, DataType } from "./types.js";

/** Returned by {@link coerceValue} when the value does not fit the type. */
export const CANNOT_COERCE: unique symbol = Symbol("cannot_coerce");
export type CannotCoerce = typeof CANNOT_COERCE;

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
      return toJsonText(value);
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
  // Most text values are already strings: skip inference, whose ISO-timestamp regex is the cost.
  if (typeof value === "string") {
    return value;
  }
  switch (inferDataType(value)) {
    case "text":
    case "timestamp":
      return value instanceof Date ? value.toISOString() : value;
    case "binary": {
      const bytes = value as Uint8Array;
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
    }
    case "json":
      return toJsonText(value);
    default:
      return String(value);
  }
}

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
  } else if (typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value)) {
    result = BigInt(value.trim());
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
  if (typeof value === "string" && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) {
    return Number(value);
  }
  return CANNOT_COERCE;
}

function toBool(value: unknown): unknown {
  if (typeof value === "boolean") {
    return value;
  }
  if (value === 0 || value === 1 || value === 0n || value === 1n) {
    return value === 1 || value === 1n;
  }
  if (typeof value === "string") {
    const lowered = value.trim().toLowerCase();
    if (lowered === "true" || lowered === "false") {
      return lowered === "true";
    }
  }
  return CANNOT_COERCE;
}

function toTimestamp(value: unknown): unknown {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? CANNOT_COERCE : value;
  }
  if (typeof value === "string") {
    return parseIsoTimestamp(value) ?? CANNOT_COERCE;
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

function toDecimal(value: unknown, precision?: number, scale?: number): unknown {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "bigint") {
    return CANNOT_COERCE;
  }
  if (typeof value === "string" && scale !== undefined && isCanonicalDecimal(value, precision, scale)) {
    return value;
  }
  const parsed = parseDecimal(value);
  if (parsed === undefined) {
    return CANNOT_COERCE;
  }
  const scaled = scale === undefined ? parsed : rescaleDecimal(parsed, scale);
  if (precision !== undefined && integerDigits(scaled) > precision - scaled.scale) {
    return CANNOT_COERCE;
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
