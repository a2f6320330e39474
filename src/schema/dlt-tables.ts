/**
 * dlt's own tables and columns (`dlt/common/schema/utils.py`). Column order is fixed: the loader
 * writes these tables with positional column lists, and new columns are only ever appended.
 */
import {
  DLT_LOADS_TABLE,
  DLT_STATE_TABLE,
  DLT_VERSION_TABLE,
  type ColumnSchema,
  type DataType,
  type TableSchema,
} from "./types.js";

/** The schema engine version dlt stores in `_dlt_version.engine_version`. */
export const SCHEMA_ENGINE_VERSION = 11;

export const C_DLT_ID = "_dlt_id";
export const C_DLT_LOAD_ID = "_dlt_load_id";
export const C_DLT_PARENT_ID = "_dlt_parent_id";
export const C_DLT_ROOT_ID = "_dlt_root_id";
export const C_DLT_LIST_IDX = "_dlt_list_idx";

const col = (name: string, dataType: DataType, nullable = false, extra: Partial<ColumnSchema> = {}): ColumnSchema => ({
  name,
  dataType,
  nullable,
  ...extra,
});

const tableOf = (name: string, columns: readonly ColumnSchema[], extra: Partial<TableSchema>): TableSchema => ({
  name,
  columns: Object.fromEntries(columns.map((c) => [c.name, c])),
  ...extra,
});

/**
 * `_dlt_version`: one row per stored schema version.
 *
 * @example
 * Object.keys(versionTableSchema().columns)[0]; // "version"
 */
export function versionTableSchema(): TableSchema {
  return tableOf(
    DLT_VERSION_TABLE,
    [
      col("version", "bigint"),
      col("engine_version", "bigint"),
      col("inserted_at", "timestamp"),
      col("schema_name", "text"),
      col("version_hash", "text"),
      col("schema", "text"),
    ],
    { writeDisposition: "skip", resource: DLT_VERSION_TABLE },
  );
}

/**
 * `_dlt_loads`: one row per completed load package (`status` 0).
 *
 * @example
 * loadsTableSchema().columns.load_id?.precision; // 64
 */
export function loadsTableSchema(): TableSchema {
  return tableOf(
    DLT_LOADS_TABLE,
    [
      col("load_id", "text", false, { precision: 64 }),
      col("schema_name", "text", true),
      col("status", "bigint"),
      col("inserted_at", "timestamp"),
      col("schema_version_hash", "text", true),
    ],
    { writeDisposition: "skip", resource: DLT_LOADS_TABLE },
  );
}

/**
 * `_dlt_pipeline_state`: loaded like data (append); `_dlt_id` is added by the normalizer.
 *
 * @example
 * stateTableSchema().writeDisposition; // "append"
 */
export function stateTableSchema(): TableSchema {
  return tableOf(
    DLT_STATE_TABLE,
    [
      col("version", "bigint"),
      col("engine_version", "bigint"),
      col("pipeline_name", "text"),
      col("state", "text"),
      col("created_at", "timestamp"),
      col("version_hash", "text", true),
      col(C_DLT_LOAD_ID, "text"),
    ],
    { writeDisposition: "append", resource: DLT_STATE_TABLE },
  );
}

/**
 * The column definition of a normalizer-made `_dlt_*` column (all NOT NULL), or `undefined` for
 * other names.
 *
 * @example
 * dltColumnSchema("_dlt_id"); // { name: "_dlt_id", dataType: "text", nullable: false, unique: true, rowKey: true }
 */
export function dltColumnSchema(name: string): ColumnSchema | undefined {
  switch (name) {
    case C_DLT_ID:
      return col(name, "text", false, { unique: true, rowKey: true });
    case C_DLT_LOAD_ID:
      return col(name, "text");
    case C_DLT_PARENT_ID:
      return col(name, "text", false, { parentKey: true });
    case C_DLT_ROOT_ID:
      return col(name, "text", false, { rootKey: true });
    case C_DLT_LIST_IDX:
      return col(name, "bigint");
    default:
      return undefined;
  }
}
