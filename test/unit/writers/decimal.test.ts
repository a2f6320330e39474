import { describe, expect, it } from "vitest";
import { DecimalValueError, createDecimalConverter, toUnscaledDecimal } from "../../../src/writers/decimal.js";
import { daysFromCivil, quoteDuckDBIdentifier, quoteDuckDBString } from "../../../src/writers/duckdb-types.js";

describe("toUnscaledDecimal", () => {
  // [input, precision, scale, unscaled]
  it.each([
    ["9.50", 38, 9, 9_500_000_000n],
    ["0.29", 18, 2, 29n],
    ["581106.94", 18, 2, 58_110_694n],
    ["-12.345678901", 38, 9, -12_345_678_901n],
    ["+7", 10, 0, 7n],
    [".5", 10, 1, 5n],
    ["5.", 10, 1, 50n],
    ["1.5e3", 10, 2, 150_000n],
    ["125E-2", 10, 2, 125n],
    ["1.2300000000000", 38, 9, 1_230_000_000n], // extra digits are zeros: exact, accepted
    ["12345678901234567890123456789012345678", 38, 0, 12345678901234567890123456789012345678n],
    ["-99999999999999999999999999999.999999999", 38, 9, -99999999999999999999999999999999999999n],
    [0.29, 18, 2, 29n], // String(0.29) is "0.29": no binary-float drift
    [581106.94, 18, 2, 58_110_694n],
    [0.1 + 0.2, 38, 9, 300_000_000n], // 0.30000000000000004 rounds at scale 9
    [0.125, 10, 2, 13n], // half away from zero
    [-0.125, 10, 2, -13n],
    [1e21, 38, 0, 10n ** 21n],
    [5n, 38, 9, 5_000_000_000n],
    [-3n, 5, 2, -300n],
  ] as const)("%s as DECIMAL(%i,%i) is %s", (input, precision, scale, expected) => {
    expect(toUnscaledDecimal(input, precision, scale)).toBe(expected);
  });

  it.each([
    ["1.0000000001", 38, 9, /more than 9 decimal places/],
    ["1000", 5, 2, /does not fit DECIMAL\(5,2\)/],
    [1000n, 5, 2, /does not fit/],
    ["100000000000000000000000000000", 38, 9, /does not fit/],
    ["", 10, 2, /not a decimal number/],
    [".", 10, 2, /not a decimal number/],
    ["1,5", 10, 2, /not a decimal number/],
    ["NaN", 10, 2, /not a decimal number/],
    [Number.POSITIVE_INFINITY, 10, 2, /not a finite number/],
    [true, 10, 2, /expected a decimal string, number or bigint, got boolean true/],
  ] as const)("refuses %s as DECIMAL(%i,%i)", (input, precision, scale, reason) => {
    expect(() => toUnscaledDecimal(input, precision, scale)).toThrow(DecimalValueError);
    expect(() => toUnscaledDecimal(input, precision, scale)).toThrow(reason);
  });

  it("gives the same answers from a reused converter", () => {
    const convert = createDecimalConverter(18, 2);
    expect(["1.10", "2", "-3.5"].map(convert)).toEqual([110n, 200n, -350n]);
  });
});

describe("daysFromCivil", () => {
  it("agrees with Date for every 7th day from year 1 to 2400", () => {
    const mismatches: string[] = [];
    const start = new Date(0);
    start.setUTCFullYear(1, 0, 1);
    for (let t = start.getTime(); t < Date.UTC(2400, 0, 1); t += 7 * 86_400_000) {
      const d = new Date(t);
      const days = daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      if (days !== t / 86_400_000) mismatches.push(d.toISOString());
    }
    expect(mismatches).toEqual([]);
  });

  it("refuses impossible dates", () => {
    expect(daysFromCivil(2023, 2, 29)).toBeUndefined();
    expect(daysFromCivil(1900, 2, 29)).toBeUndefined();
    expect(daysFromCivil(2000, 2, 29)).toBe(11_016);
    expect(daysFromCivil(2024, 4, 31)).toBeUndefined();
    expect(daysFromCivil(2024, 13, 1)).toBeUndefined();
    expect(daysFromCivil(2024, 1, 0)).toBeUndefined();
  });
});

describe("DuckDB quoting", () => {
  it("doubles the quote character and nothing else", () => {
    expect(quoteDuckDBIdentifier('we"ird')).toBe('"we""ird"');
    expect(quoteDuckDBIdentifier("a\\b")).toBe('"a\\b"');
    expect(quoteDuckDBString("/tmp/it's.parquet")).toBe("'/tmp/it''s.parquet'");
  });
});
