/**
 * A load plan: what one load package needs done in the destination, as data. The planner
 * (`athena/planner.ts`, pure) produces it; a dialect compiles each step to SQL (`athena/dialect.ts`
 * for Athena, `local/dialect.ts` for the embedded DuckDB engine); the executor runs the compiled
 * steps wave by wave and journals each step in the load package, so a rerun skips what finished.
 *
 * Names in a plan are final: normalized by the naming convention and lower-cased.
 */
import type { DataType, TableFormat } from "../schema/types.js";

/** A fully qualified table: `catalog`.`database`.`table`. */
export interface TableRef {
  readonly catalog: string;
  readonly database: string;
  readonly table: string;
}

/** A column as DDL needs it. */
export interface PlannedColumn {
  readonly name: string;
  readonly dataType: DataType;
  readonly precision?: number;
  readonly scale?: number;
}

/** One Parquet file of the package and where it goes. */
export interface PlannedFile {
  /** The job file name in the package (`<table>.<file_id>.0.parquet`). */
  readonly job: string;
  readonly table: string;
  /** Absolute path of the file in the load package. */
  readonly localPath: string;
  /** Key relative to the bucket URL: `<dataset>/<rendered layout>`. */
  readonly key: string;
}

/** The rows dlt keeps about a schema version (`_dlt_version`). */
export interface SchemaVersionRow {
  readonly version: number;
  readonly engineVersion: number;
  readonly insertedAt: Date;
  readonly schemaName: string;
  readonly versionHash: string;
  /** The schema as JSON text. */
  readonly schema: string;
}

/** The row recording a completed load (`_dlt_loads`). */
export interface LoadRow {
  readonly loadId: string;
  readonly schemaName: string;
  /** 0 = completed. */
  readonly status: number;
  readonly insertedAt: Date;
  readonly schemaVersionHash: string;
}

/** A table of a merge chain: the final table and its staging copy. */
export interface MergeTable {
  readonly target: TableRef;
  readonly staging: TableRef;
  /** Columns copied, in table order. */
  readonly columns: readonly string[];
  /**
   * False when the package has no files for this table: its staging folder was emptied, so the
   * statements that only copy its staging rows may be skipped (reading them would find nothing).
   * Default true.
   */
  readonly hasFiles?: boolean;
}

