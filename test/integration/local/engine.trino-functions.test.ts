/**
 * Trino functions on the local engine. Every expected value is Trino's: taken from Trino 476's
 * documentation (docs/src/main/sphinx/functions/datetime.md, json.md, array.md, regexp.md,
 * aggregate.md) and checked on a Trino 476 server with the same statements. Known differences
 * (README, "SQL on the local engine") are pinned at the end so a change in them shows.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalEngine } from "../../../src/destination/local/engine.js";
import { makeTempDir } from "../../support/temp.js";

let engine: LocalEngine;
let cleanup: () => void;
beforeAll(async () => {
  const temp = makeTempDir("dlt-athena-trino-fn-");
  cleanup = temp.cleanup;
  engine = await LocalEngine.open({ databasePath: `${temp.dir}/athena.duckdb` });
});
afterAll(async () => {
  await engine.close();
  cleanup();
});

/** The single value of a one-row, one-column query. */
async function value(expression: string): Promise<unknown> {
  const { rows } = await engine.execute(`SELECT ${expression}`);
  return rows[0]?.[0];
}

async function typeOf(expression: string): Promise<string | undefined> {
  return (await engine.execute(`SELECT ${expression}`)).columns[0]?.type;
}

const at = (iso: string) => new Date(iso);

describe("Trino date and time functions on the local engine", () => {
  it("date_format prints MySQL-style specifiers as Trino does", async () => {
    const ts = "TIMESTAMP '2024-01-02 03:04:05.678'";
    expect(await value(`date_format(${ts}, '%Y-%m-%d %H:%i:%s')`)).toBe("2024-01-02 03:04:05");
    // Trino's doc example.
    expect(await value("date_format(TIMESTAMP '2022-10-20 05:10:00', '%m-%d-%Y %H')")).toBe("10-20-2022 05");
    expect(
      await value(`date_format(${ts}, '%f %c %e %k %l %M %b %a %W %j %p %r %T %v %x %y %%')`),
    ).toBe("678000 1 2 3 3 January Jan Tue Tuesday 002 AM 03:04:05 AM 03:04:05 01 2024 24 %");
    // An unknown specifier prints its letter; a lone trailing % prints nothing.
    expect(await value(`date_format(${ts}, '%q %Q %')`)).toBe("q Q ");
    expect(await value("date_format(DATE '2024-02-29', '%Y/%m/%d')")).toBe("2024/02/29");
    expect(await typeOf(`date_format(${ts}, '%Y')`)).toBe("varchar");
  });

  it("date_format refuses the specifiers Trino does not support, naming the specifier", async () => {
    for (const specifier of ["%D", "%U", "%u", "%V", "%w", "%X"]) {
      await expect(value(`date_format(TIMESTAMP '2024-01-02 03:04:05', 'x ${specifier}')`)).rejects.toThrow(
        `${specifier} not supported in date format string`,
      );
    }
  });

  it("date_parse reads MySQL-style formats into timestamp(3), with Trino's defaults", async () => {
    // Trino's doc example.
    expect(await value("date_parse('2022/10/20/05', '%Y/%m/%d/%H')")).toEqual(at("2022-10-20T05:00:00.000Z"));
    // %y: 69 is 2069 on Trino; non-padded numbers; %f takes 1-9 digits, cut to milliseconds.
    expect(await value("date_parse('69-1-5 7:03:4.1', '%y-%c-%e %k:%i:%s.%f')")).toEqual(at("2069-01-05T07:03:04.100Z"));
    expect(await value("date_parse('70', '%y')")).toEqual(at("1970-01-01T00:00:00.000Z"));
    expect(await value("date_parse('2024-01-02 03:04:05.123456789', '%Y-%m-%d %H:%i:%s.%f')")).toEqual(at("2024-01-02T03:04:05.123Z"));
    // No date in the format: 1970-01-01, as on Trino.
    expect(await value("date_parse('10:30', '%H:%i')")).toEqual(at("1970-01-01T10:30:00.000Z"));
    expect(await value("date_parse('Jan 5 2020 10:00:00 PM', '%b %e %Y %r')")).toEqual(at("2020-01-05T22:00:00.000Z"));
    expect(await typeOf("date_parse('2022', '%Y')")).toBe("timestamp(3)");
    await expect(value("date_parse('2020-01-05', '%Y-%m-%d %H')")).rejects.toThrow(/Could not parse/);
  });

  it("from_iso8601_timestamp and from_iso8601_date read ISO 8601, defaulting to the UTC session zone", async () => {
    expect(await value("from_iso8601_timestamp('2020-05-11')")).toEqual(at("2020-05-11T00:00:00.000Z"));
    expect(await value("from_iso8601_timestamp('2020-05-11T11:15:05')")).toEqual(at("2020-05-11T11:15:05.000Z"));
    expect(await value("from_iso8601_timestamp('2020-05-11T11:15:05.055+01:00')")).toEqual(at("2020-05-11T10:15:05.055Z"));
    expect(await value("from_iso8601_timestamp('2020-05-11T11:15:05Z')")).toEqual(at("2020-05-11T11:15:05.000Z"));
    expect(await value("from_iso8601_timestamp('2020-05')")).toEqual(at("2020-05-01T00:00:00.000Z"));
    expect(await typeOf("from_iso8601_timestamp('2020-05-11')")).toBe("timestamp(3) with time zone");
    expect(await value("from_iso8601_date('2020-05-11')")).toBe("2020-05-11");
  });

  it("to_unixtime and from_unixtime convert seconds since the epoch", async () => {
    expect(await value("to_unixtime(TIMESTAMP '2020-01-01 00:00:00.123')")).toBe(1577836800.123);
    expect(await value("to_unixtime(DATE '2020-01-01')")).toBe(1577836800);
    expect(await typeOf("to_unixtime(TIMESTAMP '2020-01-01 00:00:00')")).toBe("double");
    expect(await value("from_unixtime(1577836800.1234)")).toEqual(at("2020-01-01T00:00:00.123Z"));
    expect(await value("from_unixtime(-1.5)")).toEqual(at("1969-12-31T23:59:58.500Z"));
    // With a zone: the same instant (Trino shows it in that zone).
    expect(await value("from_unixtime(0, 'Europe/Prague')")).toEqual(at("1970-01-01T00:00:00.000Z"));
    expect(await typeOf("from_unixtime(0)")).toBe("timestamp(3) with time zone");
  });

  it("date_trunc keeps the input type and Trino's units, refusing time units on a DATE", async () => {
    // The table of Trino's doc: 2001-08-22 03:04:05.321 truncated to each unit.
    const ts = "TIMESTAMP '2001-08-22 03:04:05.321'";
    const truncated: Record<string, string> = {
      millisecond: "2001-08-22T03:04:05.321Z",
      second: "2001-08-22T03:04:05.000Z",
      minute: "2001-08-22T03:04:00.000Z",
      hour: "2001-08-22T03:00:00.000Z",
      day: "2001-08-22T00:00:00.000Z",
      week: "2001-08-20T00:00:00.000Z",
      month: "2001-08-01T00:00:00.000Z",
      quarter: "2001-07-01T00:00:00.000Z",
      year: "2001-01-01T00:00:00.000Z",
    };
    for (const [unit, expected] of Object.entries(truncated)) {
      expect(await value(`date_trunc('${unit}', ${ts})`), unit).toEqual(at(expected));
    }
    expect(await value("date_trunc('quarter', DATE '2001-08-22')")).toBe("2001-07-01");
    expect(await typeOf("date_trunc('month', DATE '2001-08-22')")).toBe("date");
    expect(await typeOf(`date_trunc('month', ${ts})`)).toBe("timestamp(3)");
    await expect(value("date_trunc('hour', DATE '2001-08-22')")).rejects.toThrow("'hour' is not a valid DATE field");
  });

  it("date_add takes (unit, value, x) and keeps the input type", async () => {
    // Trino's doc examples.
    expect(await value("date_add('second', 86, TIMESTAMP '2020-03-01 00:00:00')")).toEqual(at("2020-03-01T00:01:26.000Z"));
    expect(await value("date_add('hour', 9, TIMESTAMP '2020-03-01 00:00:00')")).toEqual(at("2020-03-01T09:00:00.000Z"));
    expect(await value("date_add('day', -1, TIMESTAMP '2020-03-01 00:00:00')")).toEqual(at("2020-02-29T00:00:00.000Z"));
    // Month arithmetic clamps to the month's end, on dates as on timestamps.
    expect(await value("date_add('month', 1, DATE '2012-10-31')")).toBe("2012-11-30");
    expect(await value("date_add('quarter', 1, DATE '2020-11-30')")).toBe("2021-02-28");
    expect(await value("date_add('year', 1, DATE '2020-02-29')")).toBe("2021-02-28");
    expect(await value("date_add('week', 2, DATE '2020-01-01')")).toBe("2020-01-15");
    expect(await value("date_add('millisecond', 1500, TIMESTAMP '2020-01-01 00:00:00.000')")).toEqual(at("2020-01-01T00:00:01.500Z"));
    expect(await typeOf("date_add('day', 1, DATE '2020-01-01')")).toBe("date");
    await expect(value("date_add('hour', 1, DATE '2020-01-01')")).rejects.toThrow("'hour' is not a valid DATE field");
  });

  it("date_diff takes (unit, a, b) and counts whole units from a to b", async () => {
    // Trino's doc examples.
    expect(await value("date_diff('second', TIMESTAMP '2020-03-01 00:00:00', TIMESTAMP '2020-03-02 00:00:00')")).toBe(86400);
    expect(await value("date_diff('day', DATE '2020-03-01', DATE '2020-03-02')")).toBe(1);
    const cases: Array<[string, number]> = [
      // Not calendar boundaries crossed (DuckDB's own date_diff would say 1): whole days elapsed.
      ["'day', TIMESTAMP '2020-01-01 23:00:00', TIMESTAMP '2020-01-02 01:00:00'", 0],
      ["'day', TIMESTAMP '2020-01-02 01:00:00', TIMESTAMP '2020-01-01 23:00:00'", 0],
      // A month-end counts as a whole month.
      ["'month', DATE '2020-01-31', DATE '2020-02-29'", 1],
      ["'month', DATE '2020-02-29', DATE '2020-01-31'", -1],
      ["'month', TIMESTAMP '2020-01-31 10:00:00', TIMESTAMP '2020-02-29 09:00:00'", 0],
      ["'year', DATE '2020-02-29', DATE '2021-02-28'", 1],
      ["'quarter', DATE '2020-01-15', DATE '2020-07-14'", 1],
      ["'week', DATE '2020-01-01', DATE '2020-01-14'", 1],
      ["'second', TIMESTAMP '2020-01-01 00:00:00.900', TIMESTAMP '2020-01-01 00:00:02.100'", 1],
      ["'millisecond', TIMESTAMP '2020-01-01 00:00:00.900', TIMESTAMP '2020-01-01 00:00:02.100'", 1200],
    ];
    for (const [args, expected] of cases) expect(await value(`date_diff(${args})`), args).toBe(expected);
    expect(await typeOf("date_diff('day', DATE '2020-03-01', DATE '2020-03-02')")).toBe("bigint");
  });

  it("day_of_week, day_of_year, year_of_week, last_day_of_month and to_iso8601 answer as Trino", async () => {
    expect(await value("day_of_week(DATE '2024-01-07')")).toBe(7);
    expect(await value("dow(DATE '2024-01-07')")).toBe(7);
    expect(await value("day_of_year(DATE '2024-02-01')")).toBe(32);
    expect(await value("year_of_week(DATE '2021-01-01')")).toBe(2020);
    expect(await value("week(DATE '2021-01-01')")).toBe(53);
    expect(await value("last_day_of_month(DATE '2024-02-10')")).toBe("2024-02-29");
    expect(await value("to_iso8601(TIMESTAMP '2020-01-01 10:00:00.000')")).toBe("2020-01-01T10:00:00.000");
    expect(await value("to_iso8601(DATE '2020-01-01')")).toBe("2020-01-01");
  });
});

