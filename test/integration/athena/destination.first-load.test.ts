/**
 * A first load through the whole stack — `pipeline({ destination: "athena" }).run(data)` with the
 * real Athena and S3 SDKs on the wire — against the fake Athena endpoint and s3rver: the SQL the
 * endpoint receives, in wave order, the request parameters, and the Parquet objects in the bucket.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readParquet } from "../../support/read-parquet.js";
import {
  BUCKET_PREFIX,
  bucketKeys,
  CATALOG,
  isColumnsQuery,
  isStateQuery,
  isVersionCheck,
  nestedOrders,
  useDestinationServers,
  WORK_GROUP,
  type Project,
  type ProjectOptions,
} from "./destination-harness.js";

const suite = useDestinationServers({ answerVersions: false });
const newProject = (options: ProjectOptions = {}): Project => suite.project(options);

const LAKE = `s3://test-bucket/${BUCKET_PREFIX}`;

/** The order statements must keep: each phase waits for the one before. */
function phaseOf(sql: string): number {
  if (sql.startsWith("CREATE DATABASE IF NOT EXISTS ")) return 0;
  if (/^CREATE (EXTERNAL )?TABLE /.test(sql)) return 1;
  if (/^INSERT INTO "awsdatacatalog"\."shop_data"\."_dlt_loads"/.test(sql)) return 3;
  if (sql.startsWith("INSERT INTO ")) return 2;
  throw new Error(`unexpected statement: ${sql.slice(0, 120)}`);
}

