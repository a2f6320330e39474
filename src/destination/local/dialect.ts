/**
 * The `duckdb` dialect: compiles the same {@link LoadStep}s the Athena dialect gets into DuckDB SQL
 * with Athena's semantics, for the local engine (`engine.ts`). Databases are DuckDB schemas of the
 * attached catalog, so every name keeps its Athena form `"catalog"."database"."table"`.
 *
 * - Hive external tables are views over the Parquet files under the table's folder (see
 *   `hive.ts`): the compiled statements register the table and create the empty view; the engine
 *   keeps the file list current before every statement that names the table.
 * - Iceberg tables are DuckDB tables (INSERT, DELETE, MERGE).
 * - File steps compile to `{ kind: "files" }`: the executor runs them on the local bucket folder.
 *
 * Pure: compiling never touches the file system.
 */
import { LoadError } from "../../errors.js";
import { quoteDuckDBIdentifier as qi, quoteDuckDBString as qs } from "../../writers/duckdb-types.js";
import type { CompiledStep, Dialect } from "../dialect.js";
import type { LoadStep, PlannedColumn, TableRef } from "../plan.js";
import {
  HIVE_COLUMNS,
  HIVE_TABLES,
  hiveViewDdl,
  hiveViewSelect,
  localFolderOf,
  qualifiedName,
  registryTable,
} from "./hive.js";
import type { HiveColumn, LocalBucket } from "./hive.js";
import { insertSelect, mergeDeleteInsertSql, mergeUpsertSql } from "./merge.js";
import { duckdbColumnType } from "./types.js";

/** Options of {@link duckdbDialect}. */
export type DuckDBDialectOptions = LocalBucket;

/**
 * Creates the dialect of the local engine.
 *
 * @example
 * const dialect = duckdbDialect({ bucketRoot: "/p/.dlt/local/bucket" });
 * dialect.compileStep({ kind: "createDatabase", catalog: "awsdatacatalog", database: "shop" });
 * // { kind: "sql", statements: ['CREATE SCHEMA IF NOT EXISTS "awsdatacatalog"."shop"'] }
 */
export function duckdbDialect(options: DuckDBDialectOptions): Dialect {
  return { name: "duckdb", compileStep: (step) => compileDuckDBStep(step, options) };
}

/**
 * Compiles one step (the dialect's `compileStep`).
 *
 * @example
 * compileDuckDBStep({ kind: "deleteAll", table }, { bucketRoot: "/b" });
 * // { kind: "sql", statements: ['DELETE FROM "awsdatacatalog"."shop"."orders"'] }
 */
