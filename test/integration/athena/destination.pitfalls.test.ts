/**
 * Issue 5's "Known Athena pitfalls", through the whole stack (pipeline → planner → executor →
 * AthenaSqlClient and S3Store on the wire) against the fake Athena endpoint and s3rver: crashes
 * between statements, Iceberg commit conflicts, throttling, terminal failures, state restore on
 * an empty working folder and Athena's statement size limit.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeState } from "../../../src/destination/athena/discovery.js";
import { MAX_STATEMENT_BYTES } from "../../../src/destination/athena/dialect.js";
import { DltAthenaError, LoadError } from "../../../src/errors.js";
import { listLoadPackages } from "../../../src/packages/load-package.js";
import { incremental } from "../../../src/source/incremental.js";
import { resource } from "../../../src/source/resource.js";
import { readParquet } from "../../support/read-parquet.js";
import {
  BUCKET_PREFIX,
  bucketKeys,
  isStateQuery,
  tableKeys,
  useDestinationServers,
  type Project,
} from "./destination-harness.js";

const suite = useDestinationServers();
const newProject = (athena: Record<string, string | boolean | number> = {}): Project => suite.project({ athena });

/** An Iceberg table appended to: its rows move by `INSERT … SELECT` from the staging table. */
const events = (ids: readonly number[]) =>
  resource(ids.map((id) => ({ id, kind: "click" })), { name: "events", tableFormat: "iceberg" });

const insertInto = (dataset: string, table: string) => (sql: string) => sql.startsWith(`INSERT INTO "awsdatacatalog"."${dataset}"."${table}"(`);
const count = (predicate: (sql: string) => boolean) => suite.servers.athena.queries.filter(predicate).length;

async function failureOf(promise: Promise<unknown>): Promise<DltAthenaError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DltAthenaError);
    return error as DltAthenaError;
  }
  throw new Error("expected the run to fail");
}

