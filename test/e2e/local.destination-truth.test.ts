/**
 * The destination is the source of truth (issue 9), tried as a user would: fresh project folders,
 * the CLI, `--local`, one HOME (so every project shares `~/.dlt-athena/pipelines/<name>`, the
 * default working folder).
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { LocalProject, parseRun } from "../support/local-project.js";

// An incremental "API" of N orders (ORDERS), each with two lines (a child table).
const ORDERS = `
import { incremental, pipeline, resource } from "dlt-athena";
const total = Number(process.env.ORDERS);
const orders = resource(
  function* ({ incremental: cursor }) {
    for (let id = Number(cursor?.lastValue ?? 0) + 1; id <= total; id++) {
      yield { id, total: id * 2, lines: [{ sku: "a" + id }, { sku: "b" + id }] };
    }
  },
  { name: "orders", incremental: incremental("id") },
);
await pipeline({ pipelineName: "shop", destination: "athena", datasetName: "shop_data" }).run(orders);
`;

const projects: LocalProject[] = [];
afterAll(() => projects.forEach((p) => p.cleanup()));

/** A project whose working folders are the default ones under its HOME (nothing else set). */
function newProject(files: Record<string, string>, name = "project"): LocalProject {
  const project = new LocalProject({ project: name, env: { PIPELINE__PIPELINES_DIR: undefined } });
  projects.push(project);
  return project.create(files);
}

const count = (project: LocalProject, sql: string) => Number(project.rows(sql, { pipelineName: "shop" })[0]?.["n"]);

describe("state sync at the start of every run", () => {
  it("a deleted local dataset gets all its rows back, with a warning naming destination and dataset", () => {
    const project = newProject({ "orders.ts": ORDERS });
    parseRun(project.cli(["run", "orders.ts", "--local", "--json"], { ORDERS: "7" }));
    rmSync(join(project.dir, ".dlt", "local"), { recursive: true });
    const result = project.cli(["run", "orders.ts", "--local"], { ORDERS: "9" });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: Dataset `shop_data` does not exist in athena \(local\) at .*athena\.duckdb although the pipeline loaded data there: .*reset.*first run/);
    expect(count(project, "SELECT count(*) AS n FROM shop_data.orders")).toBe(9);
    expect(count(project, "SELECT count(DISTINCT id) AS n FROM shop_data.orders")).toBe(9);
    expect(count(project, "SELECT count(*) AS n FROM shop_data.orders__lines")).toBe(18);
  });

  it("a second project folder with the same pipeline name gets all rows; the first goes on from its own state", () => {
    const first = newProject({ "orders.ts": ORDERS }, "first");
    const env = { ORDERS: "40" };
    parseRun(first.cli(["run", "orders.ts", "--local", "--json"], env));
    // The clone: another folder, the same HOME, so the same working folder.
    const second = new LocalProject({ project: "clone", env: { PIPELINE__PIPELINES_DIR: undefined } });
    projects.push(second);
    Object.assign(second, { env: first.env });
    second.create({ "orders.ts": ORDERS });
    const cloned = parseRun(second.cli(["run", "orders.ts", "--local", "--json"], { ORDERS: "45" }));
    expect(cloned.loads[0]?.warnings.join("\n")).toMatch(/does not exist in athena \(local\).*another destination/);
    expect(count(second, "SELECT count(*) AS n FROM shop_data.orders")).toBe(45);

    // Back in the first folder: its database's state wins over the clone's newer cursor.
    parseRun(first.cli(["run", "orders.ts", "--local", "--json"], { ORDERS: "50" }));
    expect(count(first, "SELECT count(*) AS n FROM shop_data.orders")).toBe(50);
    expect(count(first, "SELECT count(DISTINCT id) AS n FROM shop_data.orders")).toBe(50);
  });

  it("run from a parent folder, the project loads everything into the parent's own local database", () => {
    const project = newProject({ "orders.ts": ORDERS });
    parseRun(project.cli(["run", "orders.ts", "--local", "--json"], { ORDERS: "5" }));
    const parent = join(project.dir, "..");
    const result = runCli(["run", "project/orders.ts", "--local", "--json"], { cwd: parent, env: { ...project.env, ORDERS: "6" } });
    expect(parseRun(result).loads[0]?.tables.find((t) => t.name === "orders")?.rows).toBe(6);
  });
});

