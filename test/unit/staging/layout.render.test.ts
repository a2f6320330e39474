import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/errors.js";
import { DATETIME_PLACEHOLDERS, STANDARD_PLACEHOLDERS, renderLayout, type LayoutParams } from "../../../src/staging/layout.js";

// A Monday in Q2, with every field distinct so a swapped token shows up.
const CLOCK = new Date("2024-04-29T12:05:09.123Z");
const PACKAGE_TIME = new Date("2024-04-29T12:00:00.000Z");
const params: LayoutParams = {
  schemaName: "shop",
  tableName: "orders",
  loadId: "1714392000.1234567",
  fileId: "a1b2c3d4e5",
  ext: "parquet",
  loadPackageTimestamp: PACKAGE_TIME,
  currentDatetime: CLOCK,
};

// Expected values follow pendulum's formatter, lower-cased as dlt's prepare_datetime_params does.
const EXPECTED: Record<string, string> = {
  schema_name: "shop",
  table_name: "orders",
  load_id: "1714392000.1234567",
  file_id: "a1b2c3d4e5",
  ext: "parquet",
  curr_date: "2024-04-29",
  timestamp: "1714392309",
  timestamp_ms: "1714392309123",
  load_package_timestamp: "1714392000",
  load_package_timestamp_ms: "1714392000000",
  YYYY: "2024", YY: "24", Y: "2024",
  MMMM: "april", MMM: "apr", MM: "04", M: "4",
  DD: "29", D: "29", HH: "12", H: "12", mm: "05", m: "5",
  dddd: "monday", ddd: "mon", dd: "mo", d: "1",
  ss: "09", s: "9", SSSS: "1230", SSS: "123", SS: "12", S: "1",
  Q: "2",
};

describe("renderLayout", () => {
  it("covers every standard placeholder in the test table", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...STANDARD_PLACEHOLDERS].sort());
  });

  it.each(Object.entries(EXPECTED))("renders {%s} as %s", (name, value) => {
    expect(renderLayout(`{table_name}/{${name}}.{ext}`, params)).toBe(`orders/${value}.parquet`);
  });

  it("renders the default layout", () => {
    expect(renderLayout("{table_name}/{load_id}.{file_id}.{ext}", params)).toBe(
      "orders/1714392000.1234567.a1b2c3d4e5.parquet",
    );
  });

  it("uses the load package time when no current datetime is given", () => {
    const { currentDatetime: _, ...withoutClock } = params;
    expect(renderLayout("{table_name}/{timestamp}/{HH}{mm}.{ext}", withoutClock)).toBe("orders/1714392000/1200.parquet");
  });

  it("renders date tokens in UTC, with Sunday as d=0 and December in Q4", () => {
    const sunday = { ...params, currentDatetime: new Date("2023-12-31T23:59:59.007Z") };
    expect(renderLayout("{table_name}/{dddd}-{d}-{Q}-{MMMM}-{SSS}-{S}.{ext}", sunday)).toBe(
      "orders/sunday-0-4-december-007-0.parquet",
    );
  });

  it("renders extra placeholders, but standard placeholders win a name clash", () => {
    const extra = { ...params, extraPlaceholders: { region: "EU", table_name: "hijacked" } };
    expect(renderLayout("{table_name}/{region}/{file_id}.{ext}", extra)).toBe("orders/EU/a1b2c3d4e5.parquet");
  });

  it("appends the extension when the layout has no {ext}, as dlt does", () => {
    expect(renderLayout("{table_name}/{load_id}.{file_id}", params)).toBe("orders/1714392000.1234567.a1b2c3d4e5.parquet");
  });

  it("rejects an unknown placeholder with invalid_layout", () => {
    const error = catchError(() => renderLayout("{table_name}/{color}.{file_id}.{ext}", params));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: "invalid_layout", meta: { rule: "unknown_placeholder", unknown: ["color"] } });
  });

  it("lists date tokens in dlt's order", () => {
    expect(DATETIME_PLACEHOLDERS).toContain("SSSS");
    expect(DATETIME_PLACEHOLDERS).toHaveLength(24);
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}
