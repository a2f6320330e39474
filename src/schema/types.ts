/**
 * The schema model shared by the normalizer, the writers and the destinations. Names follow dlt's
 * schema (tables, columns, hints), spelled in camelCase inside TypeScript.
 */

/** dlt's data types. `time` exists only by hint and is refused by Athena at load time. */
export type DataType =
  | "text"
  | "bigint"
  | "double"
  | "bool"
  | "timestamp"
  | "date"
  | "time"
  | "decimal"
  | "json"
  | "binary";

export const DATA_TYPES: readonly DataType[] = [
  "text",
  "bigint",
  "double",
  "bool",
  "timestamp",
  "date",
  "time",
  "decimal",
  "json",
  "binary",
];

/** `skip` is used only by dlt's own `_dlt_version` and `_dlt_loads` tables (written by the loader). */
export type WriteDisposition = "append" | "replace" | "merge" | "skip";
export type MergeStrategy = "delete-insert" | "upsert";
export type TableFormat = "hive" | "iceberg";

/** What happens to data that does not fit the schema. */
export type ContractMode = "evolve" | "freeze" | "discard_row" | "discard_value";

export interface SchemaContractSettings {
  readonly tables?: ContractMode;
  readonly columns?: ContractMode;
  readonly dataType?: ContractMode;
}

/** A contract given by the user: one mode for all entities, or one per entity. */
export type SchemaContract = ContractMode | SchemaContractSettings;

/** Hints a user can give for a column (resource `columns` option). */
export interface ColumnHint {
  readonly dataType?: DataType;
  readonly nullable?: boolean;
  readonly precision?: number;
  readonly scale?: number;
  readonly timezone?: boolean;
  readonly primaryKey?: boolean;
  readonly mergeKey?: boolean;
  readonly partition?: boolean;
  readonly unique?: boolean;
}

export interface ColumnSchema {
  readonly name: string;
  readonly dataType: DataType;
  readonly nullable: boolean;
  readonly precision?: number;
  readonly scale?: number;
  readonly timezone?: boolean;
  readonly primaryKey?: boolean;
  readonly mergeKey?: boolean;
  readonly partition?: boolean;
  /** A variant column (`<col>__v_<type>`) created for values that did not fit `<col>`. */
  readonly variant?: boolean;
  /** `_dlt_id`: the row key. */
  readonly rowKey?: boolean;
  /** `_dlt_parent_id`: the parent's row key. */
  readonly parentKey?: boolean;
  /** `_dlt_root_id`: the root row's key (propagated for merge). */
  readonly rootKey?: boolean;
  readonly unique?: boolean;
}

export interface TableSchema {
  readonly name: string;
  /** The parent table of a child (nested) table. */
  readonly parent?: string;
  /** Columns in their table order. */
  readonly columns: Readonly<Record<string, ColumnSchema>>;
  /** Set on root tables; child tables follow their root. */
  readonly writeDisposition?: WriteDisposition;
  readonly mergeStrategy?: MergeStrategy;
  readonly tableFormat?: TableFormat;
  readonly schemaContract?: SchemaContract;
  /** The resource that created the table. */
  readonly resource?: string;
  /** Unique suffix of an Iceberg table's location, fixed when the table is first created. */
  readonly locationTag?: string;
  /**
   * Hints for columns that have no data type yet (e.g. `primaryKey: "id"` before any data): the
   * column is created, with these hints, when its first value arrives.
   */
  readonly columnHints?: Readonly<Record<string, ColumnHint>>;
  /** True once a row was normalized into the table; tables that never saw data are not created. */
  readonly seenData?: boolean;
  /** Nesting depth beyond which dicts and lists stay `json` (root tables; default 1000). */
  readonly maxTableNesting?: number;
  /** Propagate `_dlt_root_id` to nested tables even without merge (dlt's `root_key` hint). */
  readonly rootKeyPropagation?: boolean;
}

export interface StoredSchema {
  readonly name: string;
  /** Increases by one each time the content changes. */
  readonly version: number;
  /** Hash of the content (tables and settings), not of the version number. */
  readonly versionHash: string;
  readonly previousHashes: readonly string[];
  readonly engineVersion: number;
  readonly tables: Readonly<Record<string, TableSchema>>;
  readonly settings: { readonly schemaContract?: SchemaContract };
}

/** The tables dlt keeps for itself. */
export const DLT_LOADS_TABLE = "_dlt_loads";
export const DLT_VERSION_TABLE = "_dlt_version";
export const DLT_STATE_TABLE = "_dlt_pipeline_state";
