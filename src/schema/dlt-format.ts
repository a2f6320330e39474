/**
 * dlt's stored schema format (what Python dlt writes to `_dlt_version.schema` and reads back):
 * snake_case keys, `engine_version`, dlt's hint names, nested-table normalizer hints under
 * `x-normalizer`, the merge strategy as `x-merge-strategy`, columns still waiting for a type as
 * columns without `data_type`. Our own extras travel as `x-dlt-athena-*` keys, which dlt keeps.
 */
import type { ColumnHint, ColumnSchema, DataType, StoredSchema, TableSchema } from "./types.js";

/** dlt 1.31's schema engine version. */
export const DLT_SCHEMA_ENGINE_VERSION = 11;

type Json = Record<string, unknown>;

/** Our column keys and dlt's, for the flags both know. */
const COLUMN_KEYS: ReadonlyArray<readonly [keyof ColumnSchema & string, string]> = [
  ["dataType", "data_type"],
  ["nullable", "nullable"],
  ["precision", "precision"],
  ["scale", "scale"],
  ["timezone", "timezone"],
  ["primaryKey", "primary_key"],
  ["mergeKey", "merge_key"],
  ["partition", "partition"],
  ["unique", "unique"],
  ["variant", "variant"],
  ["rowKey", "row_key"],
  ["parentKey", "parent_key"],
  ["rootKey", "root_key"],
];

const CONTRACT_KEYS: ReadonlyArray<readonly [string, string]> = [
  ["tables", "tables"],
  ["columns", "columns"],
  ["dataType", "data_type"],
];

function contractToDlt(contract: unknown): unknown {
  if (contract === undefined || typeof contract === "string") return contract;
  const source = contract as Json;
  return Object.fromEntries(CONTRACT_KEYS.filter(([ours]) => source[ours] !== undefined).map(([ours, theirs]) => [theirs, source[ours]]));
}

function contractFromDlt(contract: unknown): unknown {
  if (contract === undefined || contract === null || typeof contract === "string") return contract ?? undefined;
  const source = contract as Json;
  return Object.fromEntries(CONTRACT_KEYS.filter(([, theirs]) => source[theirs] !== undefined).map(([ours, theirs]) => [ours, source[theirs]]));
}

function columnToDlt(column: Partial<ColumnSchema> & { name: string }): Json {
  const out: Json = { name: column.name };
  for (const [ours, theirs] of COLUMN_KEYS) {
    const value = column[ours];
    if (value !== undefined) out[theirs] = value;
  }
  return out;
}

function columnFromDlt(column: Json): Partial<ColumnSchema> & { name: string } {
  const out: Record<string, unknown> = { name: String(column.name) };
  for (const [ours, theirs] of COLUMN_KEYS) {
    const value = column[theirs];
    if (value !== undefined && value !== null) out[ours] = value;
  }
  return out as Partial<ColumnSchema> & { name: string };
}

function tableToDlt(table: TableSchema): Json {
  const columns: Json = {};
  for (const column of Object.values(table.columns)) columns[column.name] = columnToDlt(column);
  // Hint-only columns are dlt's incomplete columns: present, without a data type.
  for (const [name, hint] of Object.entries(table.columnHints ?? {})) {
    if (columns[name] === undefined) columns[name] = columnToDlt({ ...(hint as Partial<ColumnSchema>), name });
  }
  const normalizer: Json = {};
  if (table.seenData === true) normalizer["seen-data"] = true;
  if (table.maxTableNesting !== undefined) normalizer.max_nesting = table.maxTableNesting;
  if (table.rootKeyPropagation !== undefined) normalizer.root_key_propagation = table.rootKeyPropagation;
  const out: Json = { name: table.name };
  if (table.parent !== undefined) out.parent = table.parent;
  out.columns = columns;
  if (table.writeDisposition !== undefined) out.write_disposition = table.writeDisposition;
  if (table.mergeStrategy !== undefined) out["x-merge-strategy"] = table.mergeStrategy;
  if (table.tableFormat !== undefined) out.table_format = table.tableFormat;
  if (table.schemaContract !== undefined) out.schema_contract = contractToDlt(table.schemaContract);
  if (table.resource !== undefined) out.resource = table.resource;
  if (Object.keys(normalizer).length > 0) out["x-normalizer"] = normalizer;
  if (table.locationTag !== undefined) out["x-dlt-athena-location-tag"] = table.locationTag;
  return out;
}

