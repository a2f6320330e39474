/**
 * The duckdb dialect and its pure helpers: every step kind compiles, names stay quoted, types map
 * as Athena's do, locations map onto the local bucket, and information_schema references are
 * rewritten. Execution is covered in test/integration/local.
 */
import { DuckDBInstance, DuckDBTimestampValue } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { compileDuckDBStep, duckdbDialect } from "../../../../src/destination/local/dialect.js";
import { hiveViewSelect, localFolderOf } from "../../../../src/destination/local/hive.js";
import { rewriteInformationSchema } from "../../../../src/destination/local/information-schema.js";
import { athenaTypeName, athenaTypeNameSql, duckdbColumnType } from "../../../../src/destination/local/types.js";
import { convertDuckDBValue } from "../../../../src/destination/local/values.js";
import type { LoadStep, LoadStepKind, TableRef } from "../../../../src/destination/plan.js";

const BUCKET = { bucketRoot: "/nonexistent/.dlt/local/bucket" };
const t = (database: string, table: string): TableRef => ({ catalog: "awsdatacatalog", database, table });
const orders = t("shop_data", "orders");
const staged = t("shop_data_staging", "orders");
const insertedAt = new Date("2024-04-29T12:00:00.123Z");

const STEPS: Record<LoadStepKind, LoadStep> = {
  createDatabase: { kind: "createDatabase", catalog: "awsdatacatalog", database: "shop_data" },
  createExternalTable: {
    kind: "createExternalTable",
    table: orders,
    columns: [{ name: "id", dataType: "bigint" }],
    location: `file://${BUCKET.bucketRoot}/shop_data/orders/`,
    ifNotExists: false,
  },
  createIcebergTable: {
    kind: "createIcebergTable",
    table: orders,
    columns: [{ name: "id", dataType: "bigint" }, { name: "amount", dataType: "decimal", precision: 18, scale: 2 }],
    location: "s3://lake/raw/shop_data/orders_3f9a0c7e21bd",
    partitions: ["month(`created_at`)"],
    ifNotExists: true,
  },
  addColumns: { kind: "addColumns", table: orders, format: "iceberg", columns: [{ name: "coupon", dataType: "text" }] },
  dropTable: { kind: "dropTable", table: orders },
  deleteTableFiles: { kind: "deleteTableFiles", dataset: "shop_data", tables: ["orders"] },
  uploadFiles: { kind: "uploadFiles", files: [{ job: "orders.a.0.parquet", table: "orders", localPath: "/p/a.parquet", key: "shop_data/orders/1.a.parquet" }] },
  insertFromStaging: { kind: "insertFromStaging", target: orders, staging: staged, columns: ["id", "_dlt_id"] },
  deleteAll: { kind: "deleteAll", table: orders },
  deleteRows: { kind: "deleteRows", table: t("shop_data", "_dlt_pipeline_state"), column: "pipeline_name", values: ["o'brien", "shop"] },
  mergeDeleteInsert: {
    kind: "mergeDeleteInsert",
    root: { target: orders, staging: staged, columns: ["id", "_dlt_id"] },
    children: [],
    primaryKey: ["id"],
    mergeKey: ["day"],
    deleteKeys: t("shop_data_staging", "orders_delete_l3arya"),
    insertKeys: t("shop_data_staging", "orders_insert_3e3abg"),
  },
  mergeUpsert: { kind: "mergeUpsert", root: { target: orders, staging: staged, columns: ["id", "_dlt_id"] }, children: [], primaryKey: ["id"] },
  recordSchema: {
    kind: "recordSchema",
    table: t("shop_data", "_dlt_version"),
    row: { version: 3, engineVersion: 11, insertedAt, schemaName: "shop", versionHash: "h'1", schema: "{}" },
  },
  recordLoad: {
    kind: "recordLoad",
    table: t("shop_data", "_dlt_loads"),
    row: { loadId: "1714392000.1234567", schemaName: "shop", status: 0, insertedAt, schemaVersionHash: "h'1" },
  },
};

const statementsOf = (step: LoadStep): readonly string[] => {
  const compiled = compileDuckDBStep(step, BUCKET);
  if (compiled.kind !== "sql") throw new Error("expected SQL");
  return compiled.statements;
};