export type LoadStep =
  /** `CREATE DATABASE IF NOT EXISTS` (dlt has no IF NOT EXISTS and fails on a concurrent create). */
  | { readonly kind: "createDatabase"; readonly catalog: string; readonly database: string }
  /** A Hive external table over the Parquet files under `location` (ends with `/`). */
  | {
      readonly kind: "createExternalTable";
      readonly table: TableRef;
      readonly columns: readonly PlannedColumn[];
      readonly location: string;
      readonly ifNotExists: boolean;
    }
  /** An Iceberg table at a location no other table used (a unique tag in the path). */
  | {
      readonly kind: "createIcebergTable";
      readonly table: TableRef;
      readonly columns: readonly PlannedColumn[];
      readonly location: string;
      /** Partition transforms, already rendered with DDL-quoted columns, e.g. "month(`created_at`)". */
      readonly partitions: readonly string[];
      readonly ifNotExists: boolean;
    }
  /** `ALTER TABLE … ADD COLUMNS (…)`; never retypes or drops. */
  | { readonly kind: "addColumns"; readonly table: TableRef; readonly format: TableFormat; readonly columns: readonly PlannedColumn[] }
  | { readonly kind: "dropTable"; readonly table: TableRef }
  /**
   * Deletes every file under the folders of these tables in `<bucket_url>/<dataset>/` (replace on
   * Hive tables; emptying staging tables before a load's files are staged).
   */
  | { readonly kind: "deleteTableFiles"; readonly dataset: string; readonly tables: readonly string[] }
  | { readonly kind: "uploadFiles"; readonly files: readonly PlannedFile[] }
  /** `INSERT INTO target(cols) SELECT cols FROM staging` (Iceberg append). */
  | { readonly kind: "insertFromStaging"; readonly target: TableRef; readonly staging: TableRef; readonly columns: readonly string[] }
  /** `DELETE FROM table WHERE 1=1` (Iceberg replace; Athena has no TRUNCATE). */
  | { readonly kind: "deleteAll"; readonly table: TableRef }
  /** `DELETE FROM table WHERE column IN (values)`: `pipeline drop` on dlt's Iceberg tables; no values, no statement. */
  | { readonly kind: "deleteRows"; readonly table: TableRef; readonly column: string; readonly values: readonly string[] }
  /**
   * dlt's `delete-insert` merge of a table chain through helper tables in the staging database
   * (Athena has neither temporary tables nor correlated DELETE): delete the target rows whose keys
   * appear in staging (root by `_dlt_id`, children by `rootKey`), then insert the staging rows,
   * deduplicated by primary key.
   */
  | {
      readonly kind: "mergeDeleteInsert";
      readonly root: MergeTable;
      readonly children: readonly (MergeTable & { readonly rootKey: "_dlt_root_id" | "_dlt_parent_id" })[];
      readonly primaryKey: readonly string[];
      readonly mergeKey: readonly string[];
      /**
       * Helper tables (staging database), dropped after use. The Athena dialect needs `deleteKeys`
       * only for compound keys (single-column keys delete with a plain `IN` subquery) and
       * `insertKeys` only when a primary key dedups a root with child tables.
       */
      readonly deleteKeys: TableRef;
      readonly insertKeys: TableRef;
    }
  /**
   * dlt's `upsert` merge: `MERGE INTO` the root on the primary key and every child on `_dlt_id`,
   * then delete child rows of merged roots that the new data no longer has.
   */
  | {
      readonly kind: "mergeUpsert";
      readonly root: MergeTable;
      /** `rootKey` links a child to the root row; default `_dlt_root_id`. */
      readonly children: readonly (MergeTable & { readonly rootKey?: "_dlt_root_id" | "_dlt_parent_id" })[];
      readonly primaryKey: readonly string[];
    }
  /** A row of `_dlt_version` (split into several INSERTs if it would pass Athena's query size limit). */
  | { readonly kind: "recordSchema"; readonly table: TableRef; readonly row: SchemaVersionRow }
  /** The `_dlt_loads` row; always the last step of a plan. */
  | { readonly kind: "recordLoad"; readonly table: TableRef; readonly row: LoadRow };

export type LoadStepKind = LoadStep["kind"];

/** Steps of one wave are independent and may run concurrently; waves run in order. */
export interface LoadPlan {
  readonly loadId: string;
  readonly waves: readonly (readonly LoadStep[])[];
  /** Warnings for the load summary (e.g. merge on a Hive table falling back to append). */
  readonly warnings: readonly string[];
  /** Location tags given to Iceberg tables created by this plan, to record in the schema. */
  readonly locationTags: Readonly<Record<string, string>>;
}

/** A stable id per step for the load package's journal: `<wave>.<index>.<kind>`. */
export function stepId(wave: number, index: number, step: LoadStep): string {
  return `${wave}.${index}.${step.kind}`;
}

/**
 * The tables a SQL step writes, root table first; file steps write none (they touch folders).
 *
 * @example tablesWrittenBy({ kind: "deleteAll", table }); // [table]
 */
export function tablesWrittenBy(step: LoadStep): TableRef[] {
  switch (step.kind) {
    case "createDatabase":
    case "deleteTableFiles":
    case "uploadFiles":
      return [];
    case "createExternalTable":
    case "createIcebergTable":
    case "addColumns":
    case "dropTable":
    case "deleteAll":
    case "deleteRows":
    case "recordSchema":
    case "recordLoad":
      return [step.table];
    case "insertFromStaging":
      return [step.target];
    case "mergeDeleteInsert":
    case "mergeUpsert":
      return [step.root, ...step.children].map((t) => t.target);
    default: {
      const unknown: never = step;
      throw new Error(`unknown step ${(unknown as LoadStep).kind}`);
    }
  }
}
