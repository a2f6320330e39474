import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LoadError } from "../../../src/errors.js";
import { pipeline } from "../../../src/pipeline/pipeline.js";
import { incremental } from "../../../src/source/incremental.js";
import { resource, transformer } from "../../../src/source/resource.js";
import { source } from "../../../src/source/source.js";
import { readParquet } from "../../support/read-parquet.js";
import { RecordingDestination } from "../../support/recording-destination.js";
import { makeTempDir } from "../../support/temp.js";

let dir: string;
let cleanup: () => void;
let destination: RecordingDestination;

beforeEach(() => {
  ({ dir, cleanup } = makeTempDir());
  destination = new RecordingDestination(join(dir, "received"));
});
afterEach(() => cleanup());

const newPipeline = (name = "shop") =>
  pipeline({ pipelineName: name, datasetName: "shop_data", pipelinesDir: join(dir, "pipelines"), destination, projectDir: dir });

async function rowsOf(table: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const file of destination.filesOf(table)) rows.push(...(await readParquet(file)).rows);
  return rows;
}

describe("pipeline.run", () => {
  it("normalizes nested records into parent and child tables and reports rows per table", async () => {
    const orders = [
      { id: 1, customer: { name: "Ann", city: "Zürich" }, total: "9.50", created_at: new Date("2024-04-29T12:00:00.123Z"), items: [{ sku: "A", qty: 2 }, { sku: "B", qty: 1 }] },
      { id: 2, customer: { name: "Bo" }, total: "0.29", created_at: "2024-04-30T08:00:00.001Z", items: [] },
    ];
    const info = await newPipeline().run(orders, { tableName: "Orders", columns: { total: { dataType: "decimal", precision: 18, scale: 2 } } });

    expect(info.tables.map((t) => [t.name, t.rows])).toEqual([
      ["_dlt_pipeline_state", 1],
      ["orders", 2],
      ["orders__items", 2],
    ]);
    const rows = await rowsOf("orders");
    expect(rows.map((r) => [r.id, r.customer__name, r.customer__city ?? null, r.total])).toEqual([
      [1n, "Ann", "Zürich", "9.50"],
      [2n, "Bo", null, "0.29"],
    ]);
    expect((rows[0]!.created_at as Date).toISOString()).toBe("2024-04-29T12:00:00.123Z");
    expect((rows[1]!.created_at as Date).toISOString()).toBe("2024-04-30T08:00:00.001Z");
    const items = await rowsOf("orders__items");
    expect(items.map((r) => [r.sku, r._dlt_list_idx, r._dlt_parent_id])).toEqual([
      ["A", 0n, rows[0]!._dlt_id],
      ["B", 1n, rows[0]!._dlt_id],
    ]);
    expect(new Set(rows.map((r) => r._dlt_load_id))).toEqual(new Set([info.loadIds[0]]));
  });

  it("keeps bigint beyond 2^53, unicode and nulls exact", async () => {
    await newPipeline().run(
      [{ id: 9007199254740993n, label: "emoji 😀 und Straße", note: null }, { id: 1n, label: null, note: "x" }],
      { tableName: "values" },
    );
    const rows = await rowsOf("values");
    expect(rows.map((r) => [r.id, r.label ?? null, r.note ?? null])).toEqual([
      [9007199254740993n, "emoji 😀 und Straße", null],
      [1n, null, "x"],
    ]);
  });

  it("keeps binary values byte for byte, top level and nested, as Parquet BYTE_ARRAY", async () => {
    const blob = new Uint8Array([0, 1, 127, 128, 255]);
    const nested = Buffer.from("héllo", "utf8");
    const p = newPipeline();
    await p.run(
      [{ id: 1, blob, meta: { raw: nested }, parts: [{ chunk: new Uint8Array([9, 8]) }] }, { id: 2, blob: null, meta: { raw: null }, parts: [] }],
      { tableName: "blobs" },
    );
    const rows = await rowsOf("blobs");
    expect(rows.map((r) => [r.id, r.blob ? [...(r.blob as Uint8Array)] : null, r.meta__raw ? Buffer.from(r.meta__raw as Uint8Array).toString("utf8") : null])).toEqual([
      [1n, [0, 1, 127, 128, 255], "héllo"],
      [2n, null, null],
    ]);
    expect((await rowsOf("blobs__parts")).map((r) => [...(r.chunk as Uint8Array)])).toEqual([[9, 8]]);
    expect(p.defaultSchema?.getTable("blobs")?.columns.blob?.dataType).toBe("binary");
  });

  it("loads only new items on the next run, deduplicating items at the cursor boundary", async () => {
    let batch = [{ id: 1, updated: 10 }, { id: 2, updated: 20 }];
    const events = () => resource(() => batch, { name: "events", incremental: incremental("updated", { primaryKey: "id" }) });
    await newPipeline().run(events());
    batch = [{ id: 1, updated: 10 }, { id: 2, updated: 20 }, { id: 3, updated: 20 }, { id: 4, updated: 30 }];
    const second = await newPipeline().run(events());
    expect(second.tables.find((t) => t.name === "events")?.rows).toBe(2);
    const ids = (await rowsOf("events")).map((r) => r.id);
    expect(ids).toEqual([1n, 2n, 3n, 4n]);
    const state = JSON.parse(readFileSync(join(dir, "pipelines", "shop", "state.json"), "utf8"));
    expect(state.sources.shop.resources.events.incremental.updated.last_value).toBe(30);
  });

  it("leaves an interrupted load's package on disk and completes it on the next run first", async () => {
    destination.failNext = new Error("network went away");
    await expect(newPipeline().run([{ id: 1 }], { tableName: "things" })).rejects.toThrow(
      /^Pipeline step load failed for load package \d+\.\d+: network went away\nThe load package stays pending; run again to resume it\.$/,
    );
    const packages = join(dir, "pipelines", "shop", "packages");
    expect(readdirSync(packages).filter((n) => !n.startsWith("."))).toHaveLength(1);
    expect(destination.loads).toHaveLength(0);

    const info = await newPipeline().run([{ id: 2 }], { tableName: "things" });
    expect(info.packages).toHaveLength(2);
    expect(destination.loads).toHaveLength(2);
    expect((await rowsOf("things")).map((r) => r.id)).toEqual([1n, 2n]);
  });

  it("keeps the code of a load error and adds the load id, the step and the next action", async () => {
    destination.failNext = new LoadError("athena_query_failed", "Athena said no.", { meta: { sql: "SELECT 1" }, isTransient: true });
    const error = (await newPipeline().run([{ id: 1 }], { tableName: "things" }).catch((e: unknown) => e)) as LoadError;
    const [loadId] = readdirSync(join(dir, "pipelines", "shop", "packages")).filter((n) => !n.startsWith("."));
    expect(error).toBeInstanceOf(LoadError);
    expect(error).toMatchObject({ code: "athena_query_failed", isTransient: true, meta: { sql: "SELECT 1", step: "load", loadId } });
    expect(error.message).toBe(`Pipeline step load failed for load package ${loadId}: Athena said no.\nThe load package stays pending; run again to resume it.`);
  });

  it("names the resource and the hidden cause (errno, host) when fetch fails", async () => {
    const server = createServer();
    const port = await new Promise<number>((done) => server.listen(0, "127.0.0.1", () => done((server.address() as AddressInfo).port)));
    await new Promise((done) => server.close(done));
    const unreachable = resource(
      async function* () {
        yield await fetch(`http://127.0.0.1:${port}/never`).then((r) => r.json());
      },
      { name: "remote_things" },
    );
    const error = (await newPipeline().run(unreachable).then(() => new Error("the run succeeded"), (caught: unknown) => caught)) as Error;
    expect(error.message).toContain("resource `remote_things`");
    expect(error.message).toContain(`fetch failed (ECONNREFUSED 127.0.0.1:${port}`);
  });

  it("keeps the state unchanged and says which step failed when a resource throws", async () => {
    const failing = resource(
      function* () {
        yield { id: 1, updated: 5 };
        throw new Error("API answered 500");
      },
      { name: "flaky", incremental: incremental("updated") },
    );
    const p = newPipeline();
    await expect(p.run(failing)).rejects.toThrow("Pipeline step extract failed in resource `flaky`: API answered 500");
    expect(p.state.sources.shop?.resources?.flaky?.incremental).toBeUndefined();
    expect(destination.loads).toHaveLength(0);
  });

  it("fails with a contract error naming table and column when columns are frozen", async () => {
    const p = newPipeline();
    await p.run([{ id: 1 }], { tableName: "users" });
    const error = await p.run([{ id: 2, email: "x@y" }], { tableName: "users", schemaContract: { columns: "freeze" } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoadError);
    expect((error as LoadError).message).toContain("email");
    expect((error as LoadError).message).toContain("users");
  });

  it("refuses a time column before anything is loaded, naming table and column", async () => {
    const error = await newPipeline()
      .run([{ id: 1, starts: "12:30:00" }], { tableName: "slots", columns: { starts: { dataType: "time" } } })
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/slots.*starts|starts.*slots/);
    expect((error as Error).message).toMatch(/string|timestamp/);
    expect(destination.loads).toHaveLength(0);
  });

  it("feeds transformers from their parent's items and routes items to dynamic tables", async () => {
    const users = resource([{ id: 1 }, { id: 2 }], { name: "users" });
    const details = transformer(users, async (user) => ({ user_id: (user as { id: number }).id, plan: "pro" }), { name: "user_details" });
    const events = resource([{ kind: "click", n: 1 }, { kind: "view", n: 2 }], { name: "events", tableName: (e) => `events_${(e as { kind: string }).kind}` });
    const info = await newPipeline().run(source("app", () => [users, details, events]));
    expect(info.tables.map((t) => [t.name, t.rows])).toEqual([
      ["_dlt_pipeline_state", 1],
      ["events_click", 1],
      ["events_view", 1],
      ["user_details", 2],
      ["users", 2],
    ]);
    expect((await rowsOf("user_details")).map((r) => r.user_id)).toEqual([1n, 2n]);
  });

  it("ships the schema and the state with each package and stores them in the working folder", async () => {
    const p = newPipeline();
    await p.run([{ id: 1 }], { tableName: "things" });
    const [load] = destination.loads;
    expect(load!.context.schema.tables.things?.columns.id?.dataType).toBe("bigint");
    expect(load!.context.state?.pipeline_name).toBe("shop");
    expect(existsSync(join(dir, "pipelines", "shop", "schemas", "shop.schema.json"))).toBe(true);
    const [stateRow] = await rowsOf("_dlt_pipeline_state");
    expect(stateRow!.pipeline_name).toBe("shop");
    expect(p.defaultSchema?.name).toBe("shop");
  });

  it("logs progress lines to stderr when asked to", async () => {
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const p = pipeline({ pipelineName: "loud", pipelinesDir: join(dir, "pipelines"), destination, projectDir: dir, progress: true });
      await p.run([{ id: 1 }], { tableName: "things" });
    } finally {
      spy.mockRestore();
    }
    expect(written.join("")).toMatch(/loading package \d+\.\d+ into recording/);
  });
});