describe("Trino array, map, JSON, regexp and aggregate functions on the local engine", () => {
  it("cardinality counts arrays and maps; element_at is 1-based, negative from the end, NULL beyond", async () => {
    expect(await value("cardinality(ARRAY[1, 2, 3])")).toBe(3);
    expect(await value("cardinality(ARRAY['a'])")).toBe(1);
    expect(await value("cardinality(MAP(ARRAY['a', 'b'], ARRAY[1, 2]))")).toBe(2);
    expect(await value("cardinality(MAP(ARRAY[1], ARRAY[2.5]))")).toBe(1);
    expect(await typeOf("cardinality(ARRAY[1])")).toBe("bigint");
    expect(await value("element_at(ARRAY[1, 2, 3], 2)")).toBe(2);
    expect(await value("element_at(ARRAY[1, 2, 3], -1)")).toBe(3);
    expect(await value("element_at(ARRAY[1, 2, 3], 5)")).toBe(null);
    expect(await value("element_at(MAP(ARRAY['a'], ARRAY[1]), 'a')")).toBe(1);
    expect(await value("element_at(MAP(ARRAY['a'], ARRAY[1]), 'b')")).toBe(null);
  });

  it("json_extract_scalar returns scalars as text and NULL for objects, arrays, null, misses and invalid JSON", async () => {
    const doc = `'{"a":{"b":[1,"x",true,null]},"c d":7}'`;
    expect(await value(`json_extract_scalar(${doc}, '$.a.b[0]')`)).toBe("1");
    expect(await value(`json_extract_scalar(${doc}, '$.a.b[1]')`)).toBe("x");
    expect(await value(`json_extract_scalar(${doc}, '$.a.b[2]')`)).toBe("true");
    expect(await value(`json_extract_scalar(${doc}, '$.a.b[3]')`)).toBe(null);
    expect(await value(`json_extract_scalar(${doc}, '$.a.b')`)).toBe(null);
    expect(await value(`json_extract_scalar(${doc}, '$.a')`)).toBe(null);
    expect(await value(`json_extract_scalar(${doc}, '$.nope')`)).toBe(null);
    expect(await value(`json_extract_scalar(${doc}, '$["c d"]')`)).toBe("7");
    expect(await value("json_extract_scalar('not json', '$.a')")).toBe(null);
    expect(await typeOf(`json_extract_scalar(${doc}, '$.a')`)).toBe("varchar");
  });

  it("regexp_like finds a match anywhere; regexp_replace replaces every match with $n groups; regexp_extract is NULL without a match", async () => {
    // regexp.md examples.
    expect(await value("regexp_like('1a 2b 14m', '\\d+b')")).toBe(true);
    expect(await value("regexp_like('abc', '^b')")).toBe(false);
    expect(await value("regexp_replace('1a 2b 14m', '\\d+[ab] ')")).toBe("14m");
    expect(await value("regexp_replace('1a 2b 14m', '(\\d+)([ab]) ', '3c$2 ')")).toBe("3ca 3cb 14m");
    expect(await value("regexp_extract('1a 2b 14m', '\\d+')")).toBe("1");
    expect(await value("regexp_extract('1a 2b 14m', '(\\d+)([a-z]+)', 2)")).toBe("a");
    expect(await value("regexp_extract('1a 2b 14m', 'x')")).toBe(null);
  });

  it("approx_distinct counts distinct values (exact here; Trino is exact for small sets like these)", async () => {
    const rows = await engine.execute(
      "SELECT approx_distinct(x), approx_distinct(x % 7), approx_distinct(CAST(x AS varchar), 0.01) FROM UNNEST(sequence(1, 50)) AS t(x)",
    );
    expect(rows.rows).toEqual([[50, 7, 50]]);
    expect(rows.columns.map((c) => c.type)).toEqual(["bigint", "bigint", "bigint"]);
  });

  it("evaluates with Athena's session: integer division truncates toward zero, the zone is UTC", async () => {
    expect(await value("5 / 2")).toBe(2);
    expect(await value("-7 / 2")).toBe(-3);
    expect(await value("7 % -3")).toBe(1);
    expect(await value("current_setting('TimeZone')")).toBe("UTC");
    expect(await value("arbitrary(3)")).toBe(3);
    // Words DuckDB reserves name columns as on Trino.
    const reserved = await engine.execute("SELECT at, limit FROM (VALUES (1, 2)) AS t(at, limit) ORDER BY at LIMIT 1");
    expect(reserved.columns.map((c) => c.name)).toEqual(["at", "limit"]);
    expect(reserved.rows).toEqual([[1, 2]]);
    expect(await value("array_join(ARRAY['a', 'b'], '-')")).toBe("a-b");
  });
});

describe("known differences from Trino (listed in the README)", () => {
  it("prints JSON numbers normalized, returns NULL for element_at(array, 0) and skips NULLs in greatest", async () => {
    // Trino: '2.50', an error ("SQL array indices start at 1") and NULL.
    expect(await value(`json_extract_scalar('{"a":2.50}', '$.a')`)).toBe("2.5");
    expect(await value("element_at(ARRAY[1, 2, 3], 0)")).toBe(null);
    expect(await value("greatest(1, NULL)")).toBe(1);
  });

  it("keeps no zone in a timestamp with time zone: it is shown and formatted in UTC", async () => {
    // Trino formats in the value's own zone: '2020-05-11 23'.
    expect(await value("date_format(from_iso8601_timestamp('2020-05-11T23:30:00-02:00'), '%Y-%m-%d %H')")).toBe("2020-05-12 01");
  });

  it("needs a constant format for date_format and date_parse", async () => {
    await expect(engine.execute("SELECT date_format(TIMESTAMP '2020-01-01 00:00:00', f) FROM (VALUES ('%Y')) AS t(f)")).rejects.toThrow(
      /format must be a constant/,
    );
  });
});
