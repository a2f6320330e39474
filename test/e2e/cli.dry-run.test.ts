import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { linkPackage } from "../support/project.js";
import { makeTempDir, writeFiles } from "../support/temp.js";

let dir: string;
let cleanup: () => void;

const SCRIPT = `
import { join } from "node:path";
import { pipeline, resource } from "dlt-athena";
const p = pipeline({ pipelineName: "planned", datasetName: "shop_data", pipelinesDir: join(process.cwd(), "pipelines") });
await p.run([
  resource([{ id: 1, items: [{ sku: "A" }] }], { name: "orders" }),
  resource([{ id: 1, name: "Ann" }], { name: "customers", writeDisposition: "merge", primaryKey: "id", tableFormat: "iceberg" }),
]);
`;

beforeAll(() => {
  ({ dir, cleanup } = makeTempDir());
  writeFiles(dir, {
    "package.json": JSON.stringify({ type: "module" }),
    "shop_pipeline.ts": SCRIPT,
    ".dlt/config.toml": `[destination.filesystem]\nbucket_url = "s3://my-lake/raw"\n`,
  });
  linkPackage(dir);
});
afterAll(() => cleanup());

// No credentials and no reachable AWS: a dry run must still plan everything.
const OFFLINE = { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "nobody", AWS_EC2_METADATA_DISABLED: "true" };

describe("dlt-athena run --dry-run", () => {
  it("prints every file target and SQL statement in waves without credentials or side effects", () => {
    const result = runCli(["run", "shop_pipeline.ts", "--dry-run"], { cwd: dir, env: OFFLINE });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/-- wave 1 /);
    expect(out).toContain("CREATE DATABASE IF NOT EXISTS `awsdatacatalog`.`shop_data`;");
    expect(out).toContain("CREATE EXTERNAL TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`orders`");
    expect(out).toContain("LOCATION 's3://my-lake/raw/shop_data/orders/'");
    expect(out).toMatch(/upload orders\.[0-9a-f]{10}\.0\.parquet -> s3:\/\/my-lake\/raw\/shop_data\/orders\/\d+\.\d+\.[0-9a-f]{10}\.parquet/);
    expect(out).toMatch(/upload customers\.[0-9a-f]{10}\.0\.parquet -> s3:\/\/my-lake\/raw\/shop_data_staging\/customers\//);
    expect(out).toContain('INSERT INTO "awsdatacatalog"."shop_data"."_dlt_loads"');
    expect(out.indexOf("_dlt_loads\"(")).toBeGreaterThan(out.indexOf('DELETE FROM "awsdatacatalog"."shop_data"."customers"'));
  });

  it("leaves no package, state or schema behind", () => {
    runCli(["run", "shop_pipeline.ts", "--dry-run"], { cwd: dir, env: OFFLINE });
    const folder = join(dir, "pipelines", "planned");
    expect(existsSync(join(folder, "state.json"))).toBe(false);
    expect(existsSync(join(folder, "schemas", "planned.schema.json"))).toBe(false);
    expect(readdirSync(join(folder, "packages"))).toEqual([]);
  });

  it("gives the plan as one JSON document with --json", () => {
    const result = runCli(["run", "shop_pipeline.ts", "--dry-run", "--json"], { cwd: dir, env: OFFLINE });
    expect(result.status).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.dry_run).toBe(true);
    const [plan] = document.plans;
    expect(plan.datasetName).toBe("shop_data");
    const kinds = plan.waves.flat().map((step: { kind: string }) => step.kind);
    expect(kinds).toContain("createExternalTable");
    expect(kinds).toContain("mergeDeleteInsert");
    expect(kinds.at(-1)).toBe("recordLoad");
  });

  it("refuses an invalid layout with exit 2 before anything is extracted", () => {
    const result = runCli(["run", "shop_pipeline.ts"], { cwd: dir, env: { ...OFFLINE, DESTINATION__FILESYSTEM__LAYOUT: "{schema_name}/{table_name}/{load_id}.{file_id}.{ext}" } });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("{schema_name}/{table_name}/{load_id}.{file_id}.{ext}");
    expect(result.stderr).toContain("{table_name}/{load_id}.{file_id}.{ext}");
    expect(existsSync(join(dir, "pipelines", "planned", "state.json"))).toBe(false);
  });
});
