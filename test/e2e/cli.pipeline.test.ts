import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLoadPackage } from "../../src/packages/load-package.js";
import { runCli } from "../support/cli.js";
import type { CliResult } from "../support/cli.js";
import { linkPackage } from "../support/project.js";
import { makeTempDir, writeFiles } from "../support/temp.js";

// `pipeline <name> info | trace | schema | sync | drop` and `dbt-profile` through the built CLI,
// on a pipeline loaded with --local. Working folders live in the temp project (never in ~).

const SECRET = "wJalrXUtnFEMI-secret-never-printed";
const KEY_ID = "AKIATESTKEY00009876";

const SCRIPT = `
import { incremental, pipeline, resource, source } from "dlt-athena";

const shop = source("shop", () => [
  resource(
    [{ id: 1, name: "a", updated: 10, items: [{ sku: "x", qty: 2 }] }, { id: 2, name: "b", updated: 20, items: [] }],
    { name: "orders", incremental: incremental("updated", { primaryKey: "id" }) },
  ),
  resource([{ id: 1, email: "c@example.com" }], { name: "customers", writeDisposition: "merge", primaryKey: "id", tableFormat: "iceberg" }),
]);
await pipeline({ pipelineName: "shop", datasetName: "shop_data" }).run(shop);
`;

let dir: string;
let cleanup: () => void;
let pipelines: string;
let folder: string;

const cli = (args: readonly string[]): CliResult => runCli(args, { cwd: dir, env: { PIPELINE__PIPELINES_DIR: pipelines } });
const json = (result: CliResult): Record<string, any> => {
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, any>;
};
const expectNoSecrets = (result: CliResult) => {
  expect(result.stdout + result.stderr).not.toContain(SECRET);
  expect(result.stdout + result.stderr).not.toContain(KEY_ID);
};
const readState = () => JSON.parse(readFileSync(join(folder, "state.json"), "utf8")) as Record<string, any>;

beforeAll(() => {
  ({ dir, cleanup } = makeTempDir());
  pipelines = join(dir, "pipelines");
  folder = join(pipelines, "shop");
  writeFiles(dir, {
    "package.json": JSON.stringify({ type: "module" }),
    "shop_pipeline.ts": SCRIPT,
    ".dlt/config.toml": `[destination.athena]\nquery_result_bucket = "s3://results-bucket/athena/"\nathena_work_group = "analytics"\n`,
    ".dlt/secrets.toml":
      `[destination.filesystem]\nbucket_url = "s3://lake-bucket/raw"\n\n` +
      `[destination.athena.credentials]\naws_access_key_id = "${KEY_ID}"\naws_secret_access_key = "${SECRET}"\nregion_name = "eu-central-1"\n`,
  });
  linkPackage(dir);
  const run = cli(["run", "shop_pipeline.ts", "--local"]);
  expect(run.status, run.stderr).toBe(0);
});
afterAll(() => cleanup());

