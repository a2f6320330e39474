/**
 * DuckDB result values → the `QueryResult` conventions shared with the Athena client:
 * `number` for integers within 2^53 and floating point, `bigint` beyond, decimals as exact strings,
 * `Date` (UTC, millisecond precision) for timestamps, `"YYYY-MM-DD"` for dates, `Uint8Array` for
 * binary, `null` for NULL. Anything else (lists, structs, times, intervals, UUIDs) becomes the text
 * DuckDB prints for it, as Athena returns non-scalar values as text.
 */
import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
} from "@duckdb/node-api";
import type { DuckDBValue } from "@duckdb/node-api";

/** A value of a {@link QueryResult} row (see `sql-client.ts`). */
export type Scalar = number | bigint | string | boolean | Date | Uint8Array | null;

/**
 * Converts one DuckDB value.
 *
 * @example
 * convertDuckDBValue(9007199254740993n); // 9007199254740993n (beyond 2^53 stays bigint)
 * convertDuckDBValue(42n);               // 42
 */
export function convertDuckDBValue(value: DuckDBValue): Scalar {
  if (value === null) return null;
  switch (typeof value) {
    case "boolean":
    case "string":
    case "number":
      return value;
    case "bigint":
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
    default:
      break;
  }
  if (value instanceof DuckDBDecimalValue) return value.toString();
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
    return instant(floorDiv(value.micros, 1000n));
  }
  if (value instanceof DuckDBTimestampMillisecondsValue) return instant(value.millis);
  if (value instanceof DuckDBTimestampSecondsValue) return instant(value.seconds * 1000n);
  if (value instanceof DuckDBTimestampNanosecondsValue) return instant(floorDiv(value.nanos, 1_000_000n));
  if (value instanceof DuckDBDateValue) return value.toString();
  // DuckDB hands out a Node Buffer; a plain Uint8Array behaves the same everywhere (JSON included).
  if (value instanceof DuckDBBlobValue) return new Uint8Array(value.bytes);
  return String(value);
}

// ±infinity timestamps (and anything beyond Date's range) stay text rather than an invalid Date.
function instant(millis: bigint): Date | string {
  const date = new Date(Number(millis));
  return Number.isNaN(date.getTime()) ? (millis < 0n ? "-infinity" : "infinity") : date;
}

/** Division rounding toward -∞, so instants before 1970 keep their millisecond. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
