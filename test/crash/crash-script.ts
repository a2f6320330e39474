/**
 * The pipeline script of the crash tests: four resources that between them reach every kind of
 * load step (Hive append with an incremental cursor, Iceberg append with a child table, an Iceberg
 * merge, an Iceberg replace), and the expected final tables after a run to UP_TO=5 and one to
 * UP_TO=10 with a new column, whatever was killed in between.
 */
export const CRASH_SCRIPT = `
import { incremental, pipeline, resource } from "dlt-athena";

const upTo = Number(process.env.UP_TO ?? "5");
const withColor = process.env.WITH_COLOR === "1";
const range = (from) => Array.from({ length: Math.max(0, upTo - from + 1) }, (_, i) => from + i);
const events = resource(
  function* ({ incremental: cursor }) {
    for (const id of range(cursor?.lastValue ?? 1)) yield { id, name: \`event \${id}\`, ...(withColor ? { color: \`c\${id}\` } : {}) };
  },
  { name: "events", incremental: incremental("id", { initialValue: 1, primaryKey: "id" }) },
);
const items = resource(
  function* ({ incremental: cursor }) {
    for (const id of range(cursor?.lastValue ?? 1)) yield { id, tags: [\`a\${id}\`, \`b\${id}\`], ...(withColor ? { color: \`c\${id}\` } : {}) };
  },
  { name: "items", tableFormat: "iceberg", incremental: incremental("id", { initialValue: 1, primaryKey: "id" }) },
);
const customers = resource(
  () => range(1).map((id) => ({ id, name: \`customer \${id} of \${upTo}\` })),
  { name: "customers", tableFormat: "iceberg", writeDisposition: "merge", primaryKey: "id" },
);
const snapshot = resource(() => range(1).map((id) => ({ id, taken: upTo })), { name: "snapshot", tableFormat: "iceberg", writeDisposition: "replace" });
await pipeline({ pipelineName: "crash", destination: "athena", datasetName: process.env.DATASET ?? "crash_data" }).run([events, items, customers, snapshot]);
`;

/** One SQL statement whose single row holds every table's rows as text, in key order. */
export const FINAL_TABLES_SQL = [
  "SELECT",
  "(SELECT string_agg(CAST(id AS VARCHAR) || ':' || name || ':' || coalesce(color, ''), ',' ORDER BY id) FROM crash_data.events) AS events,",
  "(SELECT string_agg(CAST(id AS VARCHAR) || ':' || coalesce(color, ''), ',' ORDER BY id) FROM crash_data.items) AS items,",
  "(SELECT string_agg(value, ',' ORDER BY value) FROM crash_data.items__tags) AS tags,",
  "(SELECT string_agg(CAST(id AS VARCHAR) || ':' || name, ',' ORDER BY id) FROM crash_data.customers) AS customers,",
  "(SELECT string_agg(CAST(id AS VARCHAR) || ':' || CAST(taken AS VARCHAR), ',' ORDER BY id) FROM crash_data.snapshot) AS snapshot,",
  "(SELECT count(*) - count(DISTINCT load_id) FROM crash_data._dlt_loads) AS duplicate_loads,",
  "(SELECT count(*) - count(DISTINCT version_hash) FROM crash_data._dlt_version) AS duplicate_versions,",
  "(SELECT count(*) - count(DISTINCT version) FROM crash_data._dlt_pipeline_state) AS duplicate_states,",
  "(SELECT count(*) FROM crash_data._dlt_pipeline_state WHERE _dlt_load_id NOT IN (SELECT load_id FROM crash_data._dlt_loads)) AS orphan_states,",
  "(SELECT count(*) FROM crash_data.events WHERE _dlt_load_id NOT IN (SELECT load_id FROM crash_data._dlt_loads)) AS orphan_events,",
  "(SELECT count(*) FROM crash_data.items WHERE _dlt_load_id NOT IN (SELECT load_id FROM crash_data._dlt_loads)) AS orphan_items",
].join(" ");

const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** The row {@link FINAL_TABLES_SQL} must return after the two runs. */
export const EXPECTED_FINAL_TABLES = {
  events: ids(10).map((id) => `${id}:event ${id}:${id > 5 ? `c${id}` : ""}`).join(","),
  items: ids(10).map((id) => `${id}:${id > 5 ? `c${id}` : ""}`).join(","),
  tags: ids(10).flatMap((id) => [`a${id}`, `b${id}`]).sort().join(","),
  customers: ids(10).map((id) => `${id}:customer ${id} of 10`).join(","),
  snapshot: ids(10).map((id) => `${id}:10`).join(","),
  duplicate_loads: 0,
  duplicate_versions: 0,
  duplicate_states: 0,
  orphan_states: 0,
  orphan_events: 0,
  orphan_items: 0,
};
