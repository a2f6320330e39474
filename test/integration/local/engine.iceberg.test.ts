/**
 * Iceberg tables on the local engine, fed from Hive staging tables over real Parquet files as the
 * planner does on Athena: insert (append), delete + insert (replace), delete-insert merge with a
 * child table over two loads, upsert, and dlt's own tables (reference §7.4–7.7, §8).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LoadStep, MergeTable } from "../../../src/destination/plan.js";
import type { ColumnSchema } from "../../../src/schema/types.js";
import { CATALOG, col, openHarness, planned, ref } from "./local-harness.js";
import type { Harness } from "./local-harness.js";

const ORDERS = [col("id", "bigint"), col("status", "text"), col("_dlt_load_id", "text"), col("_dlt_id", "text")];
const ITEMS = [col("sku", "text"), col("_dlt_root_id", "text"), col("_dlt_parent_id", "text"), col("_dlt_id", "text")];
const names = (columns: readonly ColumnSchema[]) => columns.map((c) => c.name);

const chain = (table: string, columns: readonly ColumnSchema[]): MergeTable => ({
  target: ref("shop_data", table),
  staging: ref("shop_data_staging", table),
  columns: names(columns),
});

let h: Harness;
beforeEach(async () => {
  h = await openHarness();
  const tables: LoadStep[] = [];
  for (const [table, columns] of [
    ["orders", ORDERS],
    ["orders__items", ITEMS],
  ] as const) {
    tables.push(
      {
        kind: "createIcebergTable",
        table: ref("shop_data", table),
        columns: planned(columns),
        location: `file://${h.bucketRoot}/shop_data/${table}_0a1b2c`,
        partitions: [],
        ifNotExists: false,
      },
      {
        kind: "createExternalTable",
        table: ref("shop_data_staging", table),
        columns: planned(columns),
        location: h.location("shop_data_staging", table),
        ifNotExists: true,
      },
    );
  }
  await h.run(
    { kind: "createDatabase", catalog: CATALOG, database: "shop_data" },
    { kind: "createDatabase", catalog: CATALOG, database: "shop_data_staging" },
    ...tables,
  );
});
afterEach(async () => {
  await h.close();
});

/** Stages one load's files as the planner does: empty the staging folders, then upload. */
async function stage(load: string, orders: Record<string, unknown>[], items: Record<string, unknown>[]): Promise<void> {
  await h.run({ kind: "deleteTableFiles", dataset: "shop_data_staging", tables: ["orders", "orders__items"] });
  const files = [
    await h.writeFile("shop_data_staging", "orders", ORDERS, orders.map((o) => ({ _dlt_load_id: load, ...o }))),
    await h.writeFile("shop_data_staging", "orders__items", ITEMS, items),
  ];
  await h.run({ kind: "uploadFiles", files });
}

const mergeDeleteInsert: LoadStep = {
  kind: "mergeDeleteInsert",
  root: chain("orders", ORDERS),
  children: [{ ...chain("orders__items", ITEMS), rootKey: "_dlt_root_id" }],
  primaryKey: ["id"],
  mergeKey: [],
  deleteKeys: ref("shop_data_staging", "orders_delete_l3arya"),
  insertKeys: ref("shop_data_staging", "orders_insert_3e3abg"),
};

const itemsOf = () =>
  h.rows('SELECT o.id, i.sku FROM "orders" o JOIN "orders__items" i ON i._dlt_root_id = o._dlt_id ORDER BY o.id, i.sku', "shop_data");

