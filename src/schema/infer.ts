/**
 * Type inference for values coming out of the normalizer (dlt's `py_type_to_sc_type` plus the default
 * `iso_timestamp` detection). JavaScript has fewer value types than Python, so a few rules are ours:
 * integral numbers are `bigint`, and integers outside int64 become `double` (numbers) or `decimal`
 * (JS `bigint`) because Parquet int64 cannot hold them.
 */
import { isIsoTimestamp } from "./temporal.js";
import type { DataType } from "./types.js";

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/**
 * The dlt data type of a value, or `undefined` for `null`/`undefined` (which create no column).
 *
 * @example
 * inferDataType("2024-01-02T03:04:05Z"); // "timestamp"
 * inferDataType("2024-01-02"); // "text"
 * inferDataType(3); // "bigint"
 * inferDataType(3.5); // "double"
 */
export function inferDataType(value: unknown): DataType | undefined {
  switch (typeof value) {
    case "undefined":
      return undefined;
    case "string":
      return isIsoTimestamp(value) ? "timestamp" : "text";
    case "number":
      return Number.isInteger(value) && isInt64(BigInt(value)) ? "bigint" : "double";
    case "bigint":
      return isInt64(value) ? "bigint" : "decimal";
    case "boolean":
      return "bool";
    case "object":
      return inferObjectType(value);
    default:
      // Functions and symbols have no data representation; store their text like dlt's `str()`.
      return "text";
  }
}

function inferObjectType(value: object | null): DataType | undefined {
  if (value === null) {
    return undefined;
  }
  if (value instanceof Date) {
    return "timestamp";
  }
  if (value instanceof Uint8Array) {
    return "binary";
  }
  return "json";
}

/**
 * Whether an integer fits Parquet/Athena `bigint` (int64).
 *
 * @example
 * isInt64(2n ** 63n); // false
 */
export function isInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}
