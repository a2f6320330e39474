/**
 * Our side of the parity tier: a pipeline script run by `dlt-athena run runner.ts --local`, once
 * per run index (PARITY_RUN). Every case that has that run loads its resources into its own
 * pipeline and dataset; the outcome of each (ok, or the error) is appended to PARITY_OUT.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { incremental, pipeline, resource } from "dlt-athena";
import type { ColumnHint, Resource } from "dlt-athena";

interface Spec {
  name: string;
  table_name?: string;
  write_disposition?: string | { disposition: "merge"; strategy: "upsert" | "delete-insert" };
  primary_key?: string | string[];
  merge_key?: string | string[];
  columns?: Record<string, Record<string, unknown>>;
  table_format?: "iceberg";
  max_table_nesting?: number;
  incremental?: { cursor_path: string; initial_value?: unknown; primary_key?: string | string[]; last_value_func?: "max" | "min" };
  data: unknown[];
}
interface Case {
  name: string;
  runs: Array<{ resources: Spec[] }>;
}

const FLOATS: Record<string, number> = { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, "-inf": Number.NEGATIVE_INFINITY };

function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [tag, inner] = entries[0]!;
      if (tag === "$date") return new Date(inner as string);
      if (tag === "$bigint") return BigInt(inner as string);
      if (tag === "$bytes") return new Uint8Array(Buffer.from(inner as string, "hex"));
      if (tag === "$decimal") return inner;
      if (tag === "$float") return FLOATS[inner as string] ?? Number(inner);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, decode(v)]));
  }
  return value;
}

const HINT_KEYS: Record<string, keyof ColumnHint> = {
  data_type: "dataType",
  nullable: "nullable",
  precision: "precision",
  scale: "scale",
  timezone: "timezone",
  primary_key: "primaryKey",
  merge_key: "mergeKey",
  unique: "unique",
  partition: "partition",
};

function columnsOf(columns: Spec["columns"]): Record<string, ColumnHint> | undefined {
  if (columns === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(columns).map(([name, hint]) => [
      name,
      Object.fromEntries(Object.entries(hint).map(([k, v]) => [HINT_KEYS[k] ?? k, v])) as ColumnHint,
    ]),
  );
}

function build(spec: Spec): Resource {
  const inc = spec.incremental;
  return resource(decode(spec.data) as unknown[], {
    name: spec.name,
    ...(spec.table_name !== undefined ? { tableName: spec.table_name } : {}),
    ...(spec.write_disposition !== undefined ? { writeDisposition: spec.write_disposition as never } : {}),
    ...(spec.primary_key !== undefined ? { primaryKey: spec.primary_key } : {}),
    ...(spec.merge_key !== undefined ? { mergeKey: spec.merge_key } : {}),
    ...(spec.columns !== undefined ? { columns: columnsOf(spec.columns) } : {}),
    ...(spec.table_format !== undefined ? { tableFormat: spec.table_format } : {}),
    ...(spec.max_table_nesting !== undefined ? { maxTableNesting: spec.max_table_nesting } : {}),
    ...(inc !== undefined
      ? {
          incremental: incremental(inc.cursor_path, {
            ...(inc.initial_value !== undefined ? { initialValue: decode(inc.initial_value) } : {}),
            ...(inc.primary_key !== undefined ? { primaryKey: inc.primary_key } : {}),
            ...(inc.last_value_func !== undefined ? { lastValueFunc: inc.last_value_func } : {}),
          }),
        }
      : {}),
  });
}

const cases = JSON.parse(readFileSync(process.env.PARITY_CASES!, "utf8")) as Case[];
const runIndex = Number(process.env.PARITY_RUN);
const outPath = process.env.PARITY_OUT!;
const outcomes = (existsSync(outPath) ? JSON.parse(readFileSync(outPath, "utf8")) : {}) as Record<string, unknown[]>;

for (const c of cases) {
  const run = c.runs[runIndex];
  if (run === undefined) continue;
  const p = pipeline({ pipelineName: `p_${c.name}`, datasetName: `d_${c.name}`, destination: "athena" });
  let outcome: { ok: boolean; error?: string };
  try {
    await p.run(run.resources.map(build));
    outcome = { ok: true };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    outcome = { ok: false, error: `${e.code ?? "error"}: ${e.message ?? String(error)}`.slice(0, 2000) };
  }
  (outcomes[c.name] ??= []).push(outcome);
}
writeFileSync(outPath, JSON.stringify(outcomes));
