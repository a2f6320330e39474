import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "../support/cli.js";
import { LocalProject, type RunDocument } from "../support/local-project.js";

// The same items go to five tables, one per write disposition; RUN picks the items of each run.
// Run 3 gives id 1 an empty list, so its old child rows must go without new ones arriving.
const SCRIPT = `
import { pipeline, resource } from "dlt-athena";

const runs = {
  1: [{ id: 1, v: "a1", tags: ["x", "y"] }, { id: 2, v: "b1", tags: ["z"] }],
  2: [{ id: 2, v: "b2", tags: ["q"] }, { id: 3, v: "c2", tags: [] }],
  3: [{ id: 1, v: "a3", tags: [] }, { id: 3, v: "c3", tags: ["r", "s"] }],
};
const items = runs[process.env.RUN];

await pipeline({ pipelineName: "dispositions", destination: "athena", datasetName: "disp" }).run([
  resource(items, { name: "appended", writeDisposition: "append" }),
  resource(items, { name: "replaced", writeDisposition: "replace" }),
  resource(items, { name: "merged", writeDisposition: "merge", primaryKey: "id", tableFormat: "iceberg" }),
  resource(items, { name: "upserted", writeDisposition: { disposition: "merge", strategy: "upsert" }, primaryKey: "id", tableFormat: "iceberg" }),
  resource(items, { name: "hive_merged", writeDisposition: "merge", primaryKey: "id" }),
]);
`;

const TABLES = ["appended", "replaced", "merged", "upserted", "hive_merged"] as const;
const COUNTS_SQL = TABLES.flatMap((t) => [t, `${t}__tags`])
  .map((t) => `SELECT '${t}' AS t, count(*) AS n FROM ${t}`)
  .join(" UNION ALL ");

const project = new LocalProject();
const runs: RunDocument[] = [];
const counts: Array<Record<string, number>> = [];
let humanRun: CliResult;

function countRows(): Record<string, number> {
  const rows = project.rows(COUNTS_SQL, { pipelineName: "dispositions" });
  return Object.fromEntries(rows.map((r) => [r.t as string, r.n as number]));
}

/** Each root row with the values of its child rows in list order; child rows without a root fail. */
function rootsWithTags(table: string): Array<{ id: number; v: string; tags: string[] }> {
  const rows = project.rows(
    `SELECT r.id, r.v, r._dlt_id AS root, c.value, c._dlt_parent_id AS parent FROM disp.${table} r ` +
      `FULL OUTER JOIN disp.${table}__tags c ON c._dlt_parent_id = r._dlt_id ORDER BY r.id, r.v, c._dlt_list_idx`,
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

beforeAll(() => {
  project.create({ "dispositions.ts": SCRIPT });
  for (const run of ["1", "2"]) {
    runs.push(project.run("dispositions.ts", { RUN: run }));
    counts.push(countRows());
  }
  // The last run prints its human summary, which must carry the Hive merge warning.
  humanRun = project.cli(["run", "dispositions.ts", "--local"], { RUN: "3" });
  counts.push(countRows());
});
afterAll(() => project.cleanup());

describe("write dispositions over three --local runs", () => {
  it("append grows with every run, child rows included", () => {
    expect(counts.map((c) => [c.appended, c.appended__tags])).toEqual([[2, 3], [4, 4], [6, 6]]);
    expect(rootsWithTags("appended")).toEqual([
      { id: 1, v: "a1", tags: ["x", "y"] },
      { id: 1, v: "a3", tags: [] },
      { id: 2, v: "b1", tags: ["z"] },
      { id: 2, v: "b2", tags: ["q"] },
      { id: 3, v: "c2", tags: [] },
      { id: 3, v: "c3", tags: ["r", "s"] },
    ]);
  });

  it("replace keeps only the last run's rows, and resets its child table too", () => {
    expect(counts.map((c) => [c.replaced, c.replaced__tags])).toEqual([[2, 3], [2, 1], [2, 2]]);
    expect(rootsWithTags("replaced")).toEqual([
      { id: 1, v: "a3", tags: [] },
      { id: 3, v: "c3", tags: ["r", "s"] },
    ]);
  });

  it("merge (delete-insert) on Iceberg upserts by primary key, one row per key, with child rows following their root", () => {
    expect(counts.map((c) => [c.merged, c.merged__tags])).toEqual([[2, 3], [3, 3], [3, 3]]);
    expect(rootsWithTags("merged")).toEqual([
      { id: 1, v: "a3", tags: [] },
      { id: 2, v: "b2", tags: ["q"] },
      { id: 3, v: "c3", tags: ["r", "s"] },
    ]);
  });

  it("merge with the upsert strategy on Iceberg leaves one row per key, with child rows following their root", () => {
    expect(counts.map((c) => [c.upserted, c.upserted__tags])).toEqual([[2, 3], [3, 3], [3, 3]]);
    expect(rootsWithTags("upserted")).toEqual([
      { id: 1, v: "a3", tags: [] },
      { id: 2, v: "b2", tags: ["q"] },
      { id: 3, v: "c3", tags: ["r", "s"] },
    ]);
  });

  it("merge on a Hive table appends, and every run warns about it (in --json and in the summary)", () => {
    expect(counts.map((c) => [c.hive_merged, c.hive_merged__tags])).toEqual([[2, 3], [4, 4], [6, 6]]);
    for (const run of runs) {
      const warnings = run.loads[0]!.warnings.filter((w) => w.includes("hive_merged"));
      expect(warnings).toEqual([expect.stringMatching(/Hive tables cannot be merged into.*appended/)]);
    }
    expect(humanRun.status, humanRun.stderr).toBe(0);
    expect(humanRun.stdout).toMatch(/warning: Table `hive_merged` has write_disposition "merge".*appended/);
  });

  it("never warns about merging into the Iceberg tables", () => {
    for (const run of runs) expect(run.loads[0]!.warnings.filter((w) => /`(merged|upserted)`/.test(w))).toEqual([]);
  });
});
