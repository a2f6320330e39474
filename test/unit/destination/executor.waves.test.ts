/**
 * executePlan scheduling: waves in order, bounded concurrency inside a wave, steps on the same
 * table never overlapping, the first failure stopping the plan, and query statistics.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executePlan, lockKeysOf } from "../../../src/destination/executor.js";
import { createFileStore } from "../../../src/staging/file-store.js";
import { makeTempDir } from "../../support/temp.js";
import {
  createDatabase, createIceberg, deleteAll, fakeDialect, insert, memoryJournal, plan, RecordingClient,
} from "./executor.harness.js";

let temp: ReturnType<typeof makeTempDir>;
beforeEach(() => {
  temp = makeTempDir();
});
afterEach(() => temp.cleanup());

const LAYOUT = "{table_name}/{load_id}.{file_id}.{ext}";

async function setup() {
  const journal = memoryJournal();
  const store = createFileStore(`${temp.dir}/bucket`);
  return { journal, store, client: new RecordingClient() };
}

describe("executePlan scheduling", () => {
  it("runs waves in order: every statement of a wave ends before the next wave starts", async () => {
    const { journal, store, client } = await setup();
    const p = plan([createDatabase()], [createIceberg("a"), createIceberg("b")], [insert("a"), insert("b")]);
    await executePlan(p, { dialect: fakeDialect(), client, store, layout: LAYOUT, journal });
    const order = client.events.filter((e) => e.startsWith("start")).map((e) => e.split(" ")[1]);
    expect(order).toEqual(["createDatabase", "createIcebergTable", "createIcebergTable", "insertFromStaging", "insertFromStaging"]);
    const lastCreateEnd = client.events.lastIndexOf("end createIcebergTable b #1");
    const firstInsertStart = client.events.findIndex((e) => e.startsWith("start insertFromStaging"));
    expect(lastCreateEnd).toBeLessThan(firstInsertStart);
  });

  it("runs the steps of a wave concurrently up to maxConcurrency", async () => {
    const { journal, store, client } = await setup();
    const wave = Array.from({ length: 8 }, (_, i) => insert(`t${i}`));
    await executePlan(plan(wave), { dialect: fakeDialect(), client, store, layout: LAYOUT, journal, maxConcurrency: 3 });
    expect(client.executed).toHaveLength(8);
    expect(client.maxInFlight).toBe(3);
  });

  it("never overlaps two steps that commit to the same table, while others run beside them", async () => {
    const { journal, store, client } = await setup();
    const wave = [deleteAll("orders"), insert("orders"), insert("users"), insert("items")];
    await executePlan(plan(wave), {
      dialect: fakeDialect({ deleteAll: 2, insertFromStaging: 2 }), client, store, layout: LAYOUT, journal,
    });
    const orders = client.events.filter((e) => / orders /.test(e));
    expect(orders).toEqual([
      "start deleteAll orders #1", "end deleteAll orders #1", "start deleteAll orders #2", "end deleteAll orders #2",
      "start insertFromStaging orders #1", "end insertFromStaging orders #1",
      "start insertFromStaging orders #2", "end insertFromStaging orders #2",
    ]);
    expect(client.maxInFlight).toBe(3);
  });

  it("derives one lock per written table", () => {
    expect(lockKeysOf(insert("orders"))).toEqual(["table:awsdatacatalog.shop.orders"]);
    expect(lockKeysOf({ kind: "deleteTableFiles", dataset: "shop", tables: ["a", "a__b"] })).toEqual(["files:shop/a", "files:shop/a__b"]);
  });

  it("stops at the first failing step after the wave's running steps settle, naming step and table", async () => {
    const { journal, store, client } = await setup();
    client.failOn(/^insertFromStaging orders/);
    const p = plan([insert("orders"), insert("users")], [createIceberg("later")]);
    const error = await executePlan(p, { dialect: fakeDialect(), client, store, layout: LAYOUT, journal }).then(
      () => undefined,
      (e: unknown) => e as Error & { code: string; meta: Record<string, unknown> },
    );
    expect(error?.code).toBe("load_step_failed");
    expect(error?.message).toContain("0.0.insertFromStaging");
    expect(error?.message).toContain("awsdatacatalog.shop.orders");
    expect(error?.message).toContain("boom");
    expect(error?.meta).toMatchObject({ step: "0.0.insertFromStaging", tables: ["awsdatacatalog.shop.orders"] });
    expect(client.executed).toEqual(["insertFromStaging users #1"]);
    expect(journal.has("0.1.insertFromStaging")).toBe(true);
    expect(journal.has("0.0.insertFromStaging")).toBe(false);
  });

  it("compiles the whole plan before running anything", async () => {
    const { journal, store, client } = await setup();
    const dialect = fakeDialect();
    const broken = { ...dialect, compileStep: (step: Parameters<typeof dialect.compileStep>[0]) => {
      if (step.kind === "deleteAll") throw new Error("statement too long");
      return dialect.compileStep(step);
    } };
    await expect(executePlan(plan([createDatabase()], [deleteAll("x")]), { dialect: broken, client, store, layout: LAYOUT, journal }))
      .rejects.toThrow("statement too long");
    expect(client.events).toEqual([]);
  });

  it("counts and times every statement; the longest chain is the sum of each wave's longest step", async () => {
    const { journal, store, client } = await setup();
    const p = plan([createDatabase()], [createIceberg("a"), createIceberg("b"), createIceberg("c")], [insert("a"), deleteAll("b")]);
    const result = await executePlan(p, {
      dialect: fakeDialect({ insertFromStaging: 3, deleteAll: 1 }), client, store, layout: LAYOUT, journal,
    });
    // 1 + 3 + (3 + 1) statements; chain 1 + 1 + 3.
    expect(result.queries).toEqual({ count: 8, longestChain: 5, seconds: 2, bytesScanned: 800 });
    expect(result.steps.map((s) => [s.id, s.status, s.statements])).toEqual([
      ["0.0.createDatabase", "completed", 1],
      ["1.0.createIcebergTable", "completed", 1],
      ["1.1.createIcebergTable", "completed", 1],
      ["1.2.createIcebergTable", "completed", 1],
      ["2.0.insertFromStaging", "completed", 3],
      ["2.1.deleteAll", "completed", 1],
    ]);
    expect(result.steps[4]?.queryIds).toHaveLength(3);
  });
});
