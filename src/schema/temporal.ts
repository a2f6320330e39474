/**
 * ISO-8601 parsing and formatting shared by inference and coercion. Everything is UTC: dlt forces
 * UTC, and Parquet timestamps are written as UTC milliseconds.
 */

// ISO-8601 date with optional time and offset, e.g. 2024-01-02T03:04:05.123+02:00.
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * Whether a string is an ISO-8601 date *with* a time part (dlt's default `iso_timestamp`
 * detection); plain dates stay text.
 *
 * @example
 * isIsoTimestamp("2024-01-02 03:04:05"); // true
 * isIsoTimestamp("2024-01-02"); // false
 */
export function isIsoTimestamp(value: string): boolean {
  const match = ISO_DATETIME.exec(value);
  return match !== null && match[4] !== undefined && parseIsoMatch(match) !== undefined;
}

/**
 * Parses an ISO-8601 date or date-time into a `Date` (UTC; ms precision). Times without an offset
 * are read as UTC, as dlt does. Returns `undefined` for anything else.
 *
 * @example
 * parseIsoTimestamp("2024-01-02T03:04:05.123+02:00")?.toISOString(); // "2024-01-02T01:04:05.123Z"
 */
export function parseIsoTimestamp(value: string): Date | undefined {
  const match = ISO_DATETIME.exec(value.trim());
  return match === null ? undefined : parseIsoMatch(match);
}

function parseIsoMatch(match: RegExpExecArray): Date | undefined {
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", offset] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const ms = Number((frac + "000").slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const date = new Date(utc);
  // Date.UTC rolls 2024-02-30 over into March; such dates are invalid, not coerced.
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) {
    return undefined;
  }
  if (year < 100) {
    date.setUTCFullYear(year);
  }
  return new Date(date.getTime() - offsetMinutes(offset) * 60_000);
}

function offsetMinutes(offset: string | undefined): number {
  if (offset === undefined || offset === "Z" || offset === "z") {
    return 0;
  }
  const sign = offset.startsWith("-") ? -1 : 1;
  const digits = offset.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || "0"));
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