function tableFromDlt(name: string, table: Json): TableSchema {
  const columns: Record<string, ColumnSchema> = {};
  const hints: Record<string, ColumnHint> = {};
  for (const raw of Object.values((table.columns ?? {}) as Record<string, Json>)) {
    const column = columnFromDlt(raw);
    if (column.dataType === undefined) {
      const { name: hinted, ...hint } = column;
      hints[hinted] = hint as ColumnHint;
    } else {
      columns[column.name] = { ...column, dataType: column.dataType as DataType, nullable: column.nullable ?? true } as ColumnSchema;
    }
  }
  const normalizer = (table["x-normalizer"] ?? {}) as Json;
  const out: Record<string, unknown> = { name: typeof table.name === "string" ? table.name : name, columns };
  const set = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) out[key] = value;
  };
  set("parent", table.parent);
  set("writeDisposition", table.write_disposition);
  set("mergeStrategy", table["x-merge-strategy"]);
  set("tableFormat", table.table_format);
  set("schemaContract", contractFromDlt(table.schema_contract));
  set("resource", table.resource);
  set("locationTag", table["x-dlt-athena-location-tag"]);
  if (Object.keys(hints).length > 0) out.columnHints = hints;
  if (normalizer["seen-data"] === true) out.seenData = true;
  set("maxTableNesting", normalizer.max_nesting);
  set("rootKeyPropagation", normalizer.root_key_propagation);
  return out as unknown as TableSchema;
}

/**
 * Our stored schema in dlt's format, for `_dlt_version.schema`.
 *
 * @example
 * toDltStoredSchema(new Schema("shop").toJSON()).engine_version; // 11
 */
export function toDltStoredSchema(stored: StoredSchema): Json {
  const contract = contractToDlt(stored.settings.schemaContract);
  return {
    version: stored.version,
    version_hash: stored.versionHash,
    engine_version: DLT_SCHEMA_ENGINE_VERSION,
    name: stored.name,
    tables: Object.fromEntries(Object.values(stored.tables).map((t) => [t.name, tableToDlt(t)])),
    settings: {
      detections: ["iso_timestamp"],
      default_hints: {
        not_null: ["_dlt_id", "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx", "_dlt_load_id"],
        parent_key: ["_dlt_parent_id"],
        root_key: ["_dlt_root_id"],
        unique: ["_dlt_id"],
        row_key: ["_dlt_id"],
      },
      ...(contract === undefined ? {} : { schema_contract: contract }),
    },
    normalizers: { names: "snake_case", json: { module: "dlt.common.normalizers.json.relational" } },
    previous_hashes: [...stored.previousHashes],
  };
}

/** Whether a decoded `_dlt_version.schema` is in dlt's format (as opposed to our camelCase one). */
export function isDltStoredSchema(value: unknown): boolean {
  return typeof value === "object" && value !== null && "engine_version" in value && !("engineVersion" in value);
}

/**
 * A schema dlt stored (or we stored in dlt's format) as our stored schema.
 *
 * @example
 * fromDltStoredSchema(toDltStoredSchema(stored)).tables; // the same tables
 */
export function fromDltStoredSchema(doc: Json, engineVersion: number): StoredSchema {
  const settings = (doc.settings ?? {}) as Json;
  const contract = contractFromDlt(settings.schema_contract);
  const tables = Object.fromEntries(
    Object.entries((doc.tables ?? {}) as Record<string, Json>).map(([name, table]) => [name, tableFromDlt(name, table)]),
  );
  return {
    name: String(doc.name),
    version: Number(doc.version ?? 1),
    versionHash: String(doc.version_hash ?? ""),
    previousHashes: ((doc.previous_hashes ?? []) as unknown[]).map(String),
    engineVersion,
    tables,
    settings: contract === undefined ? {} : { schemaContract: contract as StoredSchema["settings"]["schemaContract"] },
  };
}
