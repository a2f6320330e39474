import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { duckdbDialect } from "../../../src/destination/local/dialect.js";
import { executePlan, startedMarker } from "../../../src/destination/executor.js";
import { stepId } from "../../../src/destination/plan.js";
import type { LoadPlan, LoadStep, TableRef } from "../../../src/destination/plan.js";
import { remainingStep } from "../../../src/destination/warehouse.js";
import { StepJournal } from "../../../src/packages/step-journal.js";
import { CATALOG, openHarness } from "./local-harness.js";
import type { Harness } from "./local-harness.js";

let harness: Harness;
beforeEach(async () => {
  harness = await openHarness();
});
afterEach(async () => {
  await harness.close();
});

const table: TableRef = { catalog: CATALOG, database: "shop", table: "orders" };
const addColumns = (...names: string[]): Extract<LoadStep, { kind: "addColumns" }> => ({
  kind: "addColumns",
  table,
  format: "iceberg",
  columns: names.map((name) => ({ name, dataType: "text" as const })),
});

async function createOrders(): Promise<void> {
  await harness.run(
    { kind: "createDatabase", catalog: CATALOG, database: "shop" },
    { kind: "createIcebergTable", table, columns: [{ name: "id", dataType: "bigint" }], location: harness.location("shop", "orders"), partitions: [], ifNotExists: false },
  );
}

async function columnsOfOrders(): Promise<string[]> {
  const rows = await harness.rows(
    `SELECT column_name FROM "${CATALOG}".information_schema.columns WHERE table_schema = 'shop' AND table_name = 'orders' ORDER BY ordinal_position`,
  );
  return rows.map((r) => String(r.column_name));
}

describe("an interrupted ADD COLUMNS", () => {
  it("is reduced to the columns the table still lacks, or to nothing", async () => {
    await createOrders();
    await harness.run(addColumns("coupon"));
    expect(await remainingStep(harness.engine, addColumns("coupon", "note"))).toEqual(addColumns("note"));
    expect(await remainingStep(harness.engine, addColumns("coupon"))).toBeUndefined();
    const other: LoadStep = { kind: "deleteAll", table };
    expect(await remainingStep(harness.engine, other)).toBe(other);
  });

  it("completes on rerun without failing on the column it already added", async () => {
    await createOrders();
    // The first attempt added `coupon`, then the process died before the step was journaled.
    await harness.run(addColumns("coupon"));
    const step = addColumns("coupon", "note");
    const plan: LoadPlan = { loadId: "1.1", waves: [[step]], warnings: [], locationTags: {} };
    const journal = await StepJournal.read(join(harness.dir, "journal.jsonl"));
    await journal.record(startedMarker(stepId(0, 0, step)));

    const result = await executePlan(plan, {
      dialect: duckdbDialect({ bucketRoot: harness.bucketRoot }),
      client: harness.engine,
      store: harness.store,
      layout: "{table_name}/{load_id}.{file_id}.{ext}",
      journal,
      reconcile: (s) => remainingStep(harness.engine, s),
    });
    expect(result.steps[0]?.status).toBe("completed");
    // Only `note` is sent again: DuckDB would accept `coupon` twice (IF NOT EXISTS), Athena would not.
    expect(result.steps[0]?.statements).toBe(1);
    expect(await columnsOfOrders()).toEqual(["id", "coupon", "note"]);
    expect(journal.has(stepId(0, 0, step))).toBe(true);
  });
});