export function compileDuckDBStep(step: LoadStep, bucket: LocalBucket): CompiledStep {
  switch (step.kind) {
    case "createDatabase":
      return sql(`CREATE SCHEMA IF NOT EXISTS ${qi(step.catalog)}.${qi(step.database)}`);
    case "createExternalTable":
      return { kind: "sql", statements: createHiveTable(step, bucket) };
    case "createIcebergTable": {
      // LOCATION and partitions have no meaning for a DuckDB table; the data lives in the file.
      const head = step.ifNotExists ? "CREATE TABLE IF NOT EXISTS" : "CREATE TABLE";
      return sql(`${head} ${qualifiedName(step.table)} (${columnDefinitions(step.columns)})`);
    }
    case "addColumns":
      if (step.format === "iceberg") {
        return sql(
          ...step.columns.map(
            (c) => `ALTER TABLE ${qualifiedName(step.table)} ADD COLUMN IF NOT EXISTS ${qi(c.name)} ${duckdbColumnType(c)}`,
          ),
        );
      }
      return { kind: "sql", statements: addHiveColumns(step.table, step.columns) };
    case "dropTable":
      // The engine turns DROP TABLE of a view (a Hive table) into DROP VIEW, as Athena drops either.
      return sql(...unregisterHive(step.table), `DROP TABLE IF EXISTS ${qualifiedName(step.table)}`);
    case "deleteTableFiles":
    case "uploadFiles":
      return { kind: "files", step };
    case "insertFromStaging":
      return sql(insertSelect({ target: step.target, staging: step.staging, columns: step.columns }));
    case "deleteAll":
      return sql(`DELETE FROM ${qualifiedName(step.table)}`);
    case "deleteRows":
      if (step.values.length === 0) return sql();
      return sql(`DELETE FROM ${qualifiedName(step.table)} WHERE ${qi(step.column)} ${step.values.length === 1 ? `= ${qs(step.values[0]!)}` : `IN (${step.values.map(qs).join(", ")})`}`);
    case "mergeDeleteInsert":
      return { kind: "sql", statements: mergeDeleteInsertSql(step) };
    case "mergeUpsert":
      return { kind: "sql", statements: mergeUpsertSql(step) };
    case "recordSchema": {
      const r = step.row;
      return sql(
        insertValues(step.table, ["version", "engine_version", "inserted_at", "schema_name", "version_hash", "schema"], [
          integer(r.version),
          integer(r.engineVersion),
          timestamp(r.insertedAt),
          qs(r.schemaName),
          qs(r.versionHash),
          qs(r.schema),
        ]),
      );
    }
    case "recordLoad": {
      const r = step.row;
      return sql(
        insertValues(step.table, ["load_id", "schema_name", "status", "inserted_at", "schema_version_hash"], [
          qs(r.loadId),
          qs(r.schemaName),
          integer(r.status),
          timestamp(r.insertedAt),
          qs(r.schemaVersionHash),
        ]),
      );
    }
    default: {
      const unknownStep: never = step;
      throw new Error(`unknown load step ${JSON.stringify(unknownStep)}`);
    }
  }
}

/**
 * The statements that undo an interrupted step which is not idempotent (the local engine's
 * Iceberg tables are DuckDB tables; the journal line is written after DuckDB commits): an insert
 * deletes the rows of this load's staging table, `_dlt_loads` its load id row, `_dlt_version` the
 * rows of its version hash. Every other step is safe to repeat: `[]`.
 *
 * @example
 * duckdbUndoStatements(recordLoadStep); // ['DELETE FROM "awsdatacatalog"."shop"."_dlt_loads" WHERE "load_id" = \'1714392000.5\'']
 */
export function duckdbUndoStatements(step: LoadStep): readonly string[] {
  switch (step.kind) {
    case "insertFromStaging":
      if (!step.columns.includes("_dlt_id")) {
        throw new LoadError("undo_unavailable", `Cannot undo an interrupted insert into \`${step.target.table}\`: it has no \`_dlt_id\` column.`, {
          meta: { table: step.target.table },
        });
      }
      return [`DELETE FROM ${qualifiedName(step.target)} WHERE "_dlt_id" IN (SELECT "_dlt_id" FROM ${qualifiedName(step.staging)})`];
    case "recordLoad":
      return [`DELETE FROM ${qualifiedName(step.table)} WHERE "load_id" = ${qs(step.row.loadId)}`];
    case "recordSchema":
      return [`DELETE FROM ${qualifiedName(step.table)} WHERE "version_hash" = ${qs(step.row.versionHash)}`];
    default:
      return [];
  }
}

function sql(...statements: string[]): CompiledStep {
  return { kind: "sql", statements };
}

function columnDefinitions(columns: readonly PlannedColumn[]): string {
  return columns.map((c) => `${qi(c.name)} ${duckdbColumnType(c)}`).join(", ");
}

function hiveColumns(columns: readonly PlannedColumn[]): HiveColumn[] {
  return columns.map((c) => ({ name: c.name, type: duckdbColumnType(c) }));
}

