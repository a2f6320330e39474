/** Athena's string cells → JS values, per column type (sql-client.ts conventions). */
import { describe, expect, it } from "vitest";
import { convertAthenaValue } from "../../../../src/destination/athena/athena-values.js";

describe("convertAthenaValue", () => {
  it.each([
    ["abc", "varchar", "abc"],
    ["7", "tinyint", 7],
    ["-32768", "smallint", -32768],
    ["2147483647", "integer", 2147483647],
    ["9007199254740991", "bigint", 9007199254740991],
    ["-9223372036854775808", "bigint", -9223372036854775808n],
    ["1.0E10", "double", 1e10],
    ["Infinity", "double", Number.POSITIVE_INFINITY],
    ["-Infinity", "real", Number.NEGATIVE_INFINITY],
    ["false", "boolean", false],
    ["0.000000001", "decimal(38,9)", "0.000000001"],
    ["2024-02-29", "date", "2024-02-29"],
    ["1970-01-01 00:00:00.000", "timestamp", new Date(0)],
    ["2024-01-02 03:04:05", "timestamp(3)", new Date(Date.UTC(2024, 0, 2, 3, 4, 5))],
    ["2024-01-02 03:04:05.123456", "timestamp(6)", new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 123))],
    ["2024-01-02 03:04:05.123 UTC", "timestamp with time zone", new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 123))],
    ["2024-01-02 05:04:05.000 +02:00", "timestamp with time zone", new Date(Date.UTC(2024, 0, 2, 3, 4, 5))],
    ["2024-01-02 03:04:05.000 Europe/Berlin", "timestamp with time zone", "2024-01-02 03:04:05.000 Europe/Berlin"],
    ["", "varbinary", new Uint8Array()],
    ["00 ff 10", "varbinary", Uint8Array.from([0, 255, 16])],
    ["{\"a\":[1,2]}", "json", "{\"a\":[1,2]}"],
    ["12:30:00.000", "time", "12:30:00.000"],
    [undefined, "bigint", null],
  ])("%s as %s", (value, type, expected) => {
    expect(convertAthenaValue(value, type)).toEqual(expected);
  });
});
