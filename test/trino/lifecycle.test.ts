/**
 * A pipeline's life over the AWS path on a real Trino: schema evolution (new columns, a new child
 * table, a type variant) on Hive and Iceberg, state restore after the working folder is deleted,
 * two pipelines sharing one dataset, and `pipeline drop`.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxProject, hiveGrammarFailures, trinoRows, unexpectedFailures } from "../support/trino-sandbox.js";
import type { RunDocument } from "../support/local-project.js";

// Numbered events from the cursor's last value up to UP_TO; EVOLVE adds a column, a nested list
// (a new child table) and a text value in an integer column (a variant column).
const EVENTS = `
import { incremental, pipeline, resource } from "dlt-athena";
const upTo = Number(process.env.UP_TO);
const evolve = process.env.EVOLVE === "1";
const rows = (cursor) => {
  const out = [];
  for (let id = cursor?.lastValue ?? 1; id <= upTo; id++) {
    out.push({ id, name: "event " + id, score: evolve && id === upTo ? "high" : id * 10, ...(evolve ? { color: "c" + id, parts: [id, id + 1] } : {}) });
  }
  return out;
};
const hive = resource(function* ({ incremental: cursor }) { yield* rows(cursor); },
  { name: "hive_events", incremental: incremental("id", { initialValue: 1, primaryKey: "id" }) });
const ice = resource(function* ({ incremental: cursor }) { yield* rows(cursor); },
  { name: "ice_events", tableFormat: "iceberg", writeDisposition: "merge", primaryKey: "id", incremental: incremental("id", { initialValue: 1 }) });
await pipeline({ pipelineName: process.env.PIPELINE, destination: "athena", datasetName: process.env.DATASET }).run([hive, ice]);
`;

// A second pipeline writing its own table into the same dataset.
const OTHER = `
import { pipeline, resource } from "dlt-athena";
await pipeline({ pipelineName: process.env.PIPELINE, destination: "athena", datasetName: process.env.DATASET }).run([
  resource([{ k: "a", n: Number(process.env.N) }], { name: "other_things", writeDisposition: "replace", tableFormat: "iceberg" }),
]);
`;

const project = new SandboxProject();
const ds = `life_${project.prefix}`;
const main = { PIPELINE: "events_pipe", DATASET: ds };
const other = { PIPELINE: "other_pipe", DATASET: ds };
const runs: RunDocument[] = [];
let afterFirst: Record<string, unknown>[];

beforeAll(async () => {
  project.create({ "events.ts": EVENTS, "other.ts": OTHER });
  runs.push(project.run("events.ts", { ...main, UP_TO: "3" }));
  afterFirst = await trinoRows(`SELECT id FROM awsdatacatalog.${ds}.hive_events ORDER BY id`);
  project.run("other.ts", { ...other, N: "1" });
  // A fresh working folder: the state must come back from the destination.
  rmSync(join(project.pipelinesDir, "events_pipe"), { recursive: true });
  runs.push(project.run("events.ts", { ...main, UP_TO: "5", EVOLVE: "1" }));
  project.run("other.ts", { ...other, N: "2" });
});
afterAll(() => project.cleanup());

describe("schema evolution and state restore", () => {
  it("the first run loads ids 1-3", () => {
    expect(afterFirst).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it.each(["hive_events", "ice_events"])("%s: the restored cursor continues at the last id (no duplicates, no gap)", async (table) => {
    const rows = await trinoRows(`SELECT id, count(*) AS n FROM awsdatacatalog.${ds}.${table} GROUP BY id ORDER BY id`);
    // The cursor is inclusive: the Hive table's incremental drops the boundary row it already
    // loaded (by its primary key); the Iceberg table merges it on the primary key.
    expect(rows).toEqual([1, 2, 3, 4, 5].map((id) => ({ id, n: 1 })));
  });

  it.each(["hive_events", "ice_events"])("%s: a new column is NULL for old rows and set for new ones", async (table) => {
    const rows = await trinoRows(`SELECT DISTINCT id, color FROM awsdatacatalog.${ds}.${table} ORDER BY id, color NULLS FIRST`);
    const colors = Object.fromEntries(rows.filter((r) => r.id !== 3).map((r) => [r.id as number, r.color]));
    expect(colors).toEqual({ 1: null, 2: null, 4: "c4", 5: "c5" });
  });

  it.each(["hive_events", "ice_events"])("%s: a text value in an integer column lands in a variant column", async (table) => {
    const columns = await trinoRows(
      `SELECT column_name, data_type FROM awsdatacatalog.information_schema.columns WHERE table_schema = '${ds}' AND table_name = '${table}' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual(expect.arrayContaining([{ column_name: "score", data_type: "bigint" }, { column_name: "score__v_text", data_type: "varchar" }]));
    const five = await trinoRows(`SELECT score, score__v_text FROM awsdatacatalog.${ds}.${table} WHERE id = 5`);
    expect(five).toEqual([{ score: null, score__v_text: "high" }]);
  });

  it.each(["hive_events", "ice_events"])("%s: a new nested list becomes a child table linked to its rows", async (table) => {
    const parts = await trinoRows(
      `SELECT r.id, c.value FROM awsdatacatalog.${ds}.${table}__parts c JOIN awsdatacatalog.${ds}.${table} r ON c._dlt_parent_id = r._dlt_id WHERE r.id = 4 ORDER BY c._dlt_list_idx`,
    );
    expect(parts).toEqual([{ id: 4, value: 4 }, { id: 4, value: 5 }]);
  });

  it("the destination holds the newest state of each pipeline, and the restored run saw it", async () => {
    const states = await trinoRows(
      `SELECT pipeline_name, count(*) AS n FROM awsdatacatalog.${ds}._dlt_pipeline_state GROUP BY pipeline_name ORDER BY pipeline_name`,
    );
    expect(states.map((s) => s.pipeline_name)).toEqual(["events_pipe", "other_pipe"]);
    // The restored run loaded only the new ids into the Hive table.
    expect(runs[1]!.loads[0]!.tables.find((t) => t.name === "hive_events")?.rows).toBe(2);
  });
});

describe("two pipelines on one dataset", () => {
  it("each pipeline's tables and loads stay its own", async () => {
    expect(await trinoRows(`SELECT k, n FROM awsdatacatalog.${ds}.other_things`)).toEqual([{ k: "a", n: 2 }]);
    const loads = await trinoRows(`SELECT schema_name, count(*) AS n FROM awsdatacatalog.${ds}._dlt_loads WHERE status = 0 GROUP BY schema_name ORDER BY schema_name`);
    expect(loads).toEqual([{ schema_name: "events_pipe", n: 2 }, { schema_name: "other_pipe", n: 2 }]);
    const versions = await trinoRows(`SELECT DISTINCT schema_name FROM awsdatacatalog.${ds}._dlt_version ORDER BY 1`);
    expect(versions).toEqual([{ schema_name: "events_pipe" }, { schema_name: "other_pipe" }]);
  });
});

describe("pipeline drop", () => {
  let dropped: { status: number | null; stdout: string; stderr: string };
  beforeAll(() => {
    dropped = project.cli(["pipeline", "events_pipe", "drop", "--yes", "--json"]);
  });

  it("drops the pipeline's tables from the engine and leaves the other pipeline's", async () => {
    expect(dropped.status, dropped.stderr).toBe(0);
    const tables = await trinoRows(
      `SELECT table_schema, table_name FROM awsdatacatalog.information_schema.tables WHERE table_schema IN ('${ds}', '${ds}_staging') ORDER BY 1, 2`,
    );
    const names = tables.map((t) => `${String(t.table_schema)}.${String(t.table_name)}`);
    expect(names.filter((n) => /(hive|ice)_events/.test(n))).toEqual([]);
    expect(names).toContain(`${ds}.other_things`);
    expect(await trinoRows(`SELECT k, n FROM awsdatacatalog.${ds}.other_things`)).toEqual([{ k: "a", n: 2 }]);
  });

  it("removes the working folder", () => {
    expect(existsSync(join(project.pipelinesDir, "events_pipe"))).toBe(false);
  });
});

describe("the statements sent", () => {
  it("parse with a Hive grammar (DDL) and fail only as first-run discovery does", async () => {
    const { checked, failures } = await hiveGrammarFailures(ds);
    expect(checked).toBeGreaterThan(10);
    expect(failures).toEqual([]);
    expect(unexpectedFailures(ds)).toEqual([]);
  });
});
