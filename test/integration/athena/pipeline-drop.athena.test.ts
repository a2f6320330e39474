/**
 * `pipeline <name> drop` against the fake Athena endpoint with a `file://` staging bucket: the
 * statements sent (cleanup first, then DROP TABLE IF EXISTS in dataset and staging database) and
 * the files deleted (only the Hive tables' folders in the dataset folder).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runPipelineCommand } from "../../../src/cli/commands/pipeline.js";
import type { CliIo } from "../../../src/cli/io.js";
import { newPipelineState } from "../../../src/state/pipeline-state.js";
import { WorkingFolder } from "../../../src/pipeline/working-folder.js";
import { startAthenaServer, type FakeAthenaServer } from "../../support/athena-server.js";
import { makeTempDir, writeFiles } from "../../support/temp.js";
import { child, schemaOf, table } from "../../unit/destination/athena/fixtures.js";

const SECRET = "drop-test-secret-key-987";

let server: FakeAthenaServer;
let dir: string;
let cleanup: () => void;
let out: string[];
let err: string[];

const STAGED = {
  "bucket/shop_data/init": "",
  "bucket/shop_data/orders/1714392000.1.a1.parquet": "x",
  "bucket/shop_data/orders/1714392000.2.a2.parquet": "x",
  "bucket/shop_data/orders__items/1714392000.1.b1.parquet": "x",
  "bucket/shop_data/orders_archive/keep.parquet": "x",
  "bucket/shop_data/customers_0355b950a5b0/data/keep.parquet": "x",
  "bucket/other_data/orders/keep.parquet": "x",
};

function io(): CliIo {
  return {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    isInteractive: false,
    cwd: dir,
    env: {
      PIPELINE__PIPELINES_DIR: join(dir, "pipelines"),
      DESTINATION__FILESYSTEM__BUCKET_URL: `file://${join(dir, "bucket")}`,
      DESTINATION__ATHENA__QUERY_RESULT_BUCKET: "s3://results/q/",
      DESTINATION__ATHENA__CREDENTIALS__ENDPOINT_URL: server.endpoint,
      DESTINATION__ATHENA__CREDENTIALS__AWS_ACCESS_KEY_ID: "AKIDTEST",
      DESTINATION__ATHENA__CREDENTIALS__AWS_SECRET_ACCESS_KEY: SECRET,
      DESTINATION__ATHENA__CREDENTIALS__REGION_NAME: "us-east-1",
    },
  };
}

beforeAll(async () => {
  process.env.DLT_ATHENA_POLL_MS = "2";
  server = await startAthenaServer();
});
afterAll(() => server.stop());
beforeEach(async () => {
  server.reset();
  ({ dir, cleanup } = makeTempDir());
  out = [];
  err = [];
  writeFiles(dir, STAGED);
  const folder = new WorkingFolder(join(dir, "pipelines"), "shop");
  await folder.ensure();
  await folder.writeState({ ...newPipelineState("shop", "shop_data"), schema_names: ["shop"], default_schema_name: "shop" });
  await folder.writeSchema(
    schemaOf([
      table("orders", { id: "bigint" }, { writeDisposition: "replace" }),
      child("orders", "items", { sku: "text" }),
      table("customers", { id: "bigint" }, { writeDisposition: "merge", tableFormat: "iceberg", locationTag: "0355b950a5b0" }),
    ]),
  );
  return () => cleanup();
});

describe("pipeline drop on Athena", () => {
  it("deletes schema versions and state rows, then drops tables in both databases, then Hive files", async () => {
    await runPipelineCommand(io(), "shop", "drop", { yes: true, json: true });
    // First, once: is the staging database a dataset of its own (then nothing there is dropped)?
    const [ownership, versions, state, ...drops] = server.queries;
    expect(ownership).toMatch(/^SELECT table_schema, table_name, column_name FROM "awsdatacatalog"\.INFORMATION_SCHEMA\.COLUMNS WHERE .*table_schema IN \('shop_data_staging'\) AND table_name IN \('_dlt_loads', '_dlt_version'\)/);
    expect(versions).toBe(`DELETE FROM "awsdatacatalog"."shop_data"."_dlt_version" WHERE "schema_name" = 'shop'`);
    expect(state).toBe(`DELETE FROM "awsdatacatalog"."shop_data"."_dlt_pipeline_state" WHERE "pipeline_name" = 'shop'`);
    expect([...drops].sort()).toEqual([
      "DROP TABLE IF EXISTS `awsdatacatalog`.`shop_data`.`customers`",
      "DROP TABLE IF EXISTS `awsdatacatalog`.`shop_data`.`orders`",
      "DROP TABLE IF EXISTS `awsdatacatalog`.`shop_data`.`orders__items`",
      "DROP TABLE IF EXISTS `awsdatacatalog`.`shop_data_staging`.`customers`",
    ].sort());
    for (const [path] of Object.entries(STAGED)) {
      const isDropped = /shop_data\/orders(__items)?\//.test(path);
      expect(existsSync(join(dir, path)), path).toBe(!isDropped);
    }
    expect(existsSync(join(dir, "pipelines", "shop"))).toBe(false);
    const result = JSON.parse(out.join(""));
    expect(result).toMatchObject({ status: "ok", destination: "athena", deleted_files: 3, working_folder_removed: true });
    expect(out.join("") + err.join("")).not.toContain(SECRET);
  });

  it("treats a missing dataset as nothing to drop there", async () => {
    server.script(() => true, { fail: { reason: "SCHEMA_NOT_FOUND: line 1:13: Schema 'shop_data' does not exist" } });
    await runPipelineCommand(io(), "shop", "drop", { yes: true });
    expect(server.queries).toHaveLength(7);
    expect(out.join("")).toContain("Dropped pipeline shop from athena dataset shop_data");
    expect(existsSync(join(dir, "pipelines", "shop"))).toBe(false);
  });

  it("stops with the Athena error, keeping the working folder for a rerun, when a statement fails", async () => {
    server.script(/^DROP/, { fail: { reason: "AccessDeniedException: not allowed to drop" } });
    await expect(runPipelineCommand(io(), "shop", "drop", { yes: true })).rejects.toMatchObject({ code: "athena_query_failed" });
    expect(existsSync(join(dir, "pipelines", "shop", "state.json"))).toBe(true);
    expect(existsSync(join(dir, "bucket/shop_data/orders/1714392000.1.a1.parquet"))).toBe(true);
  });
});
