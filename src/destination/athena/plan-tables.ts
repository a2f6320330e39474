/**
 * The planner's view of the schema: for each table of a load, its root, effective table format
 * and write disposition (child tables follow their root), whether the package has files for it,
 * and whether it belongs in the destination at all. Pure.
 */
import { createHash } from "node:crypto";

import { LoadError } from "../../errors.js";
import {
  DLT_LOADS_TABLE,
  DLT_STATE_TABLE,
  DLT_VERSION_TABLE,
  type StoredSchema,
  type TableFormat,
  type TableSchema,
  type WriteDisposition,
} from "../../schema/types.js";
import { assertSafeIdentifier } from "./quote.js";
import { athenaType } from "./type-mapper.js";

/** A table of the schema as the planner sees it. Names are lower-cased. */
export interface ResolvedTable {
  readonly name: string;
  readonly schema: TableSchema;
  readonly root: string;
  readonly format: TableFormat;
  readonly disposition: WriteDisposition;
  /** `_dlt_version`, `_dlt_loads`, `_dlt_pipeline_state`: always Iceberg. */
  readonly isDltTable: boolean;
  readonly hasFiles: boolean;
  /** Lower-cased column names in table order. */
  readonly columns: readonly string[];
}

const DLT_TABLES = new Set([DLT_VERSION_TABLE, DLT_LOADS_TABLE, DLT_STATE_TABLE]);

/**
 * Resolves every table of the schema, in schema order. Validates names (collisions after
 * lower-casing, unsafe characters) and column types of the tables that get DDL or data.
 *
 * @throws LoadError `unknown_table` (a file for a table the schema lacks), `identifier_collision`,
 *   `unsafe_identifier`, `unsupported_data_type`.
 * @example
 * resolveTables(schema, new Set(["orders"]), false).get("orders")?.format; // "hive"
 */
export function resolveTables(
  schema: StoredSchema,
  tablesWithFiles: ReadonlySet<string>,
  forceIceberg: boolean,
  deployedFormatOf: (table: string) => TableFormat | undefined = () => undefined,
): Map<string, ResolvedTable> {
  const byName = new Map<string, TableSchema>();
  for (const table of Object.values(schema.tables)) {
    const name = table.name.toLowerCase();
    if (byName.has(name)) throw collision("table", name, schema.name);
    assertSafeIdentifier(table.name, "table name");
    byName.set(name, table);
  }
  for (const table of tablesWithFiles) {
    if (!byName.has(table)) {
      throw new LoadError("unknown_table", `The load package has files for table \`${table}\`, which schema \`${schema.name}\` does not define.`, {
        meta: { table, schema: schema.name },
      });
    }
  }
  const resolved = new Map<string, ResolvedTable>();
  for (const [name, table] of byName) {
    const root = rootOf(name, byName);
    const rootTable = byName.get(root) ?? table;
    const isDltTable = DLT_TABLES.has(name);
    const format: TableFormat = isDltTable ? "iceberg" : formatOf(rootTable, root, forceIceberg, deployedFormatOf);
    const entry: ResolvedTable = {
      name,
      schema: table,
      root,
      format,
      disposition: rootTable.writeDisposition ?? "append",
      isDltTable,
      hasFiles: tablesWithFiles.has(name),
      columns: columnNames(table),
    };
    if (isDeployable(entry)) validateColumns(entry);
    resolved.set(name, entry);
  }
  return resolved;
}

/**
 * Whether a table belongs in the destination: dlt's version and loads tables always; other
 * tables once they saw data (or have files now). Planning DDL for all of them, not only those
 * with files, is what makes "schema version already recorded" imply "every table is deployed".
 *
 * @example
 * isDeployable({ ...t, hasFiles: false, schema: { ...t.schema, seenData: true } }); // true
 */
export function isDeployable(table: ResolvedTable): boolean {
  if (table.name === DLT_VERSION_TABLE || table.name === DLT_LOADS_TABLE) return true;
  return table.hasFiles || table.schema.seenData === true;
}

/** Whether the table's data is staged and copied by DML (Iceberg data tables, state included). */
export function isStagedIceberg(table: ResolvedTable): boolean {
  return table.format === "iceberg" && table.name !== DLT_VERSION_TABLE && table.name !== DLT_LOADS_TABLE && isDeployable(table);
}

/**
 * A deterministic 12-hex-char tag: sha256 of the parts joined by `\u0000` (which no name contains).
 *
 * @example
 * hashTag(["shop", "orders", "1714392000.1234567"], 12); // "3f9a0c7e21bd"-like
 */
export function hashTag(parts: readonly string[], length = 12): string {
  return createHash("sha256").update(parts.join("\u0000"), "utf8").digest("hex").slice(0, length);
}

/**
 * A table's format: the resource's `table_format`, else what the destination records for an
 * existing table (whichever pipeline created it), else Iceberg for a table this pipeline created
 * as Iceberg (it has a location tag), else `force_iceberg`, else Hive. Conflicts between an
 * explicit choice and the deployed table are the planner's to refuse.
 */
function formatOf(root: TableSchema, rootName: string, forceIceberg: boolean, deployedFormatOf: (table: string) => TableFormat | undefined): TableFormat {
  if (root.tableFormat !== undefined) return root.tableFormat;
  const deployed = deployedFormatOf(rootName);
  if (deployed !== undefined && !(deployed === "hive" && forceIceberg)) return deployed;
  if (root.locationTag !== undefined) return "iceberg";
  return forceIceberg ? "iceberg" : "hive";
}

function rootOf(name: string, tables: ReadonlyMap<string, TableSchema>): string {
  let current = name;
  const seen = new Set<string>();
  for (;;) {
    const parent = tables.get(current)?.parent?.toLowerCase();
    if (parent === undefined) return current;
    if (seen.has(parent) || !tables.has(parent)) {
      throw new LoadError("invalid_schema", `Table \`${name}\` has a broken parent chain at \`${current}\` → \`${parent}\`.`, {
        meta: { table: name, parent },
      });
    }
    seen.add(current);
    current = parent;
  }
}

function columnNames(table: TableSchema): string[] {
  const names: string[] = [];
  for (const column of Object.values(table.columns)) {
    const name = column.name.toLowerCase();
    if (names.includes(name)) throw collision("column", name, table.name);
    assertSafeIdentifier(column.name, `column name in table \`${table.name}\``);
    names.push(name);
  }
  return names;
}

function validateColumns(table: ResolvedTable): void {
  for (const column of Object.values(table.schema.columns)) athenaType(column, table.format, table.name);
}

function collision(what: string, name: string, owner: string): LoadError {
  return new LoadError(
    "identifier_collision",
    `Two ${what} names in \`${owner}\` become \`${name}\` once lower-cased; Athena is case-insensitive. Use a case-insensitive naming convention or rename one of them.`,
    { meta: { what, name, owner } },
  );
}
