/** Schemas, packages and plan rendering shared by the Athena planner/dialect tests. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "vitest";

import { athenaDialect } from "../../../../src/destination/athena/dialect.js";
import { NOTHING_DEPLOYED, type DeployedState, type PackageFile, type PlanInput } from "../../../../src/destination/athena/planner.js";
import { stepId, type LoadPlan } from "../../../../src/destination/plan.js";
import { loadsTableSchema, stateTableSchema, versionTableSchema } from "../../../../src/schema/dlt-tables.js";
import { hashSchemaContent } from "../../../../src/schema/hash.js";
import type { ColumnSchema, DataType, StoredSchema, TableSchema } from "../../../../src/schema/types.js";

type ColumnSpec = DataType | (Partial<ColumnSchema> & { dataType: DataType });

/** A table with the given columns (in order); `_dlt_load_id`/`_dlt_id` are appended to roots. */
export function table(name: string, columns: Record<string, ColumnSpec>, extra: Partial<TableSchema> = {}): TableSchema {
  const all: Record<string, ColumnSpec> = { ...columns };
  if (extra.parent === undefined) all._dlt_load_id = "text";
  all._dlt_id = { dataType: "text", rowKey: true, unique: true };
  return {
    name,
    columns: Object.fromEntries(
      Object.entries(all).map(([n, spec]) => [n, typeof spec === "string" ? { name: n, dataType: spec, nullable: true } : { name: n, nullable: true, ...spec }]),
    ),
    seenData: true,
    ...extra,
  };
}

/** A child table `<parent>__<field>` with parent/root keys. */
export function child(parent: string, field: string, columns: Record<string, ColumnSpec>, withRootKey = true): TableSchema {
  const keys: Record<string, ColumnSpec> = { _dlt_parent_id: { dataType: "text", parentKey: true }, _dlt_list_idx: "bigint" };
  if (withRootKey) keys._dlt_root_id = { dataType: "text", rootKey: true };
  return table(`${parent}__${field}`, { ...columns, ...keys }, { parent });
}

/** A stored schema with dlt's tables first (as `new Schema()` makes them) and a real hash. */
export function schemaOf(tables: readonly TableSchema[], options: { withState?: boolean; version?: number } = {}): StoredSchema {
  const all = [versionTableSchema(), loadsTableSchema(), ...tables];
  if (options.withState !== false) all.push({ ...stateTableSchema(), columns: { ...stateTableSchema().columns, _dlt_id: { name: "_dlt_id", dataType: "text", nullable: false, rowKey: true, unique: true } }, seenData: true });
  const content = { tables: Object.fromEntries(all.map((t) => [t.name, t])), settings: {} };
  return { name: "shop", version: options.version ?? 2, versionHash: hashSchemaContent(content), previousHashes: [], engineVersion: 11, ...content };
}

export function filesOf(...tables: string[]): PackageFile[] {
  return tables.map((t, i) => ({ job: `${t}.f${i}.0.parquet`, table: t, localPath: `/pkg/jobs/${t}.f${i}.0.parquet`, fileId: `a1b2c3d4e${i}` }));
}

/** `deployed` from a list of `db.table: columns`. */
export function deployedOf(tables: Record<string, readonly string[]>, isSchemaCurrent = false): DeployedState {
  return { isSchemaCurrent, tables: new Map(Object.entries(tables).map(([k, columns]) => [k, { columns }])) };
}

export const CURRENT: DeployedState = { isSchemaCurrent: true, tables: new Map() };

export function inputOf(schema: StoredSchema, files: PackageFile[], overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    loadId: "1714392000.1234567",
    schema,
    catalog: "awsdatacatalog",
    datasetName: "shop_data",
    stagingDatasetName: "shop_data_staging",
    bucketUrl: "s3://my-lake/raw",
    layout: "{table_name}/{load_id}.{file_id}.{ext}",
    forceIceberg: false,
    files,
    deployed: NOTHING_DEPLOYED,
    now: new Date("2024-04-29T12:00:05.123Z"),
    ...overrides,
  };
}

/** All columns of the schema's tables, as discovery would report them for `db`. */
export function deployedColumns(schema: StoredSchema, db: string, tables: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(tables.map((t) => [`${db}.${t}`, Object.keys(schema.tables[t]?.columns ?? {})]));
}

/** The plan as golden text: waves, steps, one statement per line, file operations as comments. */
export function renderPlan(plan: LoadPlan): string {
  const lines: string[] = [`-- load ${plan.loadId}`];
  plan.waves.forEach((wave, w) => {
    lines.push(`-- wave ${w}`);
    wave.forEach((step, i) => {
      lines.push(`-- [${stepId(w, i, step)}]`);
      // The schema JSON of `_dlt_version` is pinned by the dialect tests, not by every scenario.
      const shown = step.kind === "recordSchema" ? { ...step, row: { ...step.row, schema: "<schema JSON>" } } : step;
      const compiled = athenaDialect.compileStep(shown);
      if (compiled.kind === "sql") {
        for (const statement of compiled.statements) lines.push(`${statement};`);
      } else if (compiled.step.kind === "deleteTableFiles") {
        lines.push(`--   delete files of ${compiled.step.tables.join(", ")} in ${compiled.step.dataset}/`);
      } else {
        for (const f of compiled.step.files) lines.push(`--   upload ${f.localPath} -> ${f.key}`);
      }
    });
  });
  for (const warning of plan.warnings) lines.push(`-- warning: ${warning}`);
  for (const [t, tag] of Object.entries(plan.locationTags)) lines.push(`-- location tag ${t}: ${tag}`);
  return `${lines.join("\n")}\n`;
}

/** Number of SQL statements the plan sends, and the longest chain of sequential statements. */
export function countQueries(plan: LoadPlan): { queries: number; chain: number } {
  let queries = 0;
  let chain = 0;
  for (const wave of plan.waves) {
    let longest = 0;
    for (const step of wave) {
      const compiled = athenaDialect.compileStep(step);
      if (compiled.kind === "sql") {
        queries += compiled.statements.length;
        longest = Math.max(longest, compiled.statements.length);
      }
    }
    chain += longest;
  }
  return { queries, chain };
}

const GOLDEN_DIR = join(import.meta.dirname, "golden");

/** Compares with `golden/<name>.sql` byte for byte; `UPDATE_GOLDEN=1` rewrites the file. */
export function expectGolden(name: string, text: string): void {
  const path = join(GOLDEN_DIR, `${name}.sql`);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) {
    if (process.env.UPDATE_GOLDEN !== "1") throw new Error(`missing golden file ${path}; run with UPDATE_GOLDEN=1 and review it`);
    writeFileSync(path, text);
    return;
  }
  expect(text).toBe(readFileSync(path, "utf8"));
}
