/**
 * ISO-8601 parsing and formatting shared by inference and coercion. Everything is UTC: dlt forces
 * UTC, and Parquet timestamps are written as UTC milliseconds.
 */

import { parseIsoLike } from "./iso8601.js";

/**
 * Whether a string is an ISO-8601 date *with* a time part (dlt's default `iso_timestamp`
 * detection, any form dlt's parser reads: `20240115T100000Z`, `2024-01-15T10`, `2024/01/15 10:00`);
 * plain dates stay text.
 *
 * @example
 * isIsoTimestamp("2024-01-02 03:04:05"); // true
 * isIsoTimestamp("2024-01-02"); // false
 */
export function isIsoTimestamp(value: string): boolean {
  return parseIsoLike(value)?.kind === "datetime";
}

/**
 * Parses an ISO-8601 date or date-time into a `Date` (UTC; ms precision). Times without an offset
 * are read as UTC, as dlt does. Returns `undefined` for anything else.
 *
 * @example
 * parseIsoTimestamp("2024-01-02T03:04:05.123+02:00")?.toISOString(); // "2024-01-02T01:04:05.123Z"
 */
export function parseIsoTimestamp(value: string): Date | undefined {
  const parsed = parseIsoLike(value.trim());
  return parsed === undefined || parsed.kind === "time" ? undefined : new Date(parsed.epochMs);
}

/**
 * Formats a `Date` as an ISO date `YYYY-MM-DD` (UTC).
 *
 * @example
 * formatIsoDate(new Date("2024-01-02T23:00:00Z")); // "2024-01-02"
 */
export function formatIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
