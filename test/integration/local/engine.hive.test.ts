/**
 * Hive external tables on the local engine, with real Parquet files in a temp bucket folder:
 * Athena reads every file under the LOCATION at query time, by column name, NULL for a column a
 * file lacks, and an empty table with the declared columns when there are no files (reference §7.3).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { col, openHarness, planned, ref } from "./local-harness.js";
import type { Harness } from "./local-harness.js";

const ORDERS = [col("id", "bigint"), col("customer", "text"), col("total", "decimal", { precision: 18, scale: 2 })];

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
  await h.run(
    { kind: "createDatabase", catalog: "awsdatacatalog", database: "shop_data" },
    {
      kind: "createExternalTable",
      table: ref("shop_data", "orders"),
      columns: planned(ORDERS),
      location: h.location("shop_data", "orders"),
      ifNotExists: false,
    },
  );
});
afterEach(async () => {
  await h.close();
});

describe("a Hive table on the local engine", () => {
  it("returns zero rows with the declared columns and types when no file exists yet", async () => {
    const result = await h.query('SELECT * FROM "awsdatacatalog"."shop_data"."orders"');
    expect(result.rows).toEqual([]);
    expect(result.columns).toEqual([
      { name: "id", type: "bigint" },
      { name: "customer", type: "varchar" },
      { name: "total", type: "decimal(18,2)" },
    ]);
  });

  it("shows files uploaded later at the next query, from every file under the folder", async () => {
    const first = await h.writeFile("shop_data", "orders", ORDERS, [{ id: 1n, customer: "ann", total: "10.50" }]);
    await h.run({ kind: "uploadFiles", files: [first] });
    expect(await h.rows('SELECT id, total FROM "orders"', "shop_data")).toEqual([{ id: 1, total: "10.50" }]);

    const second = await h.writeFile("shop_data", "orders", ORDERS, [{ id: 2n, customer: "bob", total: "3" }]);
    // A nested folder (layouts may add one) and hidden/underscore files, which Athena skips.
    await h.store.put(`shop_data/orders/2024/01/${second.key.split("/").pop()}`, { path: second.localPath });
    mkdirSync(join(h.bucketRoot, "shop_data/orders"), { recursive: true });
    writeFileSync(join(h.bucketRoot, "shop_data/orders/_SUCCESS"), "");
    writeFileSync(join(h.bucketRoot, "shop_data/orders/.hidden"), "not parquet");
    const rows = await h.rows('SELECT id, customer FROM "awsdatacatalog"."shop_data"."orders" ORDER BY id');
    expect(rows).toEqual([
      { id: 1, customer: "ann" },
      { id: 2, customer: "bob" },
    ]);
  });

  it("reads NULL for a column added later that older files lack, and the new value from newer files", async () => {
    const old = await h.writeFile("shop_data", "orders", ORDERS, [{ id: 1n, customer: "ann", total: "1" }]);
    await h.run({ kind: "uploadFiles", files: [old] });
    const grown = [...ORDERS, col("coupon", "text")];
    await h.run({ kind: "addColumns", table: ref("shop_data", "orders"), format: "hive", columns: planned([col("coupon", "text")]) });
    const newer = await h.writeFile("shop_data", "orders", grown, [{ id: 2n, customer: "bob", total: "2", coupon: "X1" }]);
    await h.run({ kind: "uploadFiles", files: [newer] });

    const result = await h.query('SELECT id, coupon FROM "orders" ORDER BY id', "shop_data");
    expect(result.columns).toEqual([
      { name: "id", type: "bigint" },
      { name: "coupon", type: "varchar" },
    ]);
    expect(result.rows).toEqual([
      [1, null],
      [2, "X1"],
    ]);
  });

  it("matches columns by name when files order them differently", async () => {
    const reordered = [ORDERS[2]!, ORDERS[0]!, ORDERS[1]!];
    const file = await h.writeFile("shop_data", "orders", reordered, [{ id: 7n, customer: "cy", total: "7.25" }]);
    await h.run({ kind: "uploadFiles", files: [file] });
    expect(await h.rows('SELECT * FROM "orders"', "shop_data")).toEqual([{ id: 7, customer: "cy", total: "7.25" }]);
  });

  it("empties on replace (files deleted) and is listed by the planner's discovery query", async () => {
    const file = await h.writeFile("shop_data", "orders", ORDERS, [{ id: 1n }]);
    await h.run({ kind: "uploadFiles", files: [file] });
    await h.run({ kind: "deleteTableFiles", dataset: "shop_data", tables: ["orders"] });
    expect((await h.query('SELECT count(*) AS n FROM "orders"', "shop_data")).rows).toEqual([[0]]);

    const discovery = await h.query(
      `SELECT table_name, column_name, data_type, is_nullable FROM "awsdatacatalog".INFORMATION_SCHEMA.COLUMNS ` +
        `WHERE table_catalog = 'awsdatacatalog' AND table_schema IN ('shop_data','shop_data_staging') ` +
        `AND table_name IN ('orders','_dlt_loads') ORDER BY table_name, ordinal_position`,
    );
    expect(discovery.rows).toEqual([
      ["orders", "id", "bigint", "YES"],
      ["orders", "customer", "varchar", "YES"],
      ["orders", "total", "decimal(18,2)", "YES"],
    ]);
  });

  it("keeps an existing table with IF NOT EXISTS and refuses a second CREATE without it", async () => {
    const again = {
      kind: "createExternalTable" as const,
      table: ref("shop_data", "orders"),
      columns: planned([col("other", "text")]),
      location: h.location("shop_data", "orders"),
      ifNotExists: true,
    };
    await h.run(again);
    expect((await h.query('SELECT * FROM "orders"', "shop_data")).columns.map((c) => c.name)).toEqual(["id", "customer", "total"]);
    await expect(h.run({ ...again, ifNotExists: false })).rejects.toMatchObject({ code: "local_query_failed" });
  });

  it("drops the table: the view and its registration go, a new query reports an undefined relation", async () => {
    await h.run({ kind: "dropTable", table: ref("shop_data", "orders") });
    await expect(h.query('SELECT * FROM "awsdatacatalog"."shop_data"."orders"')).rejects.toMatchObject({
      code: "undefined_relation",
    });
    // Dropping again is harmless (IF EXISTS), and the name is free for an Iceberg table.
    await h.run({ kind: "dropTable", table: ref("shop_data", "orders") });
    await h.run({
      kind: "createIcebergTable",
      table: ref("shop_data", "orders"),
      columns: planned(ORDERS),
      location: "file:///unused/orders_abc",
      partitions: [],
      ifNotExists: false,
    });
    expect((await h.query('SELECT * FROM "orders"', "shop_data")).rows).toEqual([]);
  });

  it("survives a restart: views are registered in the database file", async () => {
    const file = await h.writeFile("shop_data", "orders", ORDERS, [{ id: 5n }]);
    await h.run({ kind: "uploadFiles", files: [file] });
    const { LocalEngine } = await import("../../../src/destination/local/engine.js");
    await h.engine.close();
    const reopened = await LocalEngine.open({ databasePath: h.engine.databasePath });
    try {
      const more = await h.writeFile("shop_data", "orders", ORDERS, [{ id: 6n }]);
      await h.store.put(more.key, { path: more.localPath });
      const result = await reopened.execute('SELECT id FROM "orders" ORDER BY id', { database: "shop_data" });
      expect(result.rows).toEqual([[5], [6]]);
    } finally {
      await reopened.close();
    }
  });

  it("shows new files through a view over the table, and through a view over that view", async () => {
    await h.query('CREATE VIEW "awsdatacatalog"."shop_data"."big_orders" AS SELECT id FROM "awsdatacatalog"."shop_data"."orders" WHERE total > 5');
    await h.query('CREATE VIEW "awsdatacatalog"."shop_data"."Big_Order_Ids" AS SELECT id FROM big_orders', "shop_data");
    const file = await h.writeFile("shop_data", "orders", ORDERS, [{ id: 1n, total: "9" }, { id: 2n, total: "1" }]);
    await h.run({ kind: "uploadFiles", files: [file] });
    expect(await h.rows('SELECT * FROM "big_order_ids"', "shop_data")).toEqual([{ id: 1 }]);

    const more = await h.writeFile("shop_data", "orders", ORDERS, [{ id: 3n, total: "7" }]);
    await h.run({ kind: "uploadFiles", files: [more] });
    expect(await h.rows("SELECT * FROM big_order_ids ORDER BY id", "shop_data")).toEqual([{ id: 1 }, { id: 3 }]);
  });

  it("keeps views over the table current across a restart (views are read from the catalog at open)", async () => {
    await h.query('CREATE VIEW "awsdatacatalog"."shop_data"."all_ids" AS SELECT id FROM "awsdatacatalog"."shop_data"."orders"');
    const { LocalEngine } = await import("../../../src/destination/local/engine.js");
    await h.engine.close();
    const reopened = await LocalEngine.open({ databasePath: h.engine.databasePath });
    try {
      const file = await h.writeFile("shop_data", "orders", ORDERS, [{ id: 4n }]);
      await h.store.put(file.key, { path: file.localPath });
      expect((await reopened.execute("SELECT id FROM all_ids", { database: "shop_data" })).rows).toEqual([[4]]);
    } finally {
      await reopened.close();
    }
  });
});

describe("a Hive table with a broken file", () => {
  it("fails only queries on that table, with the reason, and recovers when the file goes", async () => {
    const h = await openHarness();
    try {
      await h.run(
        { kind: "createDatabase", catalog: "awsdatacatalog", database: "shop_data" },
        { kind: "createExternalTable", table: ref("shop_data", "orders"), columns: planned(ORDERS), location: h.location("shop_data", "orders"), ifNotExists: false },
      );
      await h.store.put("shop_data/orders/broken.parquet", "not a parquet file");
      expect((await h.query("SELECT 42")).rows).toEqual([[42]]);
      await expect(h.query('SELECT * FROM "orders"', "shop_data")).rejects.toThrow(/orders cannot be read/);
      await h.store.delete(["shop_data/orders/broken.parquet"]);
      expect((await h.query('SELECT * FROM "orders"', "shop_data")).rows).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe("files deleted while a statement reads a Hive table", () => {
  it("never fails with 'No files found': the bucket's deletes wait between statements", async () => {
    // A replace deletes a table's files while other steps of the wave (an ADD COLUMNS, which
    // reads the view) run: the views list their files just before a statement runs.
    const { storeBesideEngine } = await import("../../../src/destination/local/engine.js");
    const store = storeBesideEngine(h.store, h.engine);
    for (let round = 0; round < 8; round++) {
      const files = [];
      for (let i = 0; i < 12; i++) files.push(await h.writeFile("shop_data", "orders", ORDERS, [{ id: BigInt(i), customer: "c", total: "1" }]));
      await h.run({ kind: "uploadFiles", files });
      expect((await h.rows('SELECT count(*) AS n FROM "shop_data"."orders"'))[0]?.["n"]).toBe(12);
      // One file at a time, while statements keep reading the view.
      let isDeleting = true;
      const deleting = (async () => {
        for (const file of files) {
          await new Promise((resolve) => setTimeout(resolve, 3));
          await store.delete([file.key]);
        }
        isDeleting = false;
      })();
      const reading = (async () => {
        while (isDeleting) await h.query('SELECT 1 FROM "awsdatacatalog"."shop_data"."orders" LIMIT 0');
      })();
      await Promise.all([deleting, reading]);
      expect((await h.rows('SELECT count(*) AS n FROM "shop_data"."orders"'))[0]?.["n"]).toBe(0);
    }
  });
});
