/**
 * The simplest load over the AWS path on a real engine: two append runs of nested rows into a
 * Hive table and an Iceberg table, read back from Trino and through `dlt-athena query`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxProject, hiveGrammarFailures, trinoRows, unexpectedFailures } from "../support/trino-sandbox.js";
import type { RunDocument } from "../support/local-project.js";

const SCRIPT = `
import { pipeline, resource } from "dlt-athena";
const run = Number(process.env.RUN);
const items = [{ id: run * 10 + 1, name: "a" + run, tags: ["x", "y"] }, { id: run * 10 + 2, name: "b" + run, tags: [] }];
await pipeline({ pipelineName: "appender", destination: "athena", datasetName: process.env.DATASET }).run([
  resource(items, { name: "hive_events", writeDisposition: "append" }),
  resource(items, { name: "ice_events", writeDisposition: "append", tableFormat: "iceberg" }),
]);
`;

const project = new SandboxProject();
// Each run of the file gets its own dataset, so a reused sandbox (DLT_ATHENA_SANDBOX) still starts empty.
const ds = `append_${project.prefix}`;
const runs: RunDocument[] = [];

beforeAll(() => {
  project.create({ "append.ts": SCRIPT });
  runs.push(project.run("append.ts", { RUN: "1", DATASET: ds }));
  runs.push(project.run("append.ts", { RUN: "2", DATASET: ds }));
});
afterAll(() => project.cleanup());

describe("append over the AWS path", () => {
  it("reports the rows of each run", () => {
    const rows = (doc: RunDocument) => Object.fromEntries(doc.loads[0]!.tables.map((t) => [t.name, t.rows]));
    expect(rows(runs[0]!)).toMatchObject({ hive_events: 2, ice_events: 2, hive_events__tags: 2, ice_events__tags: 2 });
    expect(rows(runs[1]!)).toMatchObject({ hive_events: 2, ice_events: 2 });
  });

  it.each(["hive_events", "ice_events"])("%s holds both runs' rows and their child rows", async (table) => {
    const roots = await trinoRows(`SELECT id, name FROM awsdatacatalog.${ds}.${table} ORDER BY id`);
    expect(roots).toEqual([
      { id: 11, name: "a1" }, { id: 12, name: "b1" }, { id: 21, name: "a2" }, { id: 22, name: "b2" },
    ]);
    const tags = await trinoRows(
      `SELECT r.id, c.value FROM awsdatacatalog.${ds}.${table}__tags c JOIN awsdatacatalog.${ds}.${table} r ON c._dlt_parent_id = r._dlt_id ORDER BY r.id, c._dlt_list_idx`,
    );
    expect(tags).toEqual([{ id: 11, value: "x" }, { id: 11, value: "y" }, { id: 21, value: "x" }, { id: 21, value: "y" }]);
  });

  it("records two loads with status 0 and reads back through dlt-athena query", async () => {
    const loads = await trinoRows(`SELECT load_id, status FROM awsdatacatalog.${ds}._dlt_loads ORDER BY load_id`);
    expect(loads.map((l) => l.status)).toEqual([0, 0]);
    expect(loads.map((l) => l.load_id)).toEqual(runs.map((r) => r.loads[0]!.load_ids[0]));
    const viaAthena = project.rows(`SELECT count(*) AS n FROM ${ds}.ice_events`, { pipelineName: "appender" });
    expect(viaAthena).toEqual([{ n: 4 }]);
  });

  it("creates ice_events as Iceberg (one snapshot per append) and hive_events as Hive", async () => {
    const snapshots = await trinoRows(`SELECT element_at(summary, 'added-records') AS added FROM iceberg.${ds}."ice_events$snapshots" ORDER BY committed_at`);
    // CREATE TABLE commits an empty snapshot; then one per run.
    expect(snapshots.map((s) => s.added)).toEqual([null, "2", "2"]);
    await expect(trinoRows(`SELECT * FROM iceberg.${ds}."hive_events$snapshots"`)).rejects.toThrow(/not an Iceberg table|does not exist|not found/i);
  });
});

describe("the statements sent", () => {
  it("parse with a Hive grammar (DDL) and fail only as first-run discovery does", async () => {
    const { checked, failures } = await hiveGrammarFailures(ds);
    expect(checked).toBeGreaterThan(5);
    expect(failures).toEqual([]);
    expect(unexpectedFailures(ds)).toEqual([]);
  });
});
