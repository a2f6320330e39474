/**
 * The pure parts of the local engine's Athena dialect: reading SHOW/DESCRIBE (Athena user guide
 * synopses), Hive's SHOW pattern, Hive type names, and Trino's `_col<i>` names from DuckDB's
 * serialized parse tree.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DuckDBConnection } from "@duckdb/node-api";
import { trinoColumnNames } from "../../../../src/destination/local/trino-columns.js";
import { hivePatternRegex, hiveTypeName, parseMetadataStatement } from "../../../../src/destination/local/trino-statements.js";
import { quoteReservedIdentifiers } from "../../../../src/destination/local/trino-tokens.js";

describe("parseMetadataStatement", () => {
  it("reads each synopsis Athena documents, with any quoting and case", () => {
    const cases: Array<[string, unknown]> = [
      ["SHOW TABLES", { kind: "showTables" }],
      ["show tables in sampledb '*flights*'", { kind: "showTables", database: "sampledb", pattern: "*flights*" }],
      ["SHOW TABLES FROM `my-db` LIKE 'a|b';", { kind: "showTables", database: "my-db", pattern: "a|b" }],
      ["SHOW DATABASES", { kind: "showDatabases" }],
      ["SHOW SCHEMAS LIKE 'x*'", { kind: "showDatabases", pattern: "x*" }],
      ["SHOW COLUMNS FROM customers.orders", { kind: "showColumns", database: "customers", table: "orders" }],
      ["SHOW COLUMNS IN orders IN customers", { kind: "showColumns", database: "customers", table: "orders" }],
      ['SHOW COLUMNS FROM "Orders"', { kind: "showColumns", table: "orders" }],
      ["DESCRIBE orders", { kind: "describe", table: "orders" }],
      ["  -- note\n desc `shop`.`orders`", { kind: "describe", database: "shop", table: "orders" }],
    ];
    for (const [sql, expected] of cases) expect(parseMetadataStatement(sql), sql).toEqual(expected);
  });

  it("leaves every other statement alone", () => {
    for (const sql of ["SELECT 1", "WITH x AS (SELECT 1) SELECT * FROM x", "INSERT INTO t VALUES (1)", "showtables", "/* SHOW TABLES */ SELECT 1"]) {
      expect(parseMetadataStatement(sql), sql).toBeUndefined();
    }
  });

  it("refuses forms it does not answer and reports what it cannot read", () => {
    for (const sql of ["SHOW CREATE TABLE t", "SHOW TBLPROPERTIES t", "SHOW VIEWS", "DESCRIBE EXTENDED t", "DESCRIBE t col", "DESCRIBE SELECT 1"]) {
      expect(() => parseMetadataStatement(sql), sql).toThrow(expect.objectContaining({ code: "unsupported_local_statement" }));
    }
    for (const sql of ["SHOW COLUMNS orders", "SHOW TABLES IN", "DESCRIBE", "SHOW TABLES IN a b"]) {
      expect(() => parseMetadataStatement(sql), sql).toThrow(expect.objectContaining({ code: "local_query_failed" }));
    }
  });
});

describe("hivePatternRegex and hiveTypeName", () => {
  it("turns Hive's * and | into an anchored, case-insensitive regex, leaving .* as it is", () => {
    expect(hivePatternRegex("*flights*")).toBe("(?i)^(?:.*flights.*)$");
    expect(hivePatternRegex("*logs|orders")).toBe("(?i)^(?:.*logs|orders)$");
    expect(hivePatternRegex(".*items")).toBe("(?i)^(?:.*items)$");
  });

  it("names DuckDB types as Hive does", () => {
    const cases: Array<[string, string]> = [
      ["VARCHAR", "string"],
      ["BIGINT", "bigint"],
      ["INTEGER", "int"],
      ["SMALLINT", "smallint"],
      ["TINYINT", "tinyint"],
      ["DOUBLE", "double"],
      ["FLOAT", "float"],
      ["BOOLEAN", "boolean"],
      ["DECIMAL(38,9)", "decimal(38,9)"],
      ["DECIMAL(18, 2)", "decimal(18,2)"],
      ["TIMESTAMP", "timestamp"],
      ["DATE", "date"],
      ["BLOB", "binary"],
      ["VARCHAR[]", "array<string>"],
      ['STRUCT(a INTEGER, "b c" VARCHAR[])', "struct<a:int,b c:array<string>>"],
      ["MAP(VARCHAR, BIGINT)", "map<string,bigint>"],
    ];
    for (const [duck, hive] of cases) expect(hiveTypeName(duck), duck).toBe(hive);
  });
});

