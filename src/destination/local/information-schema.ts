/**
 * Athena's `information_schema` on the local engine. DuckDB keeps `information_schema` in its
 * `system` catalog only: `"awsdatacatalog".INFORMATION_SCHEMA.COLUMNS` fails to bind (verified on
 * 1.5.6), and a schema of that name cannot be created in an attached database. So the engine
 * serves temporary views with Athena's columns and lower-case Athena type names, limited to its
 * catalog and without its own registry schema, and rewrites references to
 * `[<catalog>.]information_schema.{columns,tables,schemata}` in each statement to them.
 *
 * The rewrite is textual: the same words inside a string literal would be rewritten too.
 */
import { quoteDuckDBString as qs } from "../../writers/duckdb-types.js";
import { ENGINE_SCHEMA } from "./hive.js";
import { athenaTypeNameSql } from "./types.js";

const VIEWS = ["columns", "tables", "schemata"] as const;

/** Name of the temporary view that stands for `information_schema.<name>`. */
function viewName(name: string): string {
  return `temp.main."dlt_local_${name.toLowerCase()}"`;
}

/**
 * The `CREATE OR REPLACE TEMP VIEW` statements for one catalog (run on every new connection).
 *
 * @example
 * informationSchemaViews("awsdatacatalog").length; // 3
 */
export function informationSchemaViews(catalog: string): readonly string[] {
  const own = `${qs(catalog)} AND table_schema <> ${qs(ENGINE_SCHEMA)}`;
  return [
    `CREATE OR REPLACE TEMP VIEW "dlt_local_columns" AS SELECT table_catalog, table_schema, table_name, column_name, ` +
      `ordinal_position, column_default, is_nullable, ${athenaTypeNameSql("data_type")} AS data_type, ` +
      `CAST(NULL AS VARCHAR) AS comment, CAST(NULL AS VARCHAR) AS extra_info ` +
      `FROM system.information_schema.columns WHERE table_catalog = ${own}`,
    // Athena lists external and Iceberg tables alike as BASE TABLE; Hive tables are views here.
    `CREATE OR REPLACE TEMP VIEW "dlt_local_tables" AS SELECT table_catalog, table_schema, table_name, ` +
      `'BASE TABLE' AS table_type FROM system.information_schema.tables WHERE table_catalog = ${own}`,
    `CREATE OR REPLACE TEMP VIEW "dlt_local_schemata" AS SELECT catalog_name, schema_name ` +
      `FROM system.information_schema.schemata WHERE catalog_name = ${qs(catalog)} AND schema_name <> ${qs(ENGINE_SCHEMA)}`,
  ];
}

/**
 * Rewrites `information_schema` references (optionally qualified by `catalog`, quoted or not,
 * any case) to the engine's views.
 *
 * @example
 * rewriteInformationSchema('SELECT * FROM "awsdatacatalog".INFORMATION_SCHEMA.COLUMNS', "awsdatacatalog");
 * // 'SELECT * FROM temp.main."dlt_local_columns"'
 */
export function rewriteInformationSchema(sql: string, catalog: string): string {
  if (!/information_schema/i.test(sql)) return sql;
  const cat = catalog.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const names = VIEWS.join("|");
  const pattern = new RegExp(
    `(?<![\\w."])(?:(?:"${cat}"|${cat})\\s*\\.\\s*)?(?:"information_schema"|information_schema)\\s*\\.\\s*` +
      `(?:"(${names})"|(${names}))(?![\\w"])`,
    "gi",
  );
  return sql.replace(pattern, (_match, quoted: string | undefined, bare: string | undefined) =>
    viewName(quoted ?? bare ?? ""),
  );
}
