/**
 * What `dlt-athena pipeline <name> info | trace | schema` report, as JSON-safe data (the `--json`
 * documents) and as text. Everything here is pure: the command reads the working folder and
 * hands the files over.
 */
import type { JobState, PackageState } from "../../packages/load-package.js";
import { effectiveTableFormat, hasTableData, rootTableOf } from "../../destination/drop-plan.js";
import type { ColumnSchema, StoredSchema, TableFormat, WriteDisposition } from "../../schema/types.js";

export interface TableSummary {
  readonly name: string;
  readonly parent?: string;
  readonly columns: number;
  /** The root's disposition: child tables follow their root. */
  readonly write_disposition: WriteDisposition;
  readonly table_format: TableFormat;
  /** False for tables declared by hints that never received a row (not created in the destination). */
  readonly has_data: boolean;
}

export interface SchemaSummary {
  readonly name: string;
  readonly version: number;
  readonly version_hash: string;
  readonly tables: readonly TableSummary[];
}

export interface JobSummary {
  readonly job: string;
  readonly table: string;
  readonly state: JobState;
  readonly failure?: string;
}

export interface PackageSummary {
  readonly load_id: string;
  readonly state: PackageState;
  /**
   * `pending` = normalized and waiting for a load; `incomplete` = extract did not finish;
   * `failed` = loading failed for good (see `failure` and the jobs' reasons); it is not retried.
   */
  readonly status: "pending" | "loaded" | "aborted" | "incomplete" | "failed";
  /** Why a failed package failed. */
  readonly failure?: string;
  readonly created_at: string;
  /** Jobs of packages that are not loaded yet. */
  readonly jobs?: readonly JobSummary[];
}

export interface TraceStep {
  readonly step: string;
  readonly started_at: string;
  readonly seconds: number;
  readonly error?: string;
}

/** The last run, from `trace.json`; `load_info` is the run's load info (`LoadInfo.toJSON()`). */
export interface RunTrace {
  readonly steps: readonly TraceStep[];
  readonly load_info: Record<string, unknown> | null;
}

/** The `pipeline <name> info --json` document. */
export interface PipelineInfo {
  readonly pipeline_name: string;
  readonly dataset_name: string;
  readonly destination: { readonly name: string; readonly location: string };
  readonly working_folder: string;
  readonly state: {
    readonly version: number;
    readonly engine_version: number;
    readonly version_hash: string;
    readonly default_schema_name: string | null;
    readonly schema_names: readonly string[];
    readonly last_run_at: string | null;
    readonly sources: Record<string, unknown>;
  };
  readonly schemas: readonly SchemaSummary[];
  readonly packages: readonly PackageSummary[];
  readonly last_run: RunTrace | null;
  /** Destination and pipeline settings with where they came from; secrets redacted. */
  readonly config: readonly { readonly key: string; readonly value: unknown; readonly source: string }[];
}

/**
 * The tables of a schema with the disposition and format they load with: a child follows its
 * root; dlt's own tables are Iceberg; other tables are Hive unless hinted or `force_iceberg`.
 *
 * @example
 * summarizeSchema(schema, false).tables.find((t) => t.name === "orders__items")?.write_disposition; // "replace"
 */
export function summarizeSchema(schema: StoredSchema, forceIceberg: boolean): SchemaSummary {
  const tables = Object.values(schema.tables).map((table): TableSummary => {
    const root = rootTableOf(table, schema);
    return {
      name: table.name,
      ...(table.parent ? { parent: table.parent } : {}),
      columns: Object.keys(table.columns).length,
      write_disposition: root.writeDisposition ?? "append",
      table_format: effectiveTableFormat(table, schema, forceIceberg),
      has_data: hasTableData(table),
    };
  });
  return { name: schema.name, version: schema.version, version_hash: schema.versionHash, tables };
}

/** How `info` names a package state. */
export function packageStatus(state: PackageState): PackageSummary["status"] {
  switch (state) {
    case "normalized":
      return "pending";
    case "loaded":
      return "loaded";
    case "aborted":
      return "aborted";
    case "extracted":
      return "incomplete";
    case "failed":
      return "failed";
    default: {
      const unknown: never = state;
      return unknown;
    }
  }
}

/** `trace.json` (camelCase, as the pipeline writes it) → the snake_case trace of the JSON output. */
export function traceFromFile(raw: unknown): RunTrace | null {
  if (raw === null || typeof raw !== "object") return null;
  const file = raw as { steps?: unknown; loadInfo?: unknown };
  const steps = Array.isArray(file.steps) ? (file.steps as Record<string, unknown>[]) : [];
  return {
    steps: steps.map((s) => ({
      step: String(s.step),
      started_at: String(s.startedAt ?? ""),
      seconds: Number(s.seconds ?? 0),
      ...(typeof s.error === "string" ? { error: s.error } : {}),
    })),
    load_info: file.loadInfo !== null && typeof file.loadInfo === "object" ? (file.loadInfo as Record<string, unknown>) : null,
  };
}