describe("trinoColumnNames", () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(":memory:");
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });
  const tree = async (sql: string) =>
    JSON.parse(String((await connection.runAndReadAll("SELECT json_serialize_sql(CAST($1 AS VARCHAR))", [sql])).getRowsJson()[0]?.[0])) as unknown;

  it("renames only unaliased expressions, by their position", async () => {
    expect(trinoColumnNames(await tree("SELECT a, t.b, count(*), 1 AS one, CAST(a AS int) FROM t"), ["a", "b", "count_star()", "one", "CAST(a AS INTEGER)"])).toEqual(
      ["a", "b", "_col2", "one", "_col4"],
    );
  });

  it("counts one star's width from what is left, and keeps the middle of several stars", async () => {
    expect(trinoColumnNames(await tree("SELECT 1, *, 2 FROM t"), ["1", "x", "y", "z", "2"])).toEqual(["_col0", "x", "y", "z", "_col4"]);
    expect(trinoColumnNames(await tree("SELECT 1, *, 2, u.*, 3 FROM t, u"), ["1", "x", "2", "y", "3"])).toEqual(["_col0", "x", "2", "y", "_col4"]);
  });

  it("leaves names alone for what is not a query or does not line up", async () => {
    expect(trinoColumnNames(await tree("SELECT 1, 2"), ["only one"])).toEqual(["only one"]);
    expect(trinoColumnNames({ error: true }, ["x"])).toEqual(["x"]);
    expect(trinoColumnNames(null, ["x"])).toEqual(["x"]);
  });
});

describe("quoteReservedIdentifiers", () => {
  it("quotes words DuckDB reserves where Trino reads them as column names", () => {
    const cases: Array<[string, string]> = [
      ["SELECT at, max(at) AS last_at FROM t", 'SELECT "at", max("at") AS last_at FROM t'],
      ["SELECT limit, offset FROM t ORDER BY at DESC LIMIT 5 OFFSET 2", 'SELECT "limit", "offset" FROM t ORDER BY "at" DESC LIMIT 5 OFFSET 2'],
      ["SELECT t.at AT TIME ZONE 'UTC' FROM t", "SELECT t.\"at\" AT TIME ZONE 'UTC' FROM t"],
      ["SELECT window, count(*) OVER w FROM t WINDOW w AS (ORDER BY at)", 'SELECT "window", count(*) OVER w FROM t WINDOW w AS (ORDER BY "at")'],
      ["SELECT trim(LEADING 'x' FROM leading), only FROM t FETCH FIRST 1 ROWS ONLY", 'SELECT trim(LEADING \'x\' FROM "leading"), "only" FROM t FETCH FIRST 1 ROWS ONLY'],
      ["SELECT default, column, check, primary, unique FROM t", 'SELECT "default", "column", "check", "primary", "unique" FROM t'],
    ];
    for (const [sql, expected] of cases) expect(quoteReservedIdentifiers(sql), sql).toBe(expected);
  });

  it("leaves strings, quoted names, comments and other words alone", () => {
    for (const sql of ["SELECT 'at limit' AS \"limit\" FROM t -- at", "SELECT created_at, atlas FROM t /* limit */", "SELECT 1 LIMIT ALL"]) {
      expect(quoteReservedIdentifiers(sql), sql).toBe(sql);
    }
  });
});
