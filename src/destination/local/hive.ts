/**
 * Hive external tables on DuckDB. Athena reads every file under a table's LOCATION at query time;
 * DuckDB cannot express that as a plain view, because `read_parquet` fails with "No files found"
 * when a glob matches nothing (verified on 1.5.6, also when the glob is one entry of a list next
 * to a file that exists). So a Hive table is a VIEW over an explicit list of files plus a registry
 * (its folder and declared columns) in the engine's own schema; the engine re-lists a table's folder
 * before every statement that names it and re-creates the view when its file list changed (`engine.ts`). The view:
 *
 * - casts every declared column to its DDL type, matching columns by name (`union_by_name`);
 * - reads a declared column that no file has as NULL (a typed-NULL row source unioned BY NAME);
 * - with no files yet, is an empty relation with the declared columns and types.
 *
 * Everything here is pure text building; the dialect and the engine share it.
 */
import { LoadError } from "../../errors.js";
import { quoteDuckDBIdentifier as qi, quoteDuckDBString as qs } from "../../writers/duckdb-types.js";
import type { TableRef } from "../plan.js";

/** The engine's own schema in the catalog: the Hive registry lives there, hidden from discovery. */
export const ENGINE_SCHEMA = "_dlt_local_engine";
export const HIVE_TABLES = "hive_tables";
export const HIVE_COLUMNS = "hive_columns";

/** A declared Hive column: its name and DuckDB type. */
export interface HiveColumn {
  readonly name: string;
  readonly type: string;
}

/**
 * `"catalog"."schema"."table"` in DuckDB quoting.
 *
 * @example
 * qualifiedName({ catalog: "awsdatacatalog", database: "shop_data", table: "orders" });
 * // "\"awsdatacatalog\".\"shop_data\".\"orders\""
 */
export function qualifiedName(ref: TableRef): string {
  return `${qi(ref.catalog)}.${qi(ref.database)}.${qi(ref.table)}`;
}

/** A registry table of the engine schema, qualified in `catalog`. */
export function registryTable(catalog: string, name: typeof HIVE_TABLES | typeof HIVE_COLUMNS): string {
  return `${qi(catalog)}.${qi(ENGINE_SCHEMA)}.${qi(name)}`;
}

/** DDL the engine runs when it opens a database: the engine schema and the Hive registry. */
export function registryDdl(catalog: string): readonly string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${qi(catalog)}.${qi(ENGINE_SCHEMA)}`,
    `CREATE TABLE IF NOT EXISTS ${registryTable(catalog, HIVE_TABLES)} (` +
      `"database" VARCHAR NOT NULL, "table_name" VARCHAR NOT NULL, "folder" VARCHAR NOT NULL, ` +
      `"view_sql" VARCHAR NOT NULL, PRIMARY KEY ("database", "table_name"))`,
    `CREATE TABLE IF NOT EXISTS ${registryTable(catalog, HIVE_COLUMNS)} (` +
      `"database" VARCHAR NOT NULL, "table_name" VARCHAR NOT NULL, "ordinal" INTEGER NOT NULL, ` +
      `"column_name" VARCHAR NOT NULL, "column_type" VARCHAR NOT NULL, PRIMARY KEY ("database", "table_name", "column_name"))`,
  ];
}

/**
 * The SELECT of a Hive view over `files` (absolute paths). Pure; the same inputs give the same
 * text, so the engine can compare it with the stored one to see whether a view is stale.
 *
 * @example
 * hiveViewSelect([{ name: "id", type: "BIGINT" }], []);
 * // "SELECT CAST(NULL AS BIGINT) AS \"id\" WHERE false"
 */
export function hiveViewSelect(columns: readonly HiveColumn[], files: readonly string[]): string {
  if (files.length === 0) {
    return `SELECT ${columns.map((c) => `CAST(NULL AS ${c.type}) AS ${qi(c.name)}`).join(", ")} WHERE false`;
  }
  // The NULL row source makes every declared column exist even when no file has it; UNION BY
  // NAME gives it the files' type where they have it, and the outer CAST the declared type.
  const nulls = columns.map((c) => `NULL AS ${qi(c.name)}`).join(", ");
  const casts = columns.map((c) => `CAST(${qi(c.name)} AS ${c.type}) AS ${qi(c.name)}`).join(", ");
  const list = files.map(qs).join(", ");
  return (
    `SELECT ${casts} FROM (SELECT ${nulls} WHERE false UNION ALL BY NAME ` +
    `SELECT * FROM read_parquet([${list}], union_by_name = true)) AS "_dlt_files"`
  );
}

/**
 * A view SELECT with the declared columns that raises `reason` when queried (DuckDB's `error()`
 * runs on the single row of a FROM-less SELECT).
 *
 * @example
 * hiveErrorSelect([{ name: "id", type: "BIGINT" }], "bad file");
 * // "SELECT CAST(NULL AS BIGINT) AS \"id\" WHERE error('bad file') IS NULL"
 */
export function hiveErrorSelect(columns: readonly HiveColumn[], reason: string): string {
  return `SELECT ${columns.map((c) => `CAST(NULL AS ${c.type}) AS ${qi(c.name)}`).join(", ")} WHERE error(${qs(reason)}) IS NULL`;
}

/** `CREATE [OR REPLACE] VIEW` of a Hive table. */
export function hiveViewDdl(
  ref: TableRef,
  select: string,
  mode: "create" | "createIfNotExists" | "replace",
): string {
  const head = mode === "replace" ? "CREATE OR REPLACE VIEW" : mode === "createIfNotExists" ? "CREATE VIEW IF NOT EXISTS" : "CREATE VIEW";
  return `${head} ${qualifiedName(ref)} AS ${select}`;
}

/** Where a bucket URL's objects live locally. */
export interface LocalBucket {
  /** Absolute folder that plays the bucket. */
  readonly bucketRoot: string;
  /** The bucket URL the plan's locations start with; default `file://<bucketRoot>`. */
  readonly bucketUrl?: string;
}

/**
 * The local folder (absolute, ending in `/`) of a table LOCATION. A `file://` location is its own
 * path; any other location must start with the bucket URL, and its key maps under `bucketRoot`,
 * so `s3://lake/raw/shop/orders/` with bucket URL `s3://lake/raw` is `<bucketRoot>/shop/orders/`.
 *
 * @example
 * localFolderOf("s3://lake/raw/shop/orders/", { bucketRoot: "/p/bucket", bucketUrl: "s3://lake/raw" });
 * // "/p/bucket/shop/orders/"
 */
export function localFolderOf(location: string, bucket: LocalBucket): string {
  const root = trimSlashes(bucket.bucketRoot);
  const url = trimSlashes(bucket.bucketUrl ?? `file://${root}`);
  let path: string | undefined;
  if (location.startsWith(`${url}/`)) {
    path = `${root}/${location.slice(url.length + 1)}`;
  } else if (location.startsWith("file:///")) {
    path = decodeURIComponent(location.slice("file://".length));
  }
  if (path === undefined || path.split("/").some((part) => part === "..")) {
    throw new LoadError(
      "unsupported_local_location",
      `The table location '${location}' is not under the local bucket ${url}; local mode needs a file:// bucket_url or locations under the configured bucket URL.`,
      { meta: { location, bucketUrl: url } },
    );
  }
  return `${trimSlashes(path)}/`;
}

function trimSlashes(text: string): string {
  return text.replace(/\/+$/, "");
}
