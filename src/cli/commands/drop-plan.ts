/**
 * What `pipeline <name> drop` removes, as data (reference §6.8, §11.6, §14): the pipeline's data
 * tables in the dataset and their staging copies (`dropTable` steps, compiled by the engine's
 * dialect), the staged files of its Hive tables, its schema versions in `_dlt_version` and its
 * rows in `_dlt_pipeline_state`. Pure: no client, no file system.
 */
import { qualifyDml, quoteDmlIdentifier as q, quoteLiteral } from "../../destination/athena/quote.js";
import type { LoadStep, TableRef } from "../../destination/plan.js";
import { DLT_LOADS_TABLE, DLT_STATE_TABLE, DLT_VERSION_TABLE } from "../../schema/types.js";
import type { StoredSchema } from "../../schema/types.js";
import { tablePrefix } from "../../staging/layout.js";
import { summarizeSchema } from "../output/pipeline-text.js";

export interface DropPlanInput {
  readonly pipelineName: string;
  readonly schemas: readonly StoredSchema[];
  readonly catalog: string;
  readonly datasetName: string;
  readonly stagingDatasetName: string;
  readonly forceIceberg: boolean;
}

/** A DML statement the drop runs on dlt's own tables, with what it does in words. */
export interface DropStatement {
  readonly what: string;
  readonly sql: string;
}

export interface DropPlan {
  readonly schemaNames: readonly string[];
  /** Data tables dropped from the dataset (lower-cased). */
  readonly tables: readonly string[];
  /** Iceberg tables, whose staging copies are dropped from the staging database too. */
  readonly stagingTables: readonly string[];
  /** Hive tables, whose files under `<dataset>/<table>/` are deleted (Athena owns Iceberg data). */
  readonly hiveTables: readonly string[];
  /** `DROP TABLE IF EXISTS` steps: the dataset's tables, then the staging copies. */
  readonly dropSteps: readonly Extract<LoadStep, { kind: "dropTable" }>[];
  /** Run before the tables are dropped, see {@link planDrop}. */
  readonly cleanup: readonly DropStatement[];
}

const DLT_TABLES = new Set([DLT_VERSION_TABLE, DLT_LOADS_TABLE, DLT_STATE_TABLE]);

/**
 * Plans the drop of a pipeline's data. dlt's own tables stay (other pipelines may share the
 * dataset); `_dlt_loads` keeps its history, as in dlt. Tables that never received data were
 * never created and are skipped.
 *
 * The cleanup statements come first when executed, for two reasons: a schema version left in
 * `_dlt_version` would tell the next load that every table already exists (so it would skip the
 * DDL for the dropped ones), and a state row left in `_dlt_pipeline_state` would be restored by
 * the next run of the (now folder-less) pipeline, with incremental cursors that skip the data.
 *
 * @example
 * planDrop({ pipelineName: "shop", schemas: [shop], catalog: "awsdatacatalog", datasetName: "shop_data",
 *   stagingDatasetName: "shop_data_staging", forceIceberg: false }).tables; // ["orders", "orders__items"]
 */
export function planDrop(input: DropPlanInput): DropPlan {
  const tables = new Map<string, "hive" | "iceberg">();
  for (const schema of input.schemas) {
    for (const table of summarizeSchema(schema, input.forceIceberg).tables) {
      const name = table.name.toLowerCase();
      if (DLT_TABLES.has(name) || !table.has_data) continue;
      // A table in two schemas is Iceberg if either says so: its staging copy must go too.
      if (tables.get(name) !== "iceberg") tables.set(name, table.table_format);
    }
  }
  const names = [...tables.keys()];
  const stagingTables = names.filter((n) => tables.get(n) === "iceberg");
  const ref = (database: string, table: string): TableRef => ({ catalog: input.catalog, database, table });
  const schemaNames = [...new Set(input.schemas.map((s) => s.name))].sort();
  const cleanup: DropStatement[] = [];
  if (schemaNames.length > 0) {
    cleanup.push({
      what: `schema versions of ${schemaNames.join(", ")} in ${DLT_VERSION_TABLE}`,
      sql: `DELETE FROM ${qualifyDml(ref(input.datasetName, DLT_VERSION_TABLE))} WHERE ${q("schema_name")} IN (${schemaNames.map(quoteLiteral).join(", ")})`,
    });
  }
  cleanup.push({
    what: `state rows of pipeline ${input.pipelineName} in ${DLT_STATE_TABLE}`,
    sql: `DELETE FROM ${qualifyDml(ref(input.datasetName, DLT_STATE_TABLE))} WHERE ${q("pipeline_name")} = ${quoteLiteral(input.pipelineName)}`,
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

/** Where the drop happens, for the preview. */
export interface DropTarget {
  readonly pipelineName: string;
  readonly datasetName: string;
  readonly stagingDatasetName: string;
  /** `athena (local)` or `athena`, with its location; undefined when the local database does not exist. */
  readonly destination: { readonly name: string; readonly location: string } | undefined;
  /** The dataset folder in the staging store, e.g. `s3://lake/raw/shop_data/`. */
  readonly filesUrl: string;
  /** The staging layout, which decides each table's folder. */
  readonly layout: string;
  /** The working folder, or undefined when there is none. */
  readonly workingFolder: string | undefined;
  readonly pendingPackages: number;
}

/**
 * The text printed before anything is dropped (dlt: "About to drop the following data …").
 *
 * @example
 * formatDropPreview(plan, target); // "About to drop the following data of pipeline shop …"
 */
export function formatDropPreview(plan: DropPlan, target: DropTarget): string {
  const where = target.destination ? `${target.destination.name} (${target.destination.location})` : "the local engine (no local database yet)";
  const list = (names: readonly string[]) => (names.length > 0 ? names.join(", ") : "(none)");
  const lines = [`About to drop the following data of pipeline ${target.pipelineName} in dataset ${target.datasetName} on ${where}:`];
  if (target.destination) {
    lines.push(
      `  tables in ${target.datasetName}: ${list(plan.tables)}`,
      `  staging copies in ${target.stagingDatasetName}: ${list(plan.stagingTables)}`,
      `  files of Hive tables under ${target.filesUrl}: ${list(plan.hiveTables.map((t) => tablePrefix(target.layout, t)))}`,
      ...plan.cleanup.map((c) => `  ${c.what}`),
    );
  }
  if (target.workingFolder) {
    const pending = target.pendingPackages > 0 ? ` (with ${target.pendingPackages} load package(s) not loaded yet)` : "";
    lines.push(`  the local working folder ${target.workingFolder}${pending}`);
  }
  return `${lines.join("\n")}\n`;
}
