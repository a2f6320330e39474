/**
 * Athena returns every result value as a string (`VarCharValue`); this turns one into the value
 * conventions of {@link QueryResult} by its column type.
 */
import type { QueryResult } from "../sql-client.js";

// Trino's text forms: "2024-01-02 03:04:05.123" (Hive, ms) or ".123456" (Iceberg, µs); a
// "with time zone" value adds " UTC", "Z" or an offset such as " +02:00".
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,12}))?(?:\s*(UTC|Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Converts one Athena cell. `undefined` (a `{}` cell) is NULL. Integers beyond 2^53 become
 * `bigint`; decimals stay exact strings; timestamps become UTC `Date`s (sub-millisecond digits
 * are cut, as `Date` cannot hold them); varbinary arrives as spaced hex (`"68 65 6c"`). Types
 * without a better JS form (`json`, `array`, `map`, `row`, `time`) stay as Athena printed them.
 *
 * @example
 * convertAthenaValue("9007199254740993", "bigint"); // 9007199254740993n
 * convertAthenaValue("68 69", "varbinary");         // Uint8Array [0x68, 0x69]
 */
export function convertAthenaValue(value: string | undefined, type: string): unknown {
  if (value === undefined) return null;
  const base = type.toLowerCase().replace(/\(.*$/, "").trim();
  switch (base) {
    case "tinyint":
    case "smallint":
    case "integer":
    case "int":
    case "bigint":
      return parseInteger(value);
    case "double":
    case "float":
    case "real":
      // Number() also reads Athena's "NaN", "Infinity" and "-Infinity".
      return Number(value);
    case "boolean":
      return value === "true";
    case "timestamp":
    case "timestamp with time zone":
      return parseTimestamp(value) ?? value;
    case "varbinary":
      return parseHex(value) ?? value;
    default:
      // varchar, char, string, decimal (exact), date ("YYYY-MM-DD"), json, array, map, row, time.
      return value;
  }
}

function parseInteger(value: string): number | bigint | string {
  if (!/^-?\d+$/.test(value)) return value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : BigInt(value);
}

function parseTimestamp(value: string): Date | undefined {
  const m = TIMESTAMP.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction = "", zone] = m;
  const ms = Number(fraction.padEnd(3, "0").slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  return new Date(utc - offsetMinutes(zone) * 60_000);
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === "UTC" || zone === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

function parseHex(value: string): Uint8Array | undefined {
  const hex = value.replace(/\s+/g, "");
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return undefined;
  return Uint8Array.from(Buffer.from(hex, "hex"));
}