describe("Iceberg tables on the local engine", () => {
  it("appends from staging, and replace deletes all rows before inserting the new ones", async () => {
    const append: LoadStep = { kind: "insertFromStaging", target: ref("shop_data", "orders"), staging: ref("shop_data_staging", "orders"), columns: names(ORDERS) };
    await stage("1", [{ id: 1n, status: "new", _dlt_id: "a" }], []);
    await h.run(append);
    await stage("2", [{ id: 2n, status: "new", _dlt_id: "b" }], []);
    await h.run(append);
    expect(await h.rows('SELECT id, _dlt_load_id FROM "orders" ORDER BY id', "shop_data")).toEqual([
      { id: 1, _dlt_load_id: "1" },
      { id: 2, _dlt_load_id: "2" },
    ]);
    await stage("3", [{ id: 3n, status: "new", _dlt_id: "c" }], []);
    await h.run({ kind: "deleteAll", table: ref("shop_data", "orders") }, append);
    expect(await h.rows('SELECT id FROM "orders"', "shop_data")).toEqual([{ id: 3 }]);
  });

  it("merges delete-insert: one row per key after two loads, and child rows follow their root", async () => {
    await stage(
      "1",
      [
        { id: 1n, status: "new", _dlt_id: "r1" },
        { id: 2n, status: "new", _dlt_id: "r2" },
      ],
      [
        { sku: "a", _dlt_root_id: "r1", _dlt_parent_id: "r1", _dlt_id: "i1" },
        { sku: "b", _dlt_root_id: "r1", _dlt_parent_id: "r1", _dlt_id: "i2" },
        { sku: "c", _dlt_root_id: "r2", _dlt_parent_id: "r2", _dlt_id: "i3" },
      ],
    );
    await h.run(mergeDeleteInsert);
    // Load 2 updates order 1 (now one item, staged twice: deduplicated) and adds order 3.
    await stage(
      "2",
      [
        { id: 1n, status: "paid", _dlt_id: "r1b" },
        { id: 1n, status: "paid", _dlt_id: "r1b" },
        { id: 3n, status: "new", _dlt_id: "r3" },
      ],
      [
        { sku: "z", _dlt_root_id: "r1b", _dlt_parent_id: "r1b", _dlt_id: "i9" },
        { sku: "z", _dlt_root_id: "r1b", _dlt_parent_id: "r1b", _dlt_id: "i9" },
      ],
    );
    await h.run(mergeDeleteInsert);
    expect(await h.rows('SELECT id, status, _dlt_load_id FROM "orders" ORDER BY id', "shop_data")).toEqual([
      { id: 1, status: "paid", _dlt_load_id: "2" },
      { id: 2, status: "new", _dlt_load_id: "1" },
      { id: 3, status: "new", _dlt_load_id: "2" },
    ]);
    expect(await itemsOf()).toEqual([
      { id: 1, sku: "z" },
      { id: 2, sku: "c" },
    ]);
    expect((await h.query('SELECT count(*) FROM "orders__items"', "shop_data")).rows).toEqual([[2]]);
    // Helper tables are gone.
    await expect(h.query('SELECT * FROM "shop_data_staging"."orders_delete_l3arya"')).rejects.toMatchObject({
      code: "undefined_relation",
    });
  });

  it("merges delete-insert without keys as a staged append", async () => {
    const noKeys: LoadStep = { ...mergeDeleteInsert, primaryKey: [], mergeKey: [] } as LoadStep;
    await stage("1", [{ id: 1n, _dlt_id: "r1" }], [{ sku: "a", _dlt_root_id: "r1", _dlt_id: "i1" }]);
    await h.run(noKeys);
    await h.run(noKeys);
    expect((await h.query('SELECT count(*) FROM "orders"', "shop_data")).rows).toEqual([[2]]);
  });

  it("upserts on the primary key, merges children on _dlt_id and deletes orphaned children", async () => {
    const upsert: LoadStep = {
      kind: "mergeUpsert",
      root: chain("orders", ORDERS),
      children: [chain("orders__items", ITEMS)],
      primaryKey: ["id"],
    };
    // For upsert the root _dlt_id derives from the primary key, so it is stable across loads.
    await stage(
      "1",
      [
        { id: 1n, status: "new", _dlt_id: "k1" },
        { id: 2n, status: "new", _dlt_id: "k2" },
      ],
      [
        { sku: "a", _dlt_root_id: "k1", _dlt_parent_id: "k1", _dlt_id: "k1-0" },
        { sku: "b", _dlt_root_id: "k1", _dlt_parent_id: "k1", _dlt_id: "k1-1" },
      ],
    );
    await h.run(upsert);
    await stage("2", [{ id: 1n, status: "paid", _dlt_id: "k1" }], [{ sku: "a2", _dlt_root_id: "k1", _dlt_parent_id: "k1", _dlt_id: "k1-0" }]);
    await h.run(upsert);
    expect(await h.rows('SELECT id, status FROM "orders" ORDER BY id', "shop_data")).toEqual([
      { id: 1, status: "paid" },
      { id: 2, status: "new" },
    ]);
    expect(await itemsOf()).toEqual([{ id: 1, sku: "a2" }]);
  });

  it("records schema and load rows, and answers the version check and state-style joins", async () => {
    const version = ref("shop_data", "_dlt_version");
    const loads = ref("shop_data", "_dlt_loads");
    const insertedAt = new Date("2024-04-29T12:00:00.123Z");
    await h.run(
      {
        kind: "createIcebergTable",
        table: version,
        columns: planned([col("version", "bigint"), col("engine_version", "bigint"), col("inserted_at", "timestamp"), col("schema_name", "text"), col("version_hash", "text"), col("schema", "text")]),
        location: "file:///unused/_dlt_version",
        partitions: [],
        ifNotExists: true,
      },
      {
        kind: "createIcebergTable",
        table: loads,
        columns: planned([col("load_id", "text"), col("schema_name", "text"), col("status", "bigint"), col("inserted_at", "timestamp"), col("schema_version_hash", "text")]),
        location: "file:///unused/_dlt_loads",
        partitions: [],
        ifNotExists: true,
      },
      {
        kind: "recordSchema",
        table: version,
        row: { version: 3, engineVersion: 11, insertedAt, schemaName: "shop", versionHash: "x1Yb+/=", schema: '{"name": "shop", "it\'s": "ünï"}' },
      },
      { kind: "recordLoad", table: loads, row: { loadId: "1714392000.1234567", schemaName: "shop", status: 0, insertedAt, schemaVersionHash: "x1Yb+/=" } },
    );
    const check = await h.query(
      `SELECT "version_hash" FROM "awsdatacatalog"."shop_data"."_dlt_version" WHERE "version_hash" = 'x1Yb+/=' LIMIT 1`,
    );
    expect(check.rows).toEqual([["x1Yb+/="]]);
    const newest = await h.rows(
      `SELECT "version", "inserted_at", "schema" FROM "awsdatacatalog"."shop_data"."_dlt_version" WHERE "schema_name" = 'shop' ORDER BY "inserted_at" DESC`,
    );
    expect(newest).toEqual([{ version: 3, inserted_at: insertedAt, schema: '{"name": "shop", "it\'s": "ünï"}' }]);
    expect(await h.rows('SELECT load_id, status FROM "_dlt_loads" l WHERE l."status" = 0', "shop_data")).toEqual([
      { load_id: "1714392000.1234567", status: 0 },
    ]);
  });

  it("adds Iceberg columns idempotently and is listed by the discovery query with Hive staging tables", async () => {
    const add: LoadStep = { kind: "addColumns", table: ref("shop_data", "orders"), format: "iceberg", columns: planned([col("paid_at", "timestamp"), col("blob", "binary")]) };
    await h.run(add, add);
    // The planner's query, with table_schema added: ordered by table name, the rows of a final
    // table and its staging copy interleave, so without it they cannot be told apart.
    const discovery = await h.query(
      `SELECT table_schema, table_name, column_name, data_type, is_nullable FROM "awsdatacatalog".INFORMATION_SCHEMA.COLUMNS ` +
        `WHERE table_catalog = 'awsdatacatalog' AND table_schema IN ('shop_data','shop_data_staging') ` +
        `AND table_name IN ('orders') ORDER BY table_name, ordinal_position`,
    );
    const bySchema = (schema: string) => discovery.rows.filter((r) => r[0] === schema).map((r) => `${String(r[2])}:${String(r[3])}`);
    expect(bySchema("shop_data")).toEqual(["id:bigint", "status:varchar", "_dlt_load_id:varchar", "_dlt_id:varchar", "paid_at:timestamp(3)", "blob:varbinary"]);
    expect(bySchema("shop_data_staging")).toEqual(["id:bigint", "status:varchar", "_dlt_load_id:varchar", "_dlt_id:varchar"]);
    expect(discovery.rows.every((r) => r[4] === "YES")).toBe(true);
    const schemata = await h.query(`SELECT schema_name FROM "awsdatacatalog".information_schema.schemata ORDER BY 1`);
    expect(schemata.rows.map((r) => r[0])).toEqual(["main", "shop_data", "shop_data_staging"]);
  });
});
