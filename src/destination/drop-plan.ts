/**
 * What `pipeline <name> drop` removes, as plan steps (reference §6.8, §11.6, §14): the pipeline's
 * data tables in the dataset and their staging copies (`dropTable`), the staged files of its Hive
 * tables, its schema versions in `_dlt_version` and its rows in `_dlt_pipeline_state`
 * (`deleteRows`). Each engine's dialect compiles the steps. Pure: no client, no file system.
 */
import type { LoadStep, TableRef } from "./plan.js";
import { DLT_LOADS_TABLE, DLT_STATE_TABLE, DLT_VERSION_TABLE } from "../schema/types.js";
import type { StoredSchema, TableFormat, TableSchema } from "../schema/types.js";

export interface DropPlanInput {
  readonly pipelineName: string;
  readonly schemas: readonly StoredSchema[];
  readonly catalog: string;
  readonly datasetName: string;
  readonly stagingDatasetName: string;
  readonly forceIceberg: boolean;
}

/** A step the drop runs on dlt's own tables, with what it does in words. */
export interface DropCleanup {
  readonly what: string;
  readonly step: Extract<LoadStep, { kind: "deleteRows" }>;
}

export interface DropPlan {
  readonly schemaNames: readonly string[];
  /** Data tables dropped from the dataset (lower-cased). */
  readonly tables: readonly string[];
  /** Iceberg tables, whose staging copies are dropped from the staging database too. */
  readonly stagingTables: readonly string[];
  /** Hive tables, whose files under `<dataset>/<table>/` are deleted (Athena owns Iceberg data). */
  readonly hiveTables: readonly string[];
  /** `dropTable` steps: the dataset's tables, then the staging copies. */
  readonly dropSteps: readonly Extract<LoadStep, { kind: "dropTable" }>[];
  /** Run before the tables are dropped, see {@link planDrop}. */
  readonly cleanup: readonly DropCleanup[];
}

const DLT_TABLES = new Set([DLT_VERSION_TABLE, DLT_LOADS_TABLE, DLT_STATE_TABLE]);

/**
 * The format a table has in the destination: dlt's own tables and tables with a location tag
 * are Iceberg; else the root table's hint, else `force_iceberg`.
 *
 * @example
 * effectiveTableFormat(schema.tables.orders__items, schema, false); // "hive" (from its root, orders)
 */
export function effectiveTableFormat(table: TableSchema, schema: StoredSchema, forceIceberg: boolean): TableFormat {
  if (DLT_TABLES.has(table.name) || table.locationTag !== undefined) return "iceberg";
  return rootTableOf(table, schema).tableFormat ?? (forceIceberg ? "iceberg" : "hive");
}

/** Whether the destination has the table: it received data (dlt's version and loads tables always exist). */
export function hasTableData(table: TableSchema): boolean {
  return table.seenData === true || table.name === DLT_VERSION_TABLE || table.name === DLT_LOADS_TABLE;
}

/** Follows `parent` links to the root table (a broken chain stops at the last table found). */
export function rootTableOf(table: TableSchema, schema: StoredSchema): TableSchema {
  let current = table;
  for (let depth = 0; current.parent && depth < 100; depth++) {
    const parent = schema.tables[current.parent];
    if (!parent) break;
    current = parent;
  }
  return current;
}

/**
 * Plans the drop of a pipeline's data. dlt's own tables stay (other pipelines may share the
 * dataset); `_dlt_loads` keeps its history, as in dlt. Tables that never received data were
 * never created and are skipped.
 *
 * The cleanup steps come first when executed, for two reasons: a schema version left in
 * `_dlt_version` would tell the next load that every table already exists (so it would skip the
 * DDL for the dropped ones), and a state row left in `_dlt_pipeline_state` would be restored by
 * the next run of the (now folder-less) pipeline, with incremental cursors that skip the data.
 *
 * @example
 * planDrop({ pipelineName: "shop", schemas: [shop], catalog: "awsdatacatalog", datasetName: "shop_data",
 *   stagingDatasetName: "shop_data_staging", forceIceberg: false }).tables; // ["orders", "orders__items"]
 */
export function planDrop(input: DropPlanInput): DropPlan {
  const tables = new Map<string, TableFormat>();
  for (const schema of input.schemas) {
    for (const table of Object.values(schema.tables)) {
      const name = table.name.toLowerCase();
      if (DLT_TABLES.has(name) || !hasTableData(table)) continue;
      // A table in two schemas is Iceberg if either says so: its staging copy must go too.
      if (tables.get(name) !== "iceberg") tables.set(name, effectiveTableFormat(table, schema, input.forceIceberg));
    }
  }
  const names = [...tables.keys()];
  const stagingTables = names.filter((n) => tables.get(n) === "iceberg");
  const ref = (database: string, table: string): TableRef => ({ catalog: input.catalog, database, table });
  const schemaNames = [...new Set(input.schemas.map((s) => s.name))].sort();
  const cleanup: DropCleanup[] = [];
  if (schemaNames.length > 0) {
    cleanup.push({
      what: `schema versions of ${schemaNames.join(", ")} in ${DLT_VERSION_TABLE}`,
      step: { kind: "deleteRows", table: ref(input.datasetName, DLT_VERSION_TABLE), column: "schema_name", values: schemaNames },
    });
  }
  cleanup.push({
    what: `state rows of pipeline ${input.pipelineName} in ${DLT_STATE_TABLE}`,
    step: { kind: "deleteRows", table: ref(input.datasetName, DLT_STATE_TABLE), column: "pipeline_name", values: [input.pipelineName] },
  });
  return {
    schemaNames,
    tables: names,
    stagingTables,
    hiveTables: names.filter((n) => tables.get(n) === "hive"),
    dropSteps: [
      ...names.map((t) => ({ kind: "dropTable" as const, table: ref(input.datasetName, t) })),
      ...stagingTables.map((t) => ({ kind: "dropTable" as const, table: ref(input.stagingDatasetName, t) })),
    ],
    cleanup,
  };
}