describe("a first load into Athena (Hive tables, append)", () => {
  it("creates databases, Hive tables under the bucket and Iceberg dlt tables, then records schema, state and the load last", async () => {
    const project = newProject();
    const p = project.pipeline();
    const info = await p.run(nestedOrders(3), { tableName: "orders" });
    const [loadId] = info.loadIds;
    const queries = suite.servers.athena.queries;

    // An empty working folder first asks the destination for a state to restore, then discovery
    // runs its version check and (nothing found) its one INFORMATION_SCHEMA query.
    expect(isStateQuery(queries[0] ?? "")).toBe(true);
    expect(isVersionCheck(queries[1] ?? "")).toBe(true);
    expect(isColumnsQuery(queries[2] ?? "")).toBe(true);
    expect(queries[2]).toContain("table_name IN ('_dlt_version', '_dlt_loads', '_dlt_pipeline_state', 'orders', 'orders__items')");

    // Before its staging dataset is first used: is that database a dataset of its own?
    expect(queries[3]).toMatch(/table_schema IN \('shop_data_staging'\) AND table_name IN \('_dlt_loads', '_dlt_version'\)/);

    const plan = queries.slice(4);
    // The load info counts discovery's two queries, the ownership check and the plan's statements.
    expect(plan).toHaveLength(info.queries.count - 3);
    const phases = plan.map(phaseOf);
    expect(phases).toEqual([...phases].sort((a, b) => a - b));
    expect(plan.filter((sql) => phaseOf(sql) === 0).sort()).toEqual([
      "CREATE DATABASE IF NOT EXISTS `awsdatacatalog`.`shop_data_staging`",
      "CREATE DATABASE IF NOT EXISTS `awsdatacatalog`.`shop_data`",
    ]);

    const ddl = plan.filter((sql) => phaseOf(sql) === 1);
    const hive = (database: string, table: string) =>
      ddl.find((sql) => sql.startsWith(`CREATE EXTERNAL TABLE IF NOT EXISTS \`awsdatacatalog\`.\`${database}\`.\`${table}\` (`));
    expect(hive("shop_data", "orders")).toBe(
      "CREATE EXTERNAL TABLE IF NOT EXISTS `awsdatacatalog`.`shop_data`.`orders` (`id` bigint, `total` double, " +
        "`customer__name` string, `customer__tier` string, `_dlt_load_id` string, `_dlt_id` string) " +
        `STORED AS PARQUET LOCATION '${LAKE}/shop_data/orders/'`,
    );
    expect(hive("shop_data", "orders__items")).toMatch(new RegExp(`STORED AS PARQUET LOCATION '${LAKE}/shop_data/orders__items/'$`));
    // The state row is staged and read through an external table in the staging database.
    expect(hive("shop_data_staging", "_dlt_pipeline_state")).toMatch(
      new RegExp(`STORED AS PARQUET LOCATION '${LAKE}/shop_data_staging/_dlt_pipeline_state/'$`),
    );
    for (const table of ["_dlt_version", "_dlt_loads", "_dlt_pipeline_state"]) {
      const create = ddl.find((sql) => sql.startsWith(`CREATE TABLE IF NOT EXISTS \`awsdatacatalog\`.\`shop_data\`.\`${table}\` (`));
      // A unique location per Iceberg table (the location tag), under the dataset folder.
      expect(create).toMatch(
        new RegExp(`LOCATION '${LAKE}/shop_data/${table}_[0-9a-f]{12}' TBLPROPERTIES \\('table_type'='ICEBERG', 'format'='parquet'\\)$`),
      );
    }
    expect(ddl).toHaveLength(6);

    const schema = p.defaultSchema!.toJSON();
    const inserts = plan.filter((sql) => phaseOf(sql) === 2);
    expect(inserts).toHaveLength(2);
    expect(inserts.find((sql) => sql.startsWith('INSERT INTO "awsdatacatalog"."shop_data"."_dlt_version"('))).toContain(`, 'shop', '${schema.versionHash}', '{`);
    expect(inserts.find((sql) => sql.startsWith('INSERT INTO "awsdatacatalog"."shop_data"."_dlt_pipeline_state"('))).toBe(
      'INSERT INTO "awsdatacatalog"."shop_data"."_dlt_pipeline_state"("version", "engine_version", "pipeline_name", "state", ' +
        '"created_at", "version_hash", "_dlt_load_id", "_dlt_id") SELECT "version", "engine_version", "pipeline_name", "state", ' +
        '"created_at", "version_hash", "_dlt_load_id", "_dlt_id" FROM "awsdatacatalog"."shop_data_staging"."_dlt_pipeline_state"',
    );
    expect(plan.at(-1)).toMatch(
      new RegExp(`^INSERT INTO "awsdatacatalog"\\."shop_data"\\."_dlt_loads"\\(.*\\) VALUES \\('${loadId}', 'shop', 0, TIMESTAMP '[^']+', '${schema.versionHash.replace(/[+/]/g, "\\$&")}'\\)$`),
    );
  });

  it("sends the work group, catalog and database with every query, and no ResultConfiguration without query_result_bucket", async () => {
    await newProject().pipeline().run(nestedOrders(1), { tableName: "orders" });
    const starts = suite.servers.athena.bodiesOf("StartQueryExecution");
    expect(starts.length).toBeGreaterThan(5);
    for (const start of starts) {
      expect(start).toMatchObject({ WorkGroup: WORK_GROUP, QueryExecutionContext: { Catalog: CATALOG, Database: "shop_data" } });
      expect(start).not.toHaveProperty("ResultConfiguration");
    }
  });

  it("sends query_result_bucket as ResultConfiguration.OutputLocation with every query when it is set", async () => {
    await newProject({ athena: { query_result_bucket: "s3://query-results/athena" } }).pipeline().run(nestedOrders(1), { tableName: "orders" });
    const starts = suite.servers.athena.bodiesOf("StartQueryExecution");
    expect(starts.length).toBeGreaterThan(5);
    for (const start of starts) {
      expect(start).toMatchObject({
        WorkGroup: WORK_GROUP,
        QueryExecutionContext: { Catalog: CATALOG, Database: "shop_data" },
        ResultConfiguration: { OutputLocation: "s3://query-results/athena/" },
      });
    }
  });

  it("leaves exactly the package's Parquet files at <prefix>/<dataset>/<table>/<load_id>.<file_id>.parquet, with their rows", async () => {
    const project = newProject();
    const before = new Set(bucketKeys(suite.servers.s3));
    const info = await project.pipeline("files", "files_data").run(nestedOrders(3), { tableName: "orders" });
    const [loadId] = info.loadIds;
    const added = bucketKeys(suite.servers.s3).filter((key) => !before.has(key));

    const jobs = info.packages[0]!.jobs;
    const fileIdOf = (table: string) => {
      const job = jobs.find((j) => j.table === table)!;
      expect(job.job).toMatch(new RegExp(`^${table}\\.[0-9a-z]+\\.0\\.parquet$`));
      return job.job.split(".")[1];
    };
    // The staged state file was deleted after the load: only the two Hive tables' files remain,
    // and the marker that makes the staging dataset this dataset's own.
    expect(added).toEqual([
      `${BUCKET_PREFIX}/files_data/orders/${loadId}.${fileIdOf("orders")}.parquet`,
      `${BUCKET_PREFIX}/files_data/orders__items/${loadId}.${fileIdOf("orders__items")}.parquet`,
      `${BUCKET_PREFIX}/files_data_staging/_dlt_staging.json`,
    ]);
    expect(jobs.find((j) => j.table === "orders")?.target).toBe(`s3://test-bucket/${added[0]}`);

    const onDisk = (key: string) => join(suite.servers.s3.directory, suite.servers.s3.bucket, `${key}._S3rver_object`);
    const orders = await readParquet(onDisk(added[0]!));
    expect(orders.rows.map((r) => [r["id"], r["customer__name"], r["_dlt_load_id"]])).toEqual([
      [1n, "c1", loadId],
      [2n, "c2", loadId],
      [3n, "c3", loadId],
    ]);
    const items = await readParquet(onDisk(added[1]!));
    expect(items.rows.map((r) => r["sku"]).sort()).toEqual(["A1", "A2", "A3", "B1", "B2", "B3"]);
  });
});