describe("one identity per destination", () => {
  it("a package planned for one database stays pending, untouched, when a run targets another", () => {
    const first = newProject({ "orders.ts": ORDERS }, "first");
    parseRun(first.cli(["run", "orders.ts", "--local", "--json"], { ORDERS: "3" }));
    // A file where the orders folder should be: the next load of the first project fails.
    const folder = join(first.dir, ".dlt", "local", "bucket", "shop_data", "orders");
    const aside = join(first.root, "orders-aside");
    renameSync(folder, aside);
    writeFileSync(folder, "not a folder");
    expect(first.cli(["run", "orders.ts", "--local", "--json"], { ORDERS: "5" }).status).toBe(1);
    const packages = join(first.root, "home", ".dlt-athena", "pipelines", "shop", "packages");
    const pending = readdirSync(packages).filter((name) => !name.startsWith("."));

    const second = new LocalProject({ project: "other", env: { PIPELINE__PIPELINES_DIR: undefined } });
    projects.push(second);
    Object.assign(second, { env: first.env });
    second.create({ "orders.ts": ORDERS });
    const result = parseRun(second.cli(["run", "orders.ts", "--local", "--json"], { ORDERS: "8" }));
    const warnings = result.loads[0]!.warnings.join("\n");
    expect(warnings).toMatch(/Load package \d+\.\d+ was planned for athena \(local\) \(local:.*first.*athena\.duckdb\).*not loaded and stays in/);
    // The other database got its own first load, without the first project's package.
    expect(count(second, "SELECT count(*) AS n FROM shop_data.orders")).toBe(8);
    expect(readdirSync(packages).filter((name) => !name.startsWith("."))).toEqual(expect.arrayContaining(pending));

    // Repaired, the first project loads its pending package, then goes on from its cursor.
    rmSync(folder);
    mkdirSync(join(folder, ".."), { recursive: true });
    renameSync(aside, folder);
    parseRun(first.cli(["run", "orders.ts", "--local", "--json"], { ORDERS: "6" }));
    expect(count(first, "SELECT count(*) AS n FROM shop_data.orders")).toBe(6);
    expect(count(first, "SELECT count(DISTINCT id) AS n FROM shop_data.orders")).toBe(6);
  });
});

describe("--dry-run plans against its real target", () => {
  const OFFLINE = { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "", AWS_EC2_METADATA_DISABLED: "true" };

  it("after a --local run, the Athena dry run creates every table and uploads every file", () => {
    const project = newProject({ "orders.ts": ORDERS, ".dlt/config.toml": `[destination.filesystem]\nbucket_url = "s3://my-lake/raw"\n` });
    parseRun(project.cli(["run", "orders.ts", "--local", "--json"], { ORDERS: "4" }));
    const local = project.cli(["run", "orders.ts", "--local", "--dry-run"], { ORDERS: "6", ...OFFLINE });
    expect(local.status, local.stderr).toBe(0);
    expect(local.stdout).toMatch(/-- target local:.*athena\.duckdb: planned against what is deployed now \(read-only discovery/);
    expect(local.stdout).not.toMatch(/CREATE (EXTERNAL )?TABLE/);

    const athena = project.cli(["run", "orders.ts", "--dry-run"], { ORDERS: "6", ...OFFLINE });
    expect(athena.status, athena.stderr).toBe(0);
    const out = athena.stdout;
    expect(out).toMatch(/-- target athena:awsdatacatalog\/primary\/s3:\/\/my-lake\/raw: planned against nothing deployed \(no AWS credentials/);
    expect(out).toContain("CREATE EXTERNAL TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`orders`");
    expect(out).toContain("CREATE EXTERNAL TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`orders__lines`");
    expect(out).toMatch(/upload orders\.[^ ]+ -> s3:\/\/my-lake\/raw\/shop_data\/orders\//);
    // A first run there: all six orders, not the two after the local cursor.
    expect(out).toMatch(/warning: Dataset|planned against nothing deployed/);
    // Nothing changed locally: the next local run goes on from 4.
    const next = parseRun(project.cli(["run", "orders.ts", "--local", "--json"], { ORDERS: "6" }));
    expect(next.loads[0]?.tables.find((t) => t.name === "orders")?.rows).toBe(2);
  });

  it.each([
    ["s3://b", /bucket/i],
    ["ftp://lake/raw", /bucket_url/],
  ])("refuses bucket_url %s with exit 2, exactly as a real run does", (bucket, message) => {
    const project = newProject({ "orders.ts": ORDERS, ".dlt/config.toml": `[destination.filesystem]\nbucket_url = "${bucket}"\n` });
    const dry = project.cli(["run", "orders.ts", "--dry-run"], { ORDERS: "2", ...OFFLINE });
    const real = project.cli(["run", "orders.ts"], { ORDERS: "2", ...OFFLINE });
    expect(dry.status).toBe(2);
    expect(real.status).toBe(2);
    expect(dry.stderr).toMatch(message);
    expect(dry.stderr).toBe(real.stderr);
  });
});
