/**
 * Every write disposition × table format × merge strategy over the AWS path on a real Trino:
 * three runs of one script, then the final tables read straight from Trino. The expectations are
 * written out by hand (not taken from the local engine, which shares the planner).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxProject, hiveGrammarFailures, trinoRows, unexpectedFailures } from "../support/trino-sandbox.js";
import type { RunDocument } from "../support/local-project.js";

const SCRIPT = `
import { pipeline, resource } from "dlt-athena";

const runs = {
  1: [{ id: 1, v: "a1", tags: ["x", "y"] }, { id: 2, v: "b1", tags: ["z"] }],
  2: [{ id: 2, v: "b2", tags: ["q"] }, { id: 3, v: "c2", tags: [] }],
  3: [{ id: 1, v: "a3", tags: [] }, { id: 3, v: "c3", tags: ["r", "s"] }],
};
const byDay = {
  1: [{ day: 1, id: 1 }, { day: 1, id: 2 }, { day: 2, id: 3 }],
  2: [{ day: 1, id: 4 }],
  3: [{ day: 3, id: 5 }],
};
const pairs = {
  1: [{ a: 1, b: 1, v: "x" }, { a: 1, b: 2, v: "y" }],
  2: [{ a: 1, b: 2, v: "y2" }, { a: 2, b: 1, v: "z" }],
  3: [{ a: 1, b: 1, v: "x3" }, { a: 1, b: 1, v: "x3-dup" }],
};
const run = process.env.RUN;
const items = runs[run];

await pipeline({ pipelineName: "dispositions", destination: "athena", datasetName: process.env.DATASET }).run([
  resource(items, { name: "hive_appended", writeDisposition: "append" }),
  resource(items, { name: "hive_replaced", writeDisposition: "replace" }),
  resource(items, { name: "hive_merged", writeDisposition: "merge", primaryKey: "id" }),
  resource(items, { name: "ice_appended", writeDisposition: "append", tableFormat: "iceberg" }),
  resource(items, { name: "ice_replaced", writeDisposition: "replace", tableFormat: "iceberg" }),
  resource(items, { name: "ice_merged", writeDisposition: "merge", primaryKey: "id", tableFormat: "iceberg" }),
  resource(items, { name: "ice_upserted", writeDisposition: { disposition: "merge", strategy: "upsert" }, primaryKey: "id", tableFormat: "iceberg" }),
  resource(byDay[run], { name: "ice_by_day", writeDisposition: "merge", mergeKey: "day", tableFormat: "iceberg" }),
  resource(pairs[run], { name: "ice_pairs", writeDisposition: "merge", primaryKey: ["a", "b"], tableFormat: "iceberg" }),
  resource(byDay[run], { name: "ice_parted", writeDisposition: "append", tableFormat: "iceberg", columns: { day: { partition: true } } }),
]);
`;

const project = new SandboxProject();
const ds = `disp_${project.prefix}`;
const runs: RunDocument[] = [];
const counts: Record<string, number>[] = [];

const TABLES = ["hive_appended", "hive_replaced", "hive_merged", "ice_appended", "ice_replaced", "ice_merged", "ice_upserted"];

async function countRows(): Promise<Record<string, number>> {
  const sql = TABLES.flatMap((t) => [t, `${t}__tags`])
    .map((t) => `SELECT '${t}' AS t, count(*) AS n FROM awsdatacatalog.${ds}.${t}`)
    .join(" UNION ALL ");
  return Object.fromEntries((await trinoRows(sql)).map((r) => [r.t as string, r.n as number]));
}

/** Root rows with their child values in list order; child rows whose root is gone fail the test. */
async function rootsWithTags(table: string): Promise<{ id: number; v: string; tags: string[] }[]> {
  const rows = await trinoRows(
    `SELECT r.id, r.v, r._dlt_id AS root, c.value, c._dlt_parent_id AS parent FROM awsdatacatalog.${ds}.${table} r ` +
      `FULL OUTER JOIN awsdatacatalog.${ds}.${table}__tags c ON c._dlt_parent_id = r._dlt_id ORDER BY r.id, r.v, c._dlt_list_idx`,
  );
  expect(rows.filter((row) => row.root === null), `${table}__tags rows whose parent is gone`).toEqual([]);
  const roots = new Map<unknown, { id: number; v: string; tags: string[] }>();
  for (const row of rows) {
    const root = roots.get(row.root) ?? { id: row.id as number, v: row.v as string, tags: [] };
    if (row.parent !== null) root.tags.push(row.value as string);
    roots.set(row.root, root);
  }
  return [...roots.values()];
}

beforeAll(async () => {
  project.create({ "dispositions.ts": SCRIPT });
  for (const run of ["1", "2", "3"]) {
    runs.push(project.run("dispositions.ts", { RUN: run, DATASET: ds }));
    counts.push(await countRows());
  }
});
afterAll(() => project.cleanup());

