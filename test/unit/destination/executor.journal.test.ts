/**
 * executePlan and the load package's journal (a real StepJournal file) plus a real file store:
 * completed steps are skipped on rerun, an interrupted insert is undone before it runs again,
 * and file steps upload and delete through the store with the replace guard.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executePlan, startedMarker } from "../../../src/destination/executor.js";
import type { LoadStep } from "../../../src/destination/plan.js";
import { StepJournal } from "../../../src/packages/step-journal.js";
import { createFileStore } from "../../../src/staging/file-store.js";
import { listAll } from "../../../src/staging/object-store.js";
import { makeTempDir } from "../../support/temp.js";
import { createDatabase, createIceberg, fakeDialect, insert, plan, RecordingClient } from "./executor.harness.js";

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

const LAYOUT = "{table_name}/{load_id}.{file_id}.{ext}";
const journalPath = () => `${temp.dir}/journal.jsonl`;
const undoOf = (step: LoadStep): string[] =>
  step.kind === "insertFromStaging" ? [`DELETE FROM ${step.target.table} WHERE _dlt_load_id = '1714392000.5'`] : [];

describe("executePlan and the journal", () => {
  it("journals each step as started and completed, and skips completed steps on rerun", async () => {
    const store = createFileStore(`${temp.dir}/bucket`);
    const p = plan([createDatabase()], [createIceberg("orders")], [insert("orders")]);
    const first = await executePlan(p, { dialect: fakeDialect(), client: new RecordingClient(), store, layout: LAYOUT, journal: await StepJournal.read(journalPath()) });
    expect(first.queries.count).toBe(3);
    const journal = await StepJournal.read(journalPath());
    expect(journal.completed).toEqual([
      "started:0.0.createDatabase", "0.0.createDatabase",
      "started:1.0.createIcebergTable", "1.0.createIcebergTable",
      "started:2.0.insertFromStaging", "2.0.insertFromStaging",
    ]);
    const client = new RecordingClient();
    const rerun = await executePlan(p, { dialect: fakeDialect(), client, store, layout: LAYOUT, journal, undo: undoOf });
    expect(client.events).toEqual([]);
    expect(rerun.steps.every((s) => s.status === "skipped")).toBe(true);
    expect(rerun.queries).toEqual({ count: 0, longestChain: 0, seconds: 0 });
  });

  it("undoes an insert interrupted between statements before running it again", async () => {
    const store = createFileStore(`${temp.dir}/bucket`);
    const dialect = fakeDialect({ insertFromStaging: 2 });
    const p = plan([createIceberg("orders")], [insert("orders")]);
    const crashing = new RecordingClient().failOn(/^insertFromStaging orders #2/);
    await expect(executePlan(p, { dialect, client: crashing, store, layout: LAYOUT, journal: await StepJournal.read(journalPath()), undo: undoOf }))
      .rejects.toThrow(/1\.0\.insertFromStaging/);
    expect(crashing.executed).toEqual(["createIcebergTable orders #1", "insertFromStaging orders #1"]);

    const journal = await StepJournal.read(journalPath());
    expect(journal.has(startedMarker("1.0.insertFromStaging"))).toBe(true);
    expect(journal.has("1.0.insertFromStaging")).toBe(false);
    const client = new RecordingClient();
    const result = await executePlan(p, { dialect, client, store, layout: LAYOUT, journal, undo: undoOf });
    expect(client.executed).toEqual([
      "DELETE FROM orders WHERE _dlt_load_id = '1714392000.5'",
      "insertFromStaging orders #1",
      "insertFromStaging orders #2",
    ]);
    expect(result.steps.find((s) => s.id === "1.0.insertFromStaging")).toMatchObject({ statements: 3, undoStatements: 1 });
    expect(result.queries.longestChain).toBe(3);
  });

  it("asks for undo statements only for steps that started and never completed", async () => {
    const store = createFileStore(`${temp.dir}/bucket`);
    const asked: string[] = [];
    const undo = (step: LoadStep) => {
      asked.push(step.kind);
      return undoOf(step);
    };
    const journal = await StepJournal.read(journalPath());
    await journal.record(startedMarker("0.1.insertFromStaging"));
    const client = new RecordingClient();
    await executePlan(plan([insert("orders"), insert("users")]), { dialect: fakeDialect(), client, store, layout: LAYOUT, journal, undo });
    expect(asked).toEqual(["insertFromStaging"]);
    expect(client.executed).toContain("DELETE FROM users WHERE _dlt_load_id = '1714392000.5'");
    expect(client.executed).not.toContain("DELETE FROM orders WHERE _dlt_load_id = '1714392000.5'");
  });

  it("uploads files and deletes a table's old files through the store, leaving other tables alone", async () => {
    const store = createFileStore(`${temp.dir}/bucket`);
    await store.put("shop/orders/old.a.parquet", "old");
    await store.put("shop/orders__items/old.b.parquet", "old");
    await store.put("shop/users/keep.c.parquet", "keep");
    await store.put("shop/init", "");
    const local = `${temp.dir}/orders.f1.0.parquet`;
    writeFileSync(local, "new rows");
    const p = plan(
      [{ kind: "deleteTableFiles", dataset: "shop", tables: ["orders", "orders__items"] }],
      [{ kind: "uploadFiles", files: [{ job: "orders.f1.0.parquet", table: "orders", localPath: local, key: "shop/orders/1714392000.5.f1.parquet" }] }],
    );
    const client = new RecordingClient();
    const result = await executePlan(p, { dialect: fakeDialect(), client, store, layout: LAYOUT, journal: await StepJournal.read(journalPath()) });
    expect((await listAll(store, "shop/")).map((o) => o.key)).toEqual([
      "shop/init", "shop/orders/1714392000.5.f1.parquet", "shop/users/keep.c.parquet",
    ]);
    expect(readFileSync(`${temp.dir}/bucket/shop/orders/1714392000.5.f1.parquet`, "utf8")).toBe("new rows");
    expect(result.steps.map((s) => [s.kind, s.filesDeleted, s.filesUploaded])).toEqual([["deleteTableFiles", 2, 0], ["uploadFiles", 0, 1]]);
    expect(result.queries.count).toBe(0);
    expect(client.events).toEqual([]);
  });

  it("resolves the dataset folder with datasetPrefixOf", async () => {
    const store = createFileStore(`${temp.dir}/bucket`);
    await store.put("lake/shop/orders/old.parquet", "old");
    await executePlan(plan([{ kind: "deleteTableFiles", dataset: "shop", tables: ["orders"] }]), {
      dialect: fakeDialect(), client: new RecordingClient(), store, layout: LAYOUT,
      journal: await StepJournal.read(journalPath()), datasetPrefixOf: (dataset) => `lake/${dataset}/`,
    });
    expect(existsSync(`${temp.dir}/bucket/lake/shop/orders/old.parquet`)).toBe(false);
  });
});