/** The `info` report as text. */
export function formatPipelineInfo(info: PipelineInfo): string {
  const { state } = info;
  const lines = [
    `Pipeline ${info.pipeline_name}`,
    `  dataset:        ${info.dataset_name}`,
    `  destination:    ${info.destination.name} (${info.destination.location})`,
    `  working folder: ${info.working_folder}`,
    `  state:          version ${state.version}, hash ${state.version_hash}${state.last_run_at ? `, last run at ${state.last_run_at}` : ""}`,
    `  sources:        ${Object.keys(state.sources).join(", ") || "(none)"}`,
    "",
    `Schemas (${info.schemas.length}):`,
  ];
  for (const schema of info.schemas) {
    const isDefault = schema.name === state.default_schema_name ? ", default" : "";
    lines.push(`  ${schema.name} (version ${schema.version}${isDefault})`);
    for (const table of schema.tables) lines.push(`    ${tableLine(table)}`);
  }
  lines.push("", `Load packages (${info.packages.length}):`);
  if (info.packages.length === 0) lines.push("  (none)");
  for (const pkg of info.packages) {
    const note = pkg.status === "pending" ? " (loads on the next run)" : pkg.failure ? `: ${oneLine(pkg.failure)}` : "";
    lines.push(`  ${pkg.load_id}  ${pkg.status}${note}`);
    for (const job of pkg.jobs ?? []) {
      lines.push(`    ${job.job}  ${job.state}${job.failure ? `: ${oneLine(job.failure)}` : ""}`);
    }
  }
  lines.push("", "Last run:");
  lines.push(...(info.last_run ? runSummary(info.last_run).map((l) => `  ${l}`) : ["  (no trace yet)"]));
  return `${lines.join("\n")}\n`;
}

function tableLine(table: TableSummary): string {
  const how = `${table.parent ? `child of ${table.parent}: ` : ""}${table.write_disposition}, ${table.table_format}`;
  const noData = table.has_data ? "" : ", no data yet";
  return `${table.name}: ${table.columns} column${table.columns === 1 ? "" : "s"} (${how}${noData})`;
}

/** The `trace` report as text. */
export function formatTrace(pipelineName: string, trace: RunTrace | null): string {
  if (!trace) return `Pipeline ${pipelineName} has no run trace yet: run it first.\n`;
  return `${[`Last run of pipeline ${pipelineName}:`, ...runSummary(trace).map((l) => `  ${l}`)].join("\n")}\n`;
}

/** Steps with timings, then the load info: tables, files, queries, failures. */
function runSummary(trace: RunTrace): string[] {
  const lines: string[] = [];
  const info = trace.load_info;
  if (info) lines.push(`started ${String(info.started_at)}, finished ${String(info.finished_at)} on ${String(info.destination)}`);
  for (const step of trace.steps) {
    lines.push(`step ${step.step.padEnd(8)} ${step.seconds.toFixed(3)} s  (started ${step.started_at})${step.error ? `  FAILED: ${oneLine(step.error)}` : ""}`);
  }
  if (!info) {
    if (trace.steps.some((s) => s.error)) lines.push("the run failed before it finished; see the failed step above");
    return lines;
  }
  const loadIds = Array.isArray(info.load_ids) ? (info.load_ids as string[]) : [];
  lines.push(`load ids: ${loadIds.join(", ") || "(nothing loaded)"}`);
  for (const table of Array.isArray(info.tables) ? (info.tables as Record<string, unknown>[]) : []) {
    lines.push(`  ${String(table.name)}: ${String(table.rows)} rows in ${String(table.files)} file(s), ${String(table.bytes)} bytes`);
  }
  const queries = (info.queries ?? {}) as Record<string, unknown>;
  lines.push(`files: ${String(info.files ?? 0)}, bytes: ${String(info.bytes ?? 0)}, queries: ${String(queries.count ?? 0)} (longest chain ${String(queries.longest_chain ?? queries.longestChain ?? 0)})`);
  for (const warning of Array.isArray(info.warnings) ? (info.warnings as string[]) : []) lines.push(`warning: ${warning}`);
  if (info.has_failed_jobs === true) lines.push("some jobs FAILED: see `info` for the pending package and its failure reasons");
  return lines;
}

/** The schema as readable text: tables, then columns with data types and hints. */
export function formatSchema(schema: StoredSchema, forceIceberg: boolean): string {
  const summary = summarizeSchema(schema, forceIceberg);
  const lines = [`Schema ${schema.name} (version ${schema.version}, hash ${schema.versionHash}, engine ${schema.engineVersion})`];
  for (const table of summary.tables) {
    lines.push("", tableLine(table));
    const columns = Object.values(schema.tables[table.name]?.columns ?? {});
    const width = Math.max(0, ...columns.map((c) => c.name.length));
    for (const column of columns) {
      const hints = columnHints(column);
      lines.push(`  ${column.name.padEnd(width)}  ${typeOf(column)}${hints.length > 0 ? `  ${hints.join(", ")}` : ""}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function typeOf(column: ColumnSchema): string {
  if (column.precision !== undefined && column.scale !== undefined) return `${column.dataType}(${column.precision},${column.scale})`;
  if (column.precision !== undefined) return `${column.dataType}(${column.precision})`;
  return column.dataType;
}

/** Hints in dlt's words; `nullable` is the default and not shown. */
export function columnHints(column: ColumnSchema): string[] {
  const flags: [boolean | undefined, string][] = [
    [!column.nullable, "not null"],
    [column.primaryKey, "primary key"],
    [column.mergeKey, "merge key"],
    [column.unique, "unique"],
    [column.partition, "partition"],
    [column.rowKey, "row key"],
    [column.parentKey, "parent key"],
    [column.rootKey, "root key"],
    [column.variant, "variant"],
    [column.timezone === false, "without time zone"],
  ];
  return flags.filter(([isSet]) => isSet === true).map(([, label]) => label);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
