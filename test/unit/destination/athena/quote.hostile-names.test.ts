import { describe, expect, it } from "vitest";

import {
  assertSafeIdentifier,
  dateLiteral,
  qualifyDdl,
  qualifyDml,
  quoteDdlIdentifier,
  quoteDdlLiteral,
  quoteDmlIdentifier,
  quoteLiteral,
  timestampLiteral,
} from "../../../../src/destination/athena/quote.js";
import { LoadError } from "../../../../src/errors.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(LoadError);
    return (error as LoadError).code;
  }
}

describe("identifier quoting", () => {
  it.each([
    ["orders", "`orders`", '"orders"'],
    ["_dlt_Loads", "`_dlt_loads`", '"_dlt_loads"'],
    ['a"b', '`a"b`', '"a""b"'],
    ["a`b", "`a``b`", '"a`b"'],
    ["x`; DROP TABLE t; --", "`x``; drop table t; --`", '"x`; drop table t; --"'],
    ['x"; DROP TABLE t; --', '`x"; drop table t; --`', '"x""; drop table t; --"'],
    ["semi;colon", "`semi;colon`", '"semi;colon"'],
    ["``", "``````", '"``"'],
    ['""', '`""`', '""""""'],
    ["ÄÖ", "`äö`", '"äö"'],
  ])("quotes %j for DDL as %s and for DML as %s", (name, ddl, dml) => {
    expect(quoteDdlIdentifier(name)).toBe(ddl);
    expect(quoteDmlIdentifier(name)).toBe(dml);
  });

  it.each([
    ["", "empty"],
    ["a\nb", "newline"],
    ["a\rb", "carriage return"],
    ["a\u0000b", "NUL"],
    ["a\tb", "tab"],
    ["a\u007fb", "DEL"],
    ["a\u2028b", "line separator"],
    ["a\\b", "backslash (Hive and Trino disagree)"],
    ["a\\`b", "backslash before a backtick (dlt's escaping would break out in Hive)"],
    ["x".repeat(256), "longer than 255 bytes"],
    ["é".repeat(128), "255 bytes counted in UTF-8"],
  ])("refuses %j (%s) with unsafe_identifier", (name) => {
    expect(codeOf(() => quoteDdlIdentifier(name))).toBe("unsafe_identifier");
    expect(codeOf(() => quoteDmlIdentifier(name))).toBe("unsafe_identifier");
    expect(codeOf(() => assertSafeIdentifier(name))).toBe("unsafe_identifier");
  });

  it("a quoted identifier never contains an unescaped closing quote", () => {
    for (const name of ['a"', '"a', 'a""b', "a`", "`a", "a``b"]) {
      const dml = quoteDmlIdentifier(name).slice(1, -1);
      expect(dml.replaceAll('""', "")).not.toContain('"');
      const ddl = quoteDdlIdentifier(name).slice(1, -1);
      expect(ddl.replaceAll("``", "")).not.toContain("`");
    }
  });

  it("qualifies catalog, database and table with the statement's quoting", () => {
    const ref = { catalog: "AwsDataCatalog", database: "shop", table: "_dlt_loads" };
    expect(qualifyDdl(ref)).toBe("`awsdatacatalog`.`shop`.`_dlt_loads`");
    expect(qualifyDml(ref)).toBe('"awsdatacatalog"."shop"."_dlt_loads"');
    expect(qualifyDdl({ ...ref, catalog: "s3tablescatalog/my-bucket" })).toBe("`s3tablescatalog/my-bucket`.`shop`.`_dlt_loads`");
  });
});

describe("literals", () => {
  it.each([
    ["plain", "'plain'"],
    ["it's", "'it''s'"],
    ["'; DROP TABLE t; --", "'''; DROP TABLE t; --'"],
    ["back\\slash", "'back\\slash'"],
    ["new\nline", "'new\nline'"],
    ["", "''"],
  ])("writes the Trino string %j as %s", (value, expected) => {
    expect(quoteLiteral(value)).toBe(expected);
  });

  it("refuses NUL in a Trino string", () => {
    expect(codeOf(() => quoteLiteral("a\u0000b"))).toBe("unsafe_literal");
  });

  it("writes DDL strings as is and refuses quotes, backslashes and control characters", () => {
    expect(quoteDdlLiteral("s3://my-lake/raw/shop/orders/")).toBe("'s3://my-lake/raw/shop/orders/'");
    for (const bad of ["s3://b/it's", "s3://b/a\\b", "s3://b/a\nb"]) expect(codeOf(() => quoteDdlLiteral(bad))).toBe("unsafe_literal");
  });

  it("writes timestamps in UTC with milliseconds and dates as DATE literals", () => {
    expect(timestampLiteral(new Date("2024-04-29T12:00:00.123Z"))).toBe("TIMESTAMP '2024-04-29 12:00:00.123'");
    expect(timestampLiteral(new Date("2024-01-01T23:59:59+02:00"))).toBe("TIMESTAMP '2024-01-01 21:59:59.000'");
    expect(dateLiteral(new Date("2024-04-29T23:00:00Z"))).toBe("DATE '2024-04-29'");
    expect(dateLiteral("2024-02-29")).toBe("DATE '2024-02-29'");
    expect(codeOf(() => dateLiteral("2024-02-29'; --"))).toBe("invalid_literal");
    expect(codeOf(() => timestampLiteral(new Date(Number.NaN)))).toBe("invalid_literal");
    expect(codeOf(() => timestampLiteral(new Date("+010000-01-01T00:00:00Z")))).toBe("invalid_literal");
  });
});
