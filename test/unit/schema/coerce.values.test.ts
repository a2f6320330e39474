import { describe, expect, it } from "vitest";

import { CANNOT_COERCE, DECIMAL_DATA_LOSS, coerceValue, toJsonText } from "../../../src/schema/coerce.js";
import type { CoercibleColumn } from "../../../src/schema/coerce.js";

const bigint: CoercibleColumn = { dataType: "bigint" };

describe("value coercion into a column's type", () => {
  it("always represents bigint columns as JS bigint, including values beyond 2^53", () => {
    expect(coerceValue(5, bigint)).toBe(5n);
    expect(coerceValue("123", bigint)).toBe(123n);
    expect(coerceValue(" -9007199254740993 ", bigint)).toBe(-9007199254740993n);
    expect(coerceValue(2n ** 62n, bigint)).toBe(2n ** 62n);
  });

  it("refuses non-integral and out-of-range values for bigint", () => {
    expect(coerceValue("abc", bigint)).toBe(CANNOT_COERCE);
    expect(coerceValue(1.5, bigint)).toBe(CANNOT_COERCE);
    expect(coerceValue(2n ** 63n, bigint)).toBe(CANNOT_COERCE);
    expect(coerceValue(true, bigint)).toBe(CANNOT_COERCE);
    expect(coerceValue("1__0", bigint)).toBe(CANNOT_COERCE);
  });

  it("reads hexadecimal and underscore-grouped text into bigint, as Python's int()", () => {
    const bigint: CoercibleColumn = { dataType: "bigint" };
    expect(coerceValue("0x1A", bigint)).toBe(26n);
    expect(coerceValue("1_000", bigint)).toBe(1000n);
    expect(coerceValue(" -7 ", bigint)).toBe(-7n);
    expect(coerceValue(4.0, bigint)).toBe(4n);
  });

  it("converts anything to text, using JSON for objects and ISO for dates", () => {
    const text: CoercibleColumn = { dataType: "text" };
    expect(coerceValue(7, text)).toBe("7");
    expect(coerceValue(12n, text)).toBe("12");
    // Written as dlt's str() writes the Python values.
    expect(coerceValue(true, text)).toBe("True");
    expect(coerceValue(false, text)).toBe("False");
    expect(coerceValue(1e20, text)).toBe("1e+20");
    expect(coerceValue(-0, text)).toBe("-0.0");
    expect(coerceValue(1.5e-7, text)).toBe("1.5e-07");
    expect(coerceValue(0.0001, text)).toBe("0.0001");
    expect(coerceValue(123.25, text)).toBe("123.25");
    expect(coerceValue(Number.NaN, text)).toBe("nan");
    expect(coerceValue(new Date("2024-01-02T03:04:05Z"), text)).toBe("2024-01-02T03:04:05+00:00");
    expect(coerceValue(new Date("2024-01-02T03:04:05.120Z"), text)).toBe("2024-01-02T03:04:05.120000+00:00");
    expect(coerceValue({ a: [1] }, text)).toBe('{"a":[1]}');
    expect(coerceValue(new Uint8Array([104, 105]), text)).toBe("aGk=");
  });

  it("converts numbers and numeric strings to double", () => {
    const double: CoercibleColumn = { dataType: "double" };
    expect(coerceValue(3, double)).toBe(3);
    expect(coerceValue(3n, double)).toBe(3);
    expect(coerceValue("2.5e3", double)).toBe(2500);
    expect(coerceValue("x1", double)).toBe(CANNOT_COERCE);
    expect(coerceValue("NaN", double)).toBeNaN();
    expect(coerceValue(" -inf ", double)).toBe(Number.NEGATIVE_INFINITY);
    expect(coerceValue("Infinity", double)).toBe(Number.POSITIVE_INFINITY);
    expect(coerceValue("1_000.5", double)).toBe(1000.5);
    expect(coerceValue("0x1A", double)).toBe(26);
    expect(coerceValue(true, double)).toBe(CANNOT_COERCE);
  });

  it("converts dlt's boolean words and numbers to bool", () => {
    const bool: CoercibleColumn = { dataType: "bool" };
    expect(coerceValue("TRUE", bool)).toBe(true);
    for (const word of ["yes", "T", "y", "1"]) expect(coerceValue(word, bool)).toBe(true);
    for (const word of ["no", "f", "N", "0", "False"]) expect(coerceValue(word, bool)).toBe(false);
    expect(coerceValue(0, bool)).toBe(false);
    expect(coerceValue(5, bool)).toBe(true);
    expect(coerceValue("yes please", bool)).toBe(CANNOT_COERCE);
    expect(coerceValue(" true", bool)).toBe(CANNOT_COERCE);
  });

  it("turns ISO strings and epoch seconds into millisecond Dates for timestamp columns", () => {
    const ts: CoercibleColumn = { dataType: "timestamp" };
    expect((coerceValue("2024-01-02T03:04:05.123456Z", ts) as Date).toISOString()).toBe("2024-01-02T03:04:05.123Z");
    expect((coerceValue(1700000000.5, ts) as Date).toISOString()).toBe("2023-11-14T22:13:20.500Z");
    expect(coerceValue("not a time", ts)).toBe(CANNOT_COERCE);
  });

  it("reads the rarer ISO-8601 forms dlt reads into timestamp columns", () => {
    const ts: CoercibleColumn = { dataType: "timestamp" };
    const iso = (value: string) => (coerceValue(value, ts) as Date).toISOString();
    expect(iso("20240115T100000Z")).toBe("2024-01-15T10:00:00.000Z");
    expect(iso("2024-01-15T10")).toBe("2024-01-15T10:00:00.000Z");
    expect(iso("2024-W03-1")).toBe("2024-01-15T00:00:00.000Z");
    expect(iso("2020-W53-7")).toBe("2021-01-03T00:00:00.000Z");
    expect(iso("2024-015")).toBe("2024-01-15T00:00:00.000Z");
    expect(iso("2024/01/15 10:00:00")).toBe("2024-01-15T10:00:00.000Z");
    expect(iso("2024-01-15T10:00:00,5+0530")).toBe("2024-01-15T04:30:00.500Z");
    expect(iso("2024-01-15T10:00:00-05")).toBe("2024-01-15T15:00:00.000Z");
    for (const bad of ["2024-01-15T1000", "2024-W53-1", "2023-366", "2024-01-15T24:00:00", "2024-01-15t10:00:00z", "2024/1/5"]) {
      expect(coerceValue(bad, ts), bad).toBe(CANNOT_COERCE);
    }
  });

  it("writes date columns as YYYY-MM-DD strings in UTC", () => {
    const date: CoercibleColumn = { dataType: "date" };
    expect(coerceValue("2024-01-02", date)).toBe("2024-01-02");
    expect(coerceValue(new Date("2024-01-02T23:30:00-02:00"), date)).toBe("2024-01-03");
    expect(coerceValue("02/01/2024", date)).toBe(CANNOT_COERCE);
  });

  it("keeps decimals exact as strings in the column's scale, and never rounds digits away", () => {
    const dec: CoercibleColumn = { dataType: "decimal", precision: 10, scale: 2 };
    expect(coerceValue(9.5, dec)).toBe("9.50");
    expect(coerceValue("1.500", dec)).toBe("1.50");
    expect(coerceValue("1.005", dec)).toBe(DECIMAL_DATA_LOSS);
    expect(coerceValue(-12n, dec)).toBe("-12.00");
    expect(coerceValue("123456789.1", dec)).toBe(DECIMAL_DATA_LOSS);
    expect(coerceValue("0.0000000001", { dataType: "decimal" })).toBe(DECIMAL_DATA_LOSS);
    expect(coerceValue("12345678901234567890.123456789", { dataType: "decimal" })).toBe("12345678901234567890.123456789");
    expect(coerceValue(1e-7, { dataType: "decimal" })).toBe("0.0000001");
    expect(coerceValue("abc", dec)).toBe(CANNOT_COERCE);
  });

  it("stores json columns as JSON text, with safe bigints as numbers", () => {
    const json: CoercibleColumn = { dataType: "json" };
    expect(coerceValue({ a: 1, b: [true, null] }, json)).toBe('{"a":1,"b":[true,null]}');
    // Text goes in only when it is JSON (dlt's json.loads); other scalars go to variants.
    expect(coerceValue('{"a": 2}', json)).toBe('{"a": 2}');
    expect(coerceValue("5", json)).toBe("5");
    expect(coerceValue("x", json)).toBe(CANNOT_COERCE);
    expect(coerceValue(5, json)).toBe(CANNOT_COERCE);
    expect(coerceValue(true, json)).toBe(CANNOT_COERCE);
    expect(toJsonText({ n: 3n, big: 2n ** 64n })).toBe('{"n":3,"big":"18446744073709551616"}');
  });

  it("accepts bytes, base64 and 0x-hex for binary columns", () => {
    const binary: CoercibleColumn = { dataType: "binary" };
    const bytes = new Uint8Array([1, 2]);
    expect(coerceValue(bytes, binary)).toBe(bytes);
    expect(Array.from(coerceValue("AQI=", binary) as Uint8Array)).toEqual([1, 2]);
    expect(Array.from(coerceValue("0x0102", binary) as Uint8Array)).toEqual([1, 2]);
    expect(coerceValue(12, binary)).toBe(CANNOT_COERCE);
  });

  it("keeps time columns as HH:MM:SS text", () => {
    expect(coerceValue("12:30:00", { dataType: "time" })).toBe("12:30:00");
    expect(coerceValue("noon", { dataType: "time" })).toBe(CANNOT_COERCE);
  });
});