const APPENDED = [
  { id: 1, v: "a1", tags: ["x", "y"] },
  { id: 1, v: "a3", tags: [] },
  { id: 2, v: "b1", tags: ["z"] },
  { id: 2, v: "b2", tags: ["q"] },
  { id: 3, v: "c2", tags: [] },
  { id: 3, v: "c3", tags: ["r", "s"] },
];
const REPLACED = [{ id: 1, v: "a3", tags: [] }, { id: 3, v: "c3", tags: ["r", "s"] }];
const MERGED = [{ id: 1, v: "a3", tags: [] }, { id: 2, v: "b2", tags: ["q"] }, { id: 3, v: "c3", tags: ["r", "s"] }];

describe("write dispositions on Trino over three runs", () => {
  it.each(["hive_appended", "ice_appended"])("append: %s grows with every run, child rows included", async (table) => {
    expect(counts.map((c) => [c[table], c[`${table}__tags`]])).toEqual([[2, 3], [4, 4], [6, 6]]);
    expect(await rootsWithTags(table)).toEqual(APPENDED);
  });

  it.each(["hive_replaced", "ice_replaced"])("replace: %s holds only the last run, its child table too", async (table) => {
    expect(counts.map((c) => [c[table], c[`${table}__tags`]])).toEqual([[2, 3], [2, 1], [2, 2]]);
    expect(await rootsWithTags(table)).toEqual(REPLACED);
  });

  it.each(["ice_merged", "ice_upserted"])("merge (%s): one row per key, child rows follow their root", async (table) => {
    expect(counts.map((c) => [c[table], c[`${table}__tags`]])).toEqual([[2, 3], [3, 3], [3, 3]]);
    expect(await rootsWithTags(table)).toEqual(MERGED);
  });

  it("merge on a Hive table appends and warns", async () => {
    expect(counts.map((c) => [c.hive_merged, c.hive_merged__tags])).toEqual([[2, 3], [4, 4], [6, 6]]);
    for (const run of runs) {
      expect(run.loads[0]!.warnings.filter((w) => w.includes("hive_merged"))).toEqual([expect.stringMatching(/appended/)]);
    }
  });

  it("merge with a merge key replaces every row of the keys that arrive", async () => {
    const rows = await trinoRows(`SELECT day, id FROM awsdatacatalog.${ds}.ice_by_day ORDER BY id`);
    expect(rows).toEqual([{ day: 2, id: 3 }, { day: 1, id: 4 }, { day: 3, id: 5 }]);
  });

  it("merge on a compound primary key, with a duplicate key inside one load, keeps one row per key", async () => {
    const rows = await trinoRows(`SELECT a, b, v FROM awsdatacatalog.${ds}.ice_pairs ORDER BY a, b`);
    expect(rows).toHaveLength(3);
    expect(rows.slice(1)).toEqual([{ a: 1, b: 2, v: "y2" }, { a: 2, b: 1, v: "z" }]);
    expect(rows[0]).toMatchObject({ a: 1, b: 1 });
    expect(["x3", "x3-dup"]).toContain(rows[0]!.v);
  });

  it("a partitioned Iceberg table is partitioned by the hinted column on the engine", async () => {
    const partitions = await trinoRows(`SELECT partition.day AS day, record_count AS n FROM iceberg.${ds}."ice_parted$partitions" ORDER BY 1`);
    expect(partitions).toEqual([{ day: 1, n: 3 }, { day: 2, n: 1 }, { day: 3, n: 1 }]);
  });

  it("every table is of the format it was declared with", async () => {
    const formats = await trinoRows(
      `SELECT table_name FROM iceberg.information_schema.tables WHERE table_schema = '${ds}' ORDER BY table_name`,
    );
    const iceberg: string[] = [];
    for (const { table_name } of formats) {
      const ok = await trinoRows(`SELECT count(*) AS n FROM iceberg.${ds}."${String(table_name)}$snapshots"`).then(() => true, () => false);
      if (ok) iceberg.push(String(table_name));
    }
    expect(iceberg.filter((t) => t.startsWith("hive_"))).toEqual([]);
    expect(iceberg).toEqual(expect.arrayContaining(["ice_appended", "ice_appended__tags", "ice_merged", "_dlt_loads", "_dlt_version", "_dlt_pipeline_state"]));
  });

  it("records three loads, all status 0", async () => {
    const loads = await trinoRows(`SELECT load_id, status FROM awsdatacatalog.${ds}._dlt_loads ORDER BY load_id`);
    expect(loads).toEqual(runs.map((r) => ({ load_id: r.loads[0]!.load_ids[0], status: 0 })));
  });
});

describe("the statements sent", () => {
  it("parse with a Hive grammar (DDL) and fail only as first-run discovery does", async () => {
    const { checked, failures } = await hiveGrammarFailures(ds);
    expect(checked).toBeGreaterThan(20);
    expect(failures).toEqual([]);
    expect(unexpectedFailures(ds)).toEqual([]);
  });
});
