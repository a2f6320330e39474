import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliResult } from "../support/cli.js";
import { LocalProject, type QueryDocument, type RunDocument, loadedRows } from "../support/local-project.js";

// An "API" of numbered events: each run asks for ids from the cursor's last value up to UP_TO.
// WITH_COLOR adds a column that the files of earlier runs lack, to a Hive and an Iceberg table.
const EVENTS = `
import { incremental, pipeline, resource } from "dlt-athena";

const upTo = Number(process.env.UP_TO);
const withColor = process.env.WITH_COLOR === "1";
const events = resource(
  function* ({ incremental: cursor }) {
    for (let id = cursor?.lastValue ?? 1; id <= upTo; id++) {
      yield { id, name: \`event \${id}\`, ...(withColor ? { color: \`c\${id}\` } : {}) };
    }
  },
  { name: "events", incremental: incremental("id", { initialValue: 1, primaryKey: "id" }) },
);
const profiles = resource([{ user: "ann", ...(withColor ? { color: "red" } : {}) }], { name: "profiles", tableFormat: "iceberg" });
await pipeline({ pipelineName: "events", destination: "athena", datasetName: "events_data" }).run([events, profiles]);
`;

// One pipeline through four runs, each scenario building on the one before (CLI spawns are slow):
//   1. ids 1–3                                    → a first load
//   2. working folder deleted; ids 4–5 with color → state restored from the engine; a new column
//   3. the staging folder of `events` broken      → the load fails, its package stays pending
//   4. folder repaired; ids up to 7               → the pending package loads, then the new one
const project = new LocalProject();
const workingFolder = () => join(project.pipelinesDir, "events");
const runs: RunDocument[] = [];
let failed: CliResult;
let afterRestore: QueryDocument;
let profiles: Record<string, unknown>[];
let afterRerun: Record<string, unknown>[];

beforeAll(() => {
  project.create({ "events.ts": EVENTS });
  runs.push(project.run("events.ts", { UP_TO: "3" }));
  expect(existsSync(workingFolder())).toBe(true);
  rmSync(workingFolder(), { recursive: true });

  runs.push(project.run("events.ts", { UP_TO: "5", WITH_COLOR: "1" }));
  afterRestore = project.query("SELECT id, name, color, _dlt_load_id FROM events ORDER BY id", { pipelineName: "events" });
  profiles = project.rows("SELECT user, color FROM events_data.profiles ORDER BY color NULLS FIRST");

  // A file where the table's staging folder should be makes the upload step fail.
  const tableFolder = join(project.dir, ".dlt", "local", "bucket", "events_data", "events");
  const aside = join(project.root, "events-aside");
  renameSync(tableFolder, aside);
  writeFileSync(tableFolder, "not a folder");
  failed = project.cli(["run", "events.ts", "--local", "--json"], { UP_TO: "6", WITH_COLOR: "1" });
  rmSync(tableFolder);
  mkdirSync(join(tableFolder, ".."), { recursive: true });
  renameSync(aside, tableFolder);

  runs.push(project.run("events.ts", { UP_TO: "7", WITH_COLOR: "1" }));
  afterRerun = project.rows("SELECT id, _dlt_load_id FROM events_data.events ORDER BY id");
});
afterAll(() => project.cleanup());

describe("incremental loading in local mode", () => {
  it("continues after the working folder is deleted: the state is restored from the local engine", () => {
    expect(loadedRows(runs[0]!)).toContainEqual(["events", 3]);
    expect(loadedRows(runs[1]!)).toContainEqual(["events", 2]);
    const [firstLoad, secondLoad] = [runs[0]!.loads[0]!.load_ids[0], runs[1]!.loads[0]!.load_ids[0]];
    expect(afterRestore.rows.map((r) => [r.id, r._dlt_load_id])).toEqual([
      [1, firstLoad],
      [2, firstLoad],
      [3, firstLoad],
      [4, secondLoad],
      [5, secondLoad],
    ]);
  });
});

describe("schema evolution in local mode", () => {
  it("adds a column on a later run; queries return NULL for the rows loaded before it (Hive table)", () => {
    expect(afterRestore.columns.slice(0, 3)).toEqual([
      { name: "id", type: "bigint" },
      { name: "name", type: "varchar" },
      { name: "color", type: "varchar" },
    ]);
    expect(afterRestore.rows.map(({ id, name, color }) => ({ id, name, color }))).toEqual([
      { id: 1, name: "event 1", color: null },
      { id: 2, name: "event 2", color: null },
      { id: 3, name: "event 3", color: null },
      { id: 4, name: "event 4", color: "c4" },
      { id: 5, name: "event 5", color: "c5" },
    ]);
  });

  it("adds the column to an Iceberg table too, with NULL in the rows loaded before it", () => {
    expect(profiles).toEqual([
      { user: "ann", color: null },
      { user: "ann", color: "red" },
    ]);
  });
});

describe("a load that fails in local mode", () => {
  it("exits 1 with an error document naming the failed step and table", () => {
    expect(failed.status).toBe(1);
    expect(JSON.parse(failed.stdout)).toMatchObject({ status: "error", error: { code: "load_step_failed", tables: ["events"] } });
  });

  it("is completed by the next run, which loads the pending package before its own, without duplicates", () => {
    const last = runs[2]!.loads[0]!;
    expect(last.load_ids).toHaveLength(2);
    const [pending, fresh] = last.load_ids;
    const [first, second] = [runs[0]!.loads[0]!.load_ids[0], runs[1]!.loads[0]!.load_ids[0]];
    expect(afterRerun.map((r) => [r.id, r._dlt_load_id])).toEqual([
      [1, first],
      [2, first],
      [3, first],
      [4, second],
      [5, second],
      [6, pending],
      [7, fresh],
    ]);
  });
});