describe("the duckdb dialect", () => {
  it("compiles every step kind, purely and deterministically, with Athena's three-part names", () => {
    const dialect = duckdbDialect(BUCKET);
    expect(dialect.name).toBe("duckdb");
    for (const step of Object.values(STEPS)) {
      const compiled = dialect.compileStep(step);
      expect(dialect.compileStep(step)).toEqual(compiled);
      if (compiled.kind === "files") {
        expect(["uploadFiles", "deleteTableFiles"]).toContain(step.kind);
        expect(compiled.step).toBe(step);
      } else {
        expect(compiled.statements.length).toBeGreaterThan(0);
      }
    }
  });

  it("writes the expected statements for the simple steps", () => {
    expect(statementsOf(STEPS.createDatabase)).toEqual(['CREATE SCHEMA IF NOT EXISTS "awsdatacatalog"."shop_data"']);
    expect(statementsOf(STEPS.createIcebergTable)).toEqual([
      'CREATE TABLE IF NOT EXISTS "awsdatacatalog"."shop_data"."orders" ("id" BIGINT, "amount" DECIMAL(18,2))',
    ]);
    expect(statementsOf(STEPS.addColumns)).toEqual(['ALTER TABLE "awsdatacatalog"."shop_data"."orders" ADD COLUMN IF NOT EXISTS "coupon" VARCHAR']);
    expect(statementsOf(STEPS.deleteAll)).toEqual(['DELETE FROM "awsdatacatalog"."shop_data"."orders"']);
    expect(statementsOf(STEPS.deleteRows)).toEqual([
      `DELETE FROM "awsdatacatalog"."shop_data"."_dlt_pipeline_state" WHERE "pipeline_name" IN ('o''brien', 'shop')`,
    ]);
    expect(statementsOf({ kind: "deleteRows", table: orders, column: "id", values: [] })).toEqual([]);
    expect(statementsOf(STEPS.insertFromStaging)).toEqual([
      'INSERT INTO "awsdatacatalog"."shop_data"."orders" ("id", "_dlt_id") SELECT "id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."orders"',
    ]);
    expect(statementsOf(STEPS.recordLoad)).toEqual([
      `INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads" ("load_id", "schema_name", "status", "inserted_at", "schema_version_hash") ` +
        `VALUES ('1714392000.1234567', 'shop', 0, TIMESTAMP '2024-04-29 12:00:00.123', 'h''1')`,
    ]);
    expect(statementsOf(STEPS.dropTable).at(-1)).toBe('DROP TABLE IF EXISTS "awsdatacatalog"."shop_data"."orders"');
  });

  it("creates a Hive table as a view first, then registers its folder and columns", () => {
    const [view, table, columns] = statementsOf(STEPS.createExternalTable);
    expect(view).toBe('CREATE VIEW "awsdatacatalog"."shop_data"."orders" AS SELECT CAST(NULL AS BIGINT) AS "id" WHERE false');
    expect(table).toContain(`'${BUCKET.bucketRoot}/shop_data/orders/'`);
    expect(columns).toContain("'id', 'BIGINT'");
  });

  it("merges keys OR-ed between primary and merge key, deduplicating by primary key", () => {
    const sql = statementsOf(STEPS.mergeDeleteInsert).join("\n");
    expect(sql).toContain('WHERE EXISTS (SELECT 1 FROM "awsdatacatalog"."shop_data_staging"."orders" AS s WHERE (d."id" = s."id") OR (d."day" = s."day"))');
    expect(sql).toContain('ROW_NUMBER() OVER (PARTITION BY "id")');
    expect(sql).toContain('DROP TABLE IF EXISTS "awsdatacatalog"."shop_data_staging"."orders_insert_3e3abg"');
    expect(statementsOf(STEPS.mergeUpsert)[0]).toBe(
      'MERGE INTO "awsdatacatalog"."shop_data"."orders" AS d USING "awsdatacatalog"."shop_data_staging"."orders" AS s ON d."id" = s."id" ' +
        'WHEN MATCHED THEN UPDATE SET "id" = s."id", "_dlt_id" = s."_dlt_id" WHEN NOT MATCHED THEN INSERT ("id", "_dlt_id") VALUES (s."id", s."_dlt_id")',
    );
  });

  it("keeps hostile names and values inside their quotes", () => {
    const [sql] = statementsOf({ kind: "deleteAll", table: t('we"ird', 'x"; DROP TABLE y; --') });
    expect(sql).toBe('DELETE FROM "awsdatacatalog"."we""ird"."x""; DROP TABLE y; --"');
    const [insert] = statementsOf({ ...STEPS.recordSchema, row: { ...(STEPS.recordSchema as { row: object }).row, schema: "'); DROP TABLE x; --" } } as LoadStep);
    expect(insert).toContain("'''); DROP TABLE x; --'");
  });

  it("maps dlt types to DuckDB types with Athena's widths and refuses time", () => {
    expect(duckdbColumnType({ name: "a", dataType: "bigint", precision: 8 })).toBe("TINYINT");
    expect(duckdbColumnType({ name: "a", dataType: "bigint", precision: 32 })).toBe("INTEGER");
    expect(duckdbColumnType({ name: "a", dataType: "json" })).toBe("VARCHAR");
    expect(duckdbColumnType({ name: "a", dataType: "binary" })).toBe("BLOB");
    expect(() => duckdbColumnType({ name: "a", dataType: "time" })).toThrow(expect.objectContaining({ code: "unsupported_data_type" }));
    expect(() => duckdbColumnType({ name: "a", dataType: "decimal", precision: 39 })).toThrow(/DECIMAL\(39,9\)/);
  });
});