/** Creates the (empty) view, then registers the table and its columns. */
function createHiveTable(step: Extract<LoadStep, { kind: "createExternalTable" }>, bucket: LocalBucket): string[] {
  const { table } = step;
  const columns = hiveColumns(step.columns);
  if (columns.length === 0) {
    throw new LoadError("invalid_plan_value", `The Hive table ${qualifiedName(table)} has no columns.`);
  }
  const folder = localFolderOf(step.location, bucket);
  const select = hiveViewSelect(columns, []);
  const columnRows = columns.map((c, i) => `(${qs(table.database)}, ${qs(table.table)}, ${i}, ${qs(c.name)}, ${qs(c.type)})`);
  const insertTable =
    `INSERT INTO ${registryTable(table.catalog, HIVE_TABLES)} VALUES ` +
    `(${qs(table.database)}, ${qs(table.table)}, ${qs(folder)}, ${qs(select)})${step.ifNotExists ? " ON CONFLICT DO NOTHING" : ""}`;
  // With IF NOT EXISTS an existing table keeps its columns, as on Athena.
  const insertColumns = step.ifNotExists
    ? `INSERT INTO ${registryTable(table.catalog, HIVE_COLUMNS)} SELECT * FROM (VALUES ${columnRows.join(", ")}) AS v ` +
      `WHERE NOT EXISTS (SELECT 1 FROM ${registryTable(table.catalog, HIVE_COLUMNS)} WHERE ${registryKey(table)}) ` +
      `ON CONFLICT DO NOTHING`
    : `INSERT INTO ${registryTable(table.catalog, HIVE_COLUMNS)} VALUES ${columnRows.join(", ")}`;
  // View first: the engine forgets registrations whose view is gone, and a name clash with an
  // existing table or view fails here before anything is registered.
  return [hiveViewDdl(table, select, step.ifNotExists ? "createIfNotExists" : "create"), insertTable, insertColumns];
}

/**
 * Appends columns to a registered Hive table (names it already has are skipped, so a rerun is
 * harmless); the engine then rebuilds the view. The first statement fails with an undefined
 * relation when the table does not exist, as Athena's ALTER would.
 */
function addHiveColumns(table: TableRef, columns: readonly PlannedColumn[]): string[] {
  const registry = registryTable(table.catalog, HIVE_COLUMNS);
  const rows = hiveColumns(columns).map((c, i) => `(${i + 1}, ${qs(c.name)}, ${qs(c.type)})`);
  return [
    `SELECT 1 FROM ${qualifiedName(table)} LIMIT 0`,
    `INSERT INTO ${registry} SELECT ${qs(table.database)}, ${qs(table.table)}, ` +
      `(SELECT coalesce(max("ordinal"), -1) FROM ${registry} WHERE ${registryKey(table)}) + v.k, v.n, v.t ` +
      `FROM (VALUES ${rows.join(", ")}) AS v(k, n, t) ON CONFLICT DO NOTHING`,
  ];
}

function unregisterHive(table: TableRef): string[] {
  return [
    `DELETE FROM ${registryTable(table.catalog, HIVE_COLUMNS)} WHERE ${registryKey(table)}`,
    `DELETE FROM ${registryTable(table.catalog, HIVE_TABLES)} WHERE ${registryKey(table)}`,
  ];
}

function registryKey(table: TableRef): string {
  return `"database" = ${qs(table.database)} AND "table_name" = ${qs(table.table)}`;
}

function insertValues(table: TableRef, columns: readonly string[], values: readonly string[]): string {
  return `INSERT INTO ${qualifiedName(table)} (${columns.map(qi).join(", ")}) VALUES (${values.join(", ")})`;
}

function integer(value: number): string {
  if (!Number.isSafeInteger(value)) {
    throw new LoadError("invalid_plan_value", `Expected an integer in a dlt table row, got ${String(value)}.`);
  }
  return String(value);
}

/** A UTC `TIMESTAMP '…'` literal with milliseconds. */
function timestamp(value: Date): string {
  if (Number.isNaN(value.getTime())) throw new LoadError("invalid_plan_value", "A dlt table row has an invalid date.");
  return `TIMESTAMP '${value.toISOString().replace("T", " ").replace("Z", "")}'`;
}
