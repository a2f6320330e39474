/**
 * SHOW TABLES, SHOW DATABASES, SHOW COLUMNS and DESCRIBE on the local engine answer in Athena's
 * shapes (Athena user guide: show-tables, show-databases, show-columns, describe-table), over a
 * Hive table (a view inside the engine) and an Iceberg table (a DuckDB table), and never show the
 * engine's own registry; unnamed result columns are `_col<i>` as on Athena.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoadError } from "../../../src/errors.js";
import { col, openHarness, planned, ref } from "./local-harness.js";
import type { Harness } from "./local-harness.js";

const ORDERS = [col("order_id", "bigint"), col("status", "text"), col("amount", "decimal", { precision: 18, scale: 2 }), col("placed_at", "timestamp")];
const CUSTOMERS = [col("customer_id", "bigint"), col("name", "text"), col("active", "bool"), col("born", "date"), col("small", "bigint", { precision: 16 })];

let h: Harness;
beforeAll(async () => {
  h = await openHarness();
  await h.run(
    { kind: "createDatabase", catalog: "awsdatacatalog", database: "shop" },
    { kind: "createDatabase", catalog: "awsdatacatalog", database: "shop_staging" },
    { kind: "createExternalTable", table: ref("shop", "orders"), columns: planned(ORDERS), location: h.location("shop", "orders"), ifNotExists: false },
    {
      kind: "createIcebergTable",
      table: ref("shop", "customers"),
      columns: planned(CUSTOMERS),
      location: h.location("shop", "customers"),
      partitions: [],
      ifNotExists: false,
    },
    {
      kind: "createExternalTable",
      table: ref("shop", "orders__items"),
      columns: planned([col("sku", "text")]),
      location: h.location("shop", "orders__items"),
      ifNotExists: false,
    },
  );
  const file = await h.writeFile("shop", "orders", ORDERS, [
    { order_id: 1n, status: "paid", amount: "10.50", placed_at: new Date("2024-01-02T03:04:05.678Z") },
    { order_id: 2n, status: "open", amount: "3.00", placed_at: new Date("2024-01-03T00:00:00.000Z") },
  ]);
  await h.run({ kind: "uploadFiles", files: [file] });
});
afterAll(async () => {
  await h.close();
});

describe("Athena's metadata statements on the local engine", () => {
  it("SHOW TABLES lists a database's tables sorted under tab_name, filtered by Hive's pattern", async () => {
    const all = await h.query("SHOW TABLES IN shop");
    expect(all.columns).toEqual([{ name: "tab_name", type: "string" }]);
    expect(all.rows).toEqual([["customers"], ["orders"], ["orders__items"]]);
    expect((await h.query("SHOW TABLES", "shop")).rows).toEqual(all.rows);
    expect((await h.query("show tables from `shop`;")).rows).toEqual(all.rows);
    expect((await h.query("SHOW TABLES IN shop '*order*'")).rows).toEqual([["orders"], ["orders__items"]]);
    expect((await h.query("SHOW TABLES IN shop 'CUST*|orders'")).rows).toEqual([["customers"], ["orders"]]);
    expect((await h.query("SHOW TABLES IN shop LIKE '.*items'")).rows).toEqual([["orders__items"]]);
    expect((await h.query("SHOW TABLES IN shop_staging")).rows).toEqual([]);
    // Athena's `default` database always exists; here it has no tables.
    expect((await h.query("SHOW TABLES")).rows).toEqual([]);
  });

  it("SHOW DATABASES lists datasets only, never the engine's schema or DuckDB's own", async () => {
    const result = await h.query("SHOW DATABASES");
    expect(result.columns).toEqual([{ name: "database_name", type: "string" }]);
    expect(result.rows).toEqual([["shop"], ["shop_staging"]]);
    expect((await h.query("SHOW SCHEMAS LIKE '*staging'")).rows).toEqual([["shop_staging"]]);
  });

  it("SHOW COLUMNS lists column names in order, in each of Athena's spellings", async () => {
    const expected = [["order_id"], ["status"], ["amount"], ["placed_at"]];
    for (const sql of ["SHOW COLUMNS FROM shop.orders", "SHOW COLUMNS IN shop.orders", "SHOW COLUMNS IN orders IN shop", "SHOW COLUMNS FROM orders FROM shop"]) {
      const result = await h.query(sql);
      expect(result.columns, sql).toEqual([{ name: "field", type: "string" }]);
      expect(result.rows, sql).toEqual(expected);
    }
    expect((await h.query("SHOW COLUMNS FROM orders", "shop")).rows).toEqual(expected);
  });

  it("DESCRIBE shows col_name, data_type in Hive's names, comment, for Hive and Iceberg tables", async () => {
    const orders = await h.query("DESCRIBE shop.orders");
    expect(orders.columns.map((c) => c.name)).toEqual(["col_name", "data_type", "comment"]);
    expect(orders.rows).toEqual([
      ["order_id", "bigint", ""],
      ["status", "string", ""],
      ["amount", "decimal(18,2)", ""],
      ["placed_at", "timestamp", ""],
    ]);
    expect((await h.query("DESC customers", "shop")).rows).toEqual([
      ["customer_id", "bigint", ""],
      ["name", "string", ""],
      ["active", "boolean", ""],
      ["born", "date", ""],
      ["small", "smallint", ""],
    ]);
  });

  it("reports a missing database or table as undefined_relation, and the engine's schema is missing", async () => {
    for (const [sql, message] of [
      ["SHOW TABLES IN nope", "Database does not exist: nope"],
      ["SHOW TABLES IN _dlt_local_engine", "Database does not exist: _dlt_local_engine"],
      ["SHOW COLUMNS FROM shop.nope", "Table not found: shop.nope"],
      ["DESCRIBE _dlt_local_engine.hive_tables", "Table not found: _dlt_local_engine.hive_tables"],
    ] as const) {
      const error = await h.query(sql).catch((e: unknown) => e);
      expect(error, sql).toBeInstanceOf(LoadError);
      expect(error, sql).toMatchObject({ code: "undefined_relation", meta: { sql } });
      expect((error as Error).message, sql).toContain(message);
    }
  });

  it("refuses the SHOW and DESCRIBE forms it does not answer, naming what to do instead", async () => {
    for (const sql of ["SHOW CREATE TABLE shop.orders", "SHOW PARTITIONS shop.orders", "DESCRIBE FORMATTED shop.orders", "DESCRIBE shop.orders status"]) {
      const error = await h.query(sql).catch((e: unknown) => e);
      expect(error, sql).toMatchObject({ code: "unsupported_local_statement" });
      expect((error as Error).message, sql).toContain("SHOW TABLES, SHOW DATABASES, SHOW COLUMNS and DESCRIBE");
    }
  });
});

describe("result column names on the local engine", () => {
  it("names unnamed expressions _col<i> by position, keeping aliases and column references", async () => {
    const result = await h.query(
      "SELECT o.status, count(*), sum(amount) AS total, max(placed_at), 1 FROM shop.orders AS o GROUP BY o.status ORDER BY 1",
    );
    expect(result.columns.map((c) => c.name)).toEqual(["status", "_col1", "total", "_col3", "_col4"]);
    expect(result.rows).toEqual([
      ["open", 1, "3.00", new Date("2024-01-03T00:00:00.000Z"), 1],
      ["paid", 1, "10.50", new Date("2024-01-02T03:04:05.678Z"), 1],
    ]);
  });

  it("counts a star's columns, and names set operations, CTEs and VALUES as Trino does", async () => {
    const star = await h.query("SELECT *, order_id + 1 FROM shop.orders ORDER BY order_id LIMIT 1");
    expect(star.columns.map((c) => c.name)).toEqual(["order_id", "status", "amount", "placed_at", "_col4"]);
    expect((await h.query("SELECT 1 UNION ALL SELECT 2")).columns.map((c) => c.name)).toEqual(["_col0"]);
    expect((await h.query("WITH x AS (SELECT 1 AS a) SELECT a, a * 2 FROM x")).columns.map((c) => c.name)).toEqual(["a", "_col1"]);
    expect((await h.query("VALUES (1, 'a')")).columns.map((c) => c.name)).toEqual(["_col0", "_col1"]);
    expect((await h.query("SELECT * FROM (VALUES (1, 'a')) AS t(n, s)")).columns.map((c) => c.name)).toEqual(["n", "s"]);
  });
});