describe("local helpers", () => {
  it("maps file:// and bucket-URL locations to local folders and refuses others", () => {
    expect(localFolderOf("file:///p/bucket/shop/orders/", { bucketRoot: "/p/bucket" })).toBe("/p/bucket/shop/orders/");
    expect(localFolderOf("s3://lake/raw/shop/orders/", { bucketRoot: "/p/bucket/", bucketUrl: "s3://lake/raw/" })).toBe("/p/bucket/shop/orders/");
    expect(() => localFolderOf("s3://other/shop/orders/", { bucketRoot: "/p/bucket" })).toThrow(
      expect.objectContaining({ code: "unsupported_local_location" }),
    );
    expect(() => localFolderOf("s3://lake/raw/../../etc/", { bucketRoot: "/p/b", bucketUrl: "s3://lake/raw" })).toThrow(/not under/);
  });

  it("builds a Hive view select that casts by name and fills missing columns with NULL", () => {
    expect(hiveViewSelect([{ name: "id", type: "BIGINT" }], ["/b/it's.parquet"])).toBe(
      'SELECT CAST("id" AS BIGINT) AS "id" FROM (SELECT NULL AS "id" WHERE false UNION ALL BY NAME ' +
        `SELECT * FROM read_parquet(['/b/it''s.parquet'], union_by_name = true)) AS "_dlt_files"`,
    );
  });

  it("rewrites information_schema references of its catalog only", () => {
    const cat = "awsdatacatalog";
    expect(rewriteInformationSchema('FROM "awsdatacatalog".INFORMATION_SCHEMA.COLUMNS WHERE', cat)).toBe('FROM temp.main."dlt_local_columns" WHERE');
    expect(rewriteInformationSchema("from awsdatacatalog . information_schema . schemata", cat)).toBe('from temp.main."dlt_local_schemata"');
    expect(rewriteInformationSchema('FROM information_schema."tables"', cat)).toBe('FROM temp.main."dlt_local_tables"');
    expect(rewriteInformationSchema("FROM system.information_schema.columns", cat)).toBe("FROM system.information_schema.columns");
    expect(rewriteInformationSchema("FROM information_schema.views", cat)).toBe("FROM information_schema.views");
  });

  it("names types the same way in TypeScript and in the information_schema SQL", async () => {
    const names = ["VARCHAR", "BIGINT", "INTEGER", "DOUBLE", "BOOLEAN", "DATE", "BLOB", "TIMESTAMP", "DECIMAL(38,9)", "HUGEINT", "FLOAT"];
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      const values = names.map((n) => `('${n}')`).join(", ");
      const reader = await connection.runAndReadAll(`SELECT ${athenaTypeNameSql("t")} FROM (VALUES ${values}) AS v(t)`);
      expect(reader.getRowsJson().map((r) => r[0])).toEqual(names.map(athenaTypeName));
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("converts timestamps before 1970 and bigint boundaries exactly", () => {
    expect(convertDuckDBValue(new DuckDBTimestampValue(-1n))).toEqual(new Date(-1));
    expect(convertDuckDBValue(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(convertDuckDBValue(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toBe(9007199254740992n);
    expect(convertDuckDBValue(-(2n ** 63n))).toBe(-(2n ** 63n));
  });
});