describe("dlt-athena pipeline <name> info | trace | schema", () => {
  it("prints the pipeline, its schemas, packages and last run as text, without secrets", () => {
    const result = cli(["pipeline", "shop", "info", "--local"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("Pipeline shop");
    expect(result.stdout).toContain("dataset:        shop_data");
    expect(result.stdout).toContain("athena (local)");
    expect(result.stdout).toContain(`working folder: ${folder}`);
    expect(result.stdout).toMatch(/state:\s+version 1, hash \S+/);
    expect(result.stdout).toContain("orders: 5 columns (append, hive)");
    expect(result.stdout).toContain("orders__items: 5 columns (child of orders: append, hive)");
    expect(result.stdout).toContain("customers: 4 columns (merge, iceberg)");
    expect(result.stdout).toMatch(/\d+\.\d+ {2}loaded/);
    expect(result.stdout).toContain("orders: 2 rows in 1 file(s)");
    expectNoSecrets(result);
  });

  it("prints info as one JSON document with redacted configuration", () => {
    const result = cli(["pipeline", "shop", "info", "--local", "--json"]);
    const info = json(result);
    expect(info).toMatchObject({ pipeline_name: "shop", dataset_name: "shop_data", destination: { name: "athena (local)" }, working_folder: folder });
    expect(info.state).toMatchObject({ version: 1, default_schema_name: "shop", schema_names: ["shop"] });
    expect(info.state.sources.shop.resources.orders.incremental.updated.last_value).toBe(20);
    const tables = Object.fromEntries(info.schemas[0].tables.map((t: any) => [t.name, t]));
    expect(tables.orders).toMatchObject({ write_disposition: "append", table_format: "hive", has_data: true });
    expect(tables.customers).toMatchObject({ write_disposition: "merge", table_format: "iceberg" });
    expect(info.packages).toHaveLength(1);
    expect(info.packages[0]).toMatchObject({ status: "loaded", state: "loaded" });
    expect(info.last_run.steps.map((s: any) => s.step)).toContain("extract");
    expect(info.last_run.load_info.dataset_name).toBe("shop_data");
    const secretRow = info.config.find((row: any) => row.key === "destination.athena.credentials.aws_secret_access_key");
    expect(secretRow).toMatchObject({ value: "****", source: "secrets.toml" });
    expectNoSecrets(result);
  });

  it("lists a pending package with its jobs and the failure reason of a failed job", async () => {
    const loadId = "1999999999.0000001";
    const pkg = await createLoadPackage(join(folder, "packages"), loadId, { state: "normalized" });
    const file = join(dir, "orders.abc123def0.0.parquet");
    writeFileSync(file, "not really parquet");
    const job = await pkg.addJobFile(file);
    await pkg.failJob(job.name, "HIVE_BAD_DATA: broken file");
    try {
      const info = json(cli(["pipeline", "shop", "info", "--json"]));
      const pending = info.packages.find((p: any) => p.load_id === loadId);
      expect(pending).toMatchObject({ status: "pending", jobs: [{ job: job.name, table: "orders", state: "failed", failure: "HIVE_BAD_DATA: broken file" }] });
      const text = cli(["pipeline", "shop", "info"]).stdout;
      expect(text).toContain(`${loadId}  pending`);
      expect(text).toContain("failed: HIVE_BAD_DATA: broken file");
    } finally {
      rmSync(pkg.path, { recursive: true, force: true });
    }
  });

  it("prints the last run trace with step timings and load info", () => {
    const text = cli(["pipeline", "shop", "trace"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/step extract\s+\d+\.\d{3} s/);
    expect(text.stdout).toMatch(/step load\s+\d+\.\d{3} s/);
    expect(text.stdout).toContain("customers: 1 rows in 1 file(s)");
    const trace = json(cli(["pipeline", "shop", "trace", "--json"]));
    expect(trace.pipeline_name).toBe("shop");
    expect(trace.steps.every((s: any) => typeof s.seconds === "number" && typeof s.started_at === "string")).toBe(true);
    expect(trace.load_info.tables.map((t: any) => t.name)).toEqual(["_dlt_pipeline_state", "customers", "orders", "orders__items"]);
  });

  it("prints the default schema as text, and as the stored JSON with --json", () => {
    const text = cli(["pipeline", "shop", "schema"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^Schema shop \(version \d+, hash /);
    expect(text.stdout).toMatch(/\n {2}id\s+bigint\s+not null, primary key\n/);
    expect(text.stdout).toMatch(/\n {2}_dlt_parent_id\s+text\s+not null, parent key\n/);
    const stored = JSON.parse(readFileSync(join(folder, "schemas", "shop.schema.json"), "utf8"));
    expect(json(cli(["pipeline", "shop", "schema", "--json"]))).toEqual(stored);
  });

  it("exits 2 for a pipeline without a working folder, saying how to fix it", () => {
    for (const op of ["info", "trace", "schema"]) {
      const result = cli(["pipeline", "nope", op]);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain("dlt-athena pipeline nope sync");
    }
    const envelope = JSON.parse(cli(["pipeline", "nope", "info", "--json"]).stdout);
    expect(envelope).toMatchObject({ status: "error", error: { code: "pipeline_not_found" } });
    expect(cli(["pipeline", "../shop", "info"]).status).toBe(2);
  });
});

describe("dlt-athena dbt-profile", () => {
  it("prints a dbt-athena profile for the pipeline's dataset with credentials as env_var placeholders", () => {
    const result = cli(["dbt-profile", "--pipeline-name", "shop"]);
    expect(result.status, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^shop:\n {2}target: dev\n {2}outputs:\n {4}dev:\n {6}type: athena\n/m);
    for (const line of [
      `s3_staging_dir: "s3://results-bucket/athena/"`,
      `region_name: "eu-central-1"`,
      `database: "awsdatacatalog"`,
      `schema: "shop_data"`,
      `work_group: "analytics"`,
      `aws_access_key_id: "{{ env_var('AWS_ACCESS_KEY_ID') }}"`,
      `aws_secret_access_key: "{{ env_var('AWS_SECRET_ACCESS_KEY') }}"`,
    ]) {
      expect(out).toContain(`      ${line}`);
    }
    expectNoSecrets(result);
  });

  it("uses a commented placeholder dataset without --pipeline-name", () => {
    const result = cli(["dbt-profile"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/schema: "my_dataset" {2}# placeholder/);
    expectNoSecrets(result);
  });
});

describe("dlt-athena pipeline <name> sync", () => {
  it("restores state and schemas from the local engine after the working folder was deleted", () => {
    const before = readState();
    const schemaBefore = JSON.parse(readFileSync(join(folder, "schemas", "shop.schema.json"), "utf8"));
    rmSync(folder, { recursive: true, force: true });
    const result = json(cli(["pipeline", "shop", "sync", "--local", "--dataset", "shop_data", "--json"]));
    expect(result).toMatchObject({ status: "ok", restored: true, dataset_name: "shop_data", state_version: before._state_version, sources: ["shop"] });
    const after = readState();
    expect(after._state_version).toBe(before._state_version);
    expect(after._version_hash).toBe(before._version_hash);
    expect(after.sources).toEqual(before.sources);
    const schemaAfter = JSON.parse(readFileSync(join(folder, "schemas", "shop.schema.json"), "utf8"));
    expect(schemaAfter.versionHash).toBe(schemaBefore.versionHash);
    const text = cli(["pipeline", "shop", "sync", "--local"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain("Restored pipeline shop from athena (local) dataset shop_data");
  });

  it("exits 0 with a message when the destination holds nothing, and creates no folder", () => {
    const result = cli(["pipeline", "ghost", "sync", "--local"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Nothing to restore");
    expect(existsSync(join(pipelines, "ghost"))).toBe(false);
  });
});

describe("dlt-athena pipeline <name> drop", () => {
  it("refuses without --yes when there is no terminal, after printing what it would drop", () => {
    const result = cli(["pipeline", "shop", "drop", "--local"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("About to drop the following data of pipeline shop in dataset shop_data");
    expect(result.stderr).toContain("--yes");
    expect(existsSync(folder)).toBe(true);
    expect(json(cli(["query", "--local", "SELECT count(*) AS n FROM shop_data.orders", "--json"])).rows).toEqual([{ n: 2 }]);
  });

  it("drops the tables, the Hive files, the schema versions and the working folder with --yes", () => {
    const ordersFolder = join(dir, ".dlt", "local", "bucket", "shop_data", "orders");
    expect(readdirSync(ordersFolder).length).toBeGreaterThan(0);
    const result = json(cli(["pipeline", "shop", "drop", "--local", "--yes", "--json"]));
    expect(result).toMatchObject({ status: "ok", working_folder_removed: true, deleted_schema_versions: ["shop"] });
    expect(result.dropped_tables).toEqual(expect.arrayContaining(["shop_data.orders", "shop_data.orders__items", "shop_data.customers", "shop_data_staging.customers"]));
    expect(result.deleted_files).toBe(2);
    expect(existsSync(folder)).toBe(false);
    expect(readdirSync(ordersFolder)).toEqual([]);

    const missing = cli(["query", "--local", "SELECT * FROM shop_data.orders"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/does not exist/);
    const tables = json(cli(["query", "--local", "SELECT table_name FROM information_schema.tables WHERE table_schema = 'shop_data' ORDER BY 1", "--json"]));
    expect(tables.rows.map((r: any) => r.table_name)).toEqual(["_dlt_loads", "_dlt_pipeline_state", "_dlt_version"]);
    const versions = json(cli(["query", "--local", "SELECT count(*) AS n FROM shop_data._dlt_version WHERE schema_name = 'shop'", "--json"]));
    expect(versions.rows).toEqual([{ n: 0 }]);
  });

  it("leaves nothing to restore, so the next run loads everything again", () => {
    expect(cli(["pipeline", "shop", "sync", "--local", "--dataset", "shop_data"]).stdout).toContain("Nothing to restore");
    const run = cli(["run", "shop_pipeline.ts", "--local"]);
    expect(run.status, run.stderr).toBe(0);
    expect(json(cli(["query", "--local", "SELECT count(*) AS n FROM shop_data.orders", "--json"])).rows).toEqual([{ n: 2 }]);
  });

  it("drops from the destination's copy of the schemas when the working folder is gone", () => {
    rmSync(folder, { recursive: true, force: true });
    const result = cli(["pipeline", "shop", "drop", "--local", "--yes", "--dataset", "shop_data"]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("Dropped pipeline shop from athena (local) dataset shop_data: 4 table(s)");
    expect(cli(["query", "--local", "SELECT * FROM shop_data.customers"]).status).toBe(1);
    const again = cli(["pipeline", "shop", "drop", "--local", "--yes", "--dataset", "shop_data"]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("nothing to drop");
  });
});