describe("a crash between statements", () => {
  it("does not duplicate rows: the rerun reuses plan.json and sends only the unfinished _dlt_loads insert, after its undo", async () => {
    const project = newProject();
    suite.servers.athena.script(insertInto("crash_data", "_dlt_loads"), { fail: { reason: "GENERIC_INTERNAL_ERROR: the process was killed" }, times: 1 });

    const error = await failureOf(project.pipeline("crash", "crash_data").run(events([1, 2, 3])));
    expect(error).toBeInstanceOf(LoadError);
    expect(error.message).toContain("GENERIC_INTERNAL_ERROR: the process was killed");
    const pipelinesDir = join(project.pipelinesDir, "crash", "packages");
    const [pkg] = await listLoadPackages(pipelinesDir);
    expect(pkg?.state).toBe("normalized");
    const planPath = join(pkg!.path, "plan.json");
    const plan = readFileSync(planPath, "utf8");
    expect(count(insertInto("crash_data", "events"))).toBe(1);

    // A new process: a fresh pipeline object on the same working folder.
    const mark = suite.servers.athena.queries.length;
    const info = await project.pipeline("crash", "crash_data").run();
    const rerun = suite.servers.athena.queries.slice(mark);
    // No discovery (the stored plan is executed as is) and no second insert of the rows; the
    // interrupted _dlt_loads insert may have committed, so its row is deleted before it runs again.
    expect(rerun).toEqual([
      expect.stringMatching(/^SELECT 'state' AS "kind"/),
      `DELETE FROM "awsdatacatalog"."crash_data"."_dlt_loads" WHERE "load_id" = '${pkg!.loadId}'`,
      expect.stringMatching(new RegExp(`^INSERT INTO "awsdatacatalog"\\."crash_data"\\."_dlt_loads"\\(.*VALUES \\('${pkg!.loadId}'`)),
    ]);
    expect(count(insertInto("crash_data", "events"))).toBe(1);
    expect(count(insertInto("crash_data", "_dlt_pipeline_state"))).toBe(1);
    expect(info.loadIds).toEqual([pkg!.loadId]);
    expect(readFileSync(planPath, "utf8")).toBe(plan);
    expect((await listLoadPackages(pipelinesDir))[0]?.state).toBe("loaded");
    // The staged files outlived the failed run and were deleted only after the load completed.
    expect(bucketKeys(suite.servers.s3).filter((key) => key.startsWith(`${BUCKET_PREFIX}/crash_data_staging/events/`))).toEqual([]);
  });

  it("undoes an Iceberg insert that started but never completed, before running it again from the same staged files", async () => {
    const project = newProject();
    suite.servers.athena.script(insertInto("undo_data", "events"), { fail: { reason: "GENERIC_INTERNAL_ERROR: connection lost" }, times: 1 });
    await failureOf(project.pipeline("undo", "undo_data").run(events([1, 2])));
    const [pkg] = await listLoadPackages(join(project.pipelinesDir, "undo", "packages"));
    const staged = tableKeys(suite.servers.s3, "undo_data_staging", "events");
    expect(staged).toEqual([expect.stringContaining(`/${pkg!.loadId}.`)]);

    let stagedAtInsert: string[] | undefined;
    suite.servers.onQuery = (sql) => {
      if (insertInto("undo_data", "events")(sql)) stagedAtInsert = tableKeys(suite.servers.s3, "undo_data_staging", "events");
    };
    const mark = suite.servers.athena.queries.length;
    await project.pipeline("undo", "undo_data").run();
    const rerun = suite.servers.athena.queries.slice(mark);
    const undo = rerun.indexOf(
      'DELETE FROM "awsdatacatalog"."undo_data"."events" WHERE "_dlt_id" IN (SELECT "_dlt_id" FROM "awsdatacatalog"."undo_data_staging"."events")',
    );
    const insert = rerun.findIndex(insertInto("undo_data", "events"));
    expect(undo).toBeGreaterThanOrEqual(0);
    expect(insert).toBeGreaterThan(undo);
    expect(rerun.filter((sql) => /^(CREATE|ALTER|SELECT)\b/.test(sql) && !isStateQuery(sql))).toEqual([]);
    expect(stagedAtInsert).toEqual(staged);
    expect(rerun.at(-1)).toMatch(/^INSERT INTO "awsdatacatalog"\."undo_data"\."_dlt_loads"\(/);
  });
});

describe("Athena failures", () => {
  it("retries an Iceberg insert that lost a commit race (ICEBERG_COMMIT_ERROR) and succeeds", async () => {
    suite.servers.athena.script(insertInto("commit_data", "events"), {
      fail: { reason: "ICEBERG_COMMIT_ERROR: Failed to commit Iceberg update to table: events", retryable: true },
      times: 1,
    });
    const info = await newProject().pipeline("commit", "commit_data").run(events([1, 2]));
    const inserts = suite.servers.athena.bodiesOf("StartQueryExecution").filter((b) => insertInto("commit_data", "events")(String(b["QueryString"])));
    expect(inserts).toHaveLength(2);
    // Resubmitted as a new query (a fresh request token), not a replay of the failed one.
    expect(new Set(inserts.map((b) => b["ClientRequestToken"])).size).toBe(2);
    expect(info.loadIds).toHaveLength(1);
    expect(count(insertInto("commit_data", "_dlt_loads"))).toBe(1);
  });

  it("retries StartQueryExecution rejected with TooManyRequestsException", async () => {
    suite.servers.athena.script(insertInto("busy_data", "_dlt_loads"), { rejectStart: { error: "TooManyRequestsException", times: 2 } });
    const info = await newProject().pipeline("busy", "busy_data").run(events([1]));
    const starts = suite.servers.athena.requests.filter(
      (r) => r.operation === "StartQueryExecution" && insertInto("busy_data", "_dlt_loads")(String(r.body["QueryString"])),
    );
    expect(starts).toHaveLength(3);
    expect(count(insertInto("busy_data", "_dlt_loads"))).toBe(1);
    expect(info.loadIds).toHaveLength(1);
  });

  it("reports a terminal FAILED query with Athena's reason, the query id and the SQL, and keeps the package", async () => {
    const reason = "HIVE_METASTORE_ERROR: com.amazonaws.services.datacatalog.model.InvalidInputException: simulated";
    const isOrdersDdl = (sql: string) => sql.startsWith("CREATE EXTERNAL TABLE IF NOT EXISTS `awsdatacatalog`.`failing_data`.`orders` (");
    suite.servers.athena.script(isOrdersDdl, { fail: { reason } });
    const project = newProject();
    const error = await failureOf(project.pipeline("failing", "failing_data").run([{ id: 1 }], { tableName: "orders" }));
    const sql = suite.servers.athena.queries.find(isOrdersDdl)!;
    const queryId = `q-${String(suite.servers.athena.queries.indexOf(sql) + 1).padStart(6, "0")}`;
    expect(error.code).toBe("athena_query_failed");
    expect(error.isTransient).toBe(false);
    expect(error.message).toContain(reason);
    expect(error.message).toContain(queryId);
    expect(error.message).toContain(sql);
    expect(error.meta).toMatchObject({ query_id: queryId, reason, sql });
    expect(count(insertInto("failing_data", "_dlt_loads"))).toBe(0);
    expect((await listLoadPackages(join(project.pipelinesDir, "failing", "packages")))[0]?.state).toBe("normalized");
  });
});

describe("state restore on an empty working folder", () => {
  it("restores the newest state and schema from the destination, so an incremental resource loads only newer items", async () => {
    const feed = (upTo: number) =>
      resource(
        Array.from({ length: upTo }, (_, i) => ({ id: i + 1, payload: `event ${i + 1}` })),
        { name: "feed", incremental: incremental("id") },
      );
    // Machine A loads items 1..10; its staged state file is kept, as Athena's storage would keep the row.
    const machineA = newProject({ keep_staging_files: true });
    const first = await machineA.pipeline("restore", "restore_data").run(feed(10));
    const [firstLoad] = first.loadIds;
    // The endpoint answers the restore queries with what machine A wrote (dlt-tables-model.ts).

    // Machine B: a new project folder, nothing local.
    const machineB = newProject();
    const p = machineB.pipeline("restore", "restore_data");
    const mark = suite.servers.athena.queries.length;
    const info = await p.run(feed(15));
    const sent = suite.servers.athena.queries.slice(mark);
    expect(isStateQuery(sent[0]!)).toBe(true);
    // The restored schema is the recorded one: its hash is found, so no DDL at all.
    expect(sent.filter((sql) => /^(CREATE|ALTER)\b/.test(sql))).toEqual([]);
    expect(info.tables.find((t) => t.name === "feed")?.rows).toBe(5);
    const [file] = tableKeys(suite.servers.s3, "restore_data", "feed").filter((key) => key.includes(`/${info.loadIds[0]}.`));
    const rows = (await readParquet(join(suite.servers.s3.directory, suite.servers.s3.bucket, `${file}._S3rver_object`))).rows;
    expect(rows.map((r) => Number(r["id"]))).toEqual([11, 12, 13, 14, 15]);
    expect(p.state.sources["restore"]?.resources?.["feed"]?.incremental?.["id"]?.last_value).toBe(15);
    expect(firstLoad).not.toBe(info.loadIds[0]);
  });
});

describe("Athena's 262,144-byte statement limit", () => {
  it("compresses a _dlt_version row whose schema would pass the limit", async () => {
    // 20 tables × 100 long column names: the schema JSON is far over the limit, each table's DDL is not.
    const wide = Array.from({ length: 20 }, (_, t) =>
      resource([Object.fromEntries(Array.from({ length: 100 }, (_, c) => [`column_${c}_${"x".repeat(60)}`, c]))], { name: `wide_${t}` }),
    );
    const p = newProject().pipeline("huge", "huge_data");
    await p.run(wide);
    const schemaJson = JSON.stringify(p.defaultSchema!.toJSON());
    expect(Buffer.byteLength(schemaJson)).toBeGreaterThan(MAX_STATEMENT_BYTES);
    for (const sql of suite.servers.athena.queries) expect(Buffer.byteLength(sql)).toBeLessThanOrEqual(MAX_STATEMENT_BYTES);
    const insert = suite.servers.athena.queries.find(insertInto("huge_data", "_dlt_version"))!;
    const literal = /, '([A-Za-z0-9+/=]+)'\)$/.exec(insert)?.[1];
    expect(literal).toBeDefined();
    // The row holds dlt's stored schema format.
    expect((decodeState(literal!) as { version_hash: string }).version_hash).toBe(p.defaultSchema!.toJSON().versionHash);
  });

  it("refuses a table whose DDL would pass the limit with statement_too_long, before sending any statement of the plan", async () => {
    const row = Object.fromEntries(Array.from({ length: 2600 }, (_, c) => [`column_${c}_${"y".repeat(90)}`, c]));
    const project = newProject();
    const error = await failureOf(project.pipeline("toolong", "toolong_data").run([row], { tableName: "very_wide" }));
    expect(error.code).toBe("statement_too_long");
    expect(error.message).toContain("very_wide");
    // Only discovery reads went out; nothing of the plan (compiled in full before executing).
    expect(suite.servers.athena.queries.every((sql) => sql.startsWith("SELECT "))).toBe(true);
    for (const body of suite.servers.athena.bodiesOf("StartQueryExecution")) {
      expect(Buffer.byteLength(String(body["QueryString"]))).toBeLessThanOrEqual(MAX_STATEMENT_BYTES);
    }
    expect(bucketKeys(suite.servers.s3).filter((key) => key.includes("/toolong_data/"))).toEqual([]);
    expect(existsSync(join(project.pipelinesDir, "toolong", "packages"))).toBe(true);
  });
});

/** The restore query's answer, as Athena would return the row machine A's load stored. */
