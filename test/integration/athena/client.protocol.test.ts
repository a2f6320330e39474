/**
 * AthenaSqlClient over the real SDK against the fake Athena endpoint: what goes on the wire
 * (work group, catalog, database, result configuration), polling, paging and value conversion.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAthenaSqlClient } from "../../../src/destination/athena/client.js";
import { resolveConfig } from "../../../src/config/resolve.js";
import { startAthenaServer, type FakeAthenaServer } from "../../support/athena-server.js";
import { makeTempDir } from "../../support/temp.js";
import { clientFor } from "./harness.js";

let server: FakeAthenaServer;
beforeAll(async () => {
  server = await startAthenaServer();
});
afterAll(() => server.stop());
beforeEach(() => server.reset());

describe("AthenaSqlClient on the wire", () => {
  it("sends work group, catalog and database, and no ResultConfiguration without a query result bucket", async () => {
    const { athena } = clientFor(server, { workGroup: "etl" });
    await athena.execute("CREATE DATABASE IF NOT EXISTS shop");
    const [start] = server.bodiesOf("StartQueryExecution");
    expect(start).toMatchObject({
      QueryString: "CREATE DATABASE IF NOT EXISTS shop",
      WorkGroup: "etl",
      QueryExecutionContext: { Database: "shop", Catalog: "awsdatacatalog" },
    });
    expect(start).not.toHaveProperty("ResultConfiguration");
    expect(typeof start?.["ClientRequestToken"]).toBe("string");
  });

  it("sends the query result bucket as OutputLocation with a trailing slash", async () => {
    const { athena } = clientFor(server, { queryResultBucket: "s3://results/athena" });
    await athena.execute("SELECT 1");
    expect(server.bodiesOf("StartQueryExecution")[0]?.["ResultConfiguration"]).toEqual({
      OutputLocation: "s3://results/athena/",
    });
  });

  it("uses the database given to execute over the client's default", async () => {
    const { athena } = clientFor(server);
    await athena.execute("SELECT 1", { database: "shop_staging" });
    expect(server.bodiesOf("StartQueryExecution")[0]?.["QueryExecutionContext"]).toEqual({
      Database: "shop_staging",
      Catalog: "awsdatacatalog",
    });
  });

  it("polls a queued then running query with growing, capped delays until it succeeds", async () => {
    server.script(/FROM orders/, { queuedPolls: 3, runningPolls: 6 });
    const { athena, sleeps } = clientFor(server);
    const result = await athena.execute("SELECT * FROM orders");
    expect(server.bodiesOf("GetQueryExecution")).toHaveLength(10);
    expect(sleeps.slice(0, 4)).toEqual([100, 150, 225, 337.5]);
    expect(Math.max(...sleeps)).toBe(2000);
    expect(result.statistics.queryId).toMatch(/^q-/);
  });

  it("pages 2,500 rows over 3 pages of at most 1000, dropping only the header row", async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => [String(i), `name ${i}`]);
    server.script(/FROM big/, { result: { columns: [{ name: "id", type: "bigint" }, { name: "name", type: "varchar" }], rows } });
    const { athena } = clientFor(server);
    const result = await athena.execute("SELECT id, name FROM big");
    const pages = server.bodiesOf("GetQueryResults");
    expect(pages.map((p) => [p["MaxResults"], p["NextToken"]])).toEqual([
      [1000, undefined],
      [1000, expect.any(String)],
      [1000, expect.any(String)],
    ]);
    expect(result.rows).toHaveLength(2500);
    expect(result.rows[0]).toEqual([0, "name 0"]);
    expect(result.rows[2499]).toEqual([2499, "name 2499"]);
    expect(result.columns).toEqual([{ name: "id", type: "bigint" }, { name: "name", type: "varchar" }]);
  });

  it("keeps the first row of statements without a header row (SHOW, DDL)", async () => {
    server.script(/^SHOW TABLES/, { result: { columns: [{ name: "tab_name", type: "string" }], rows: [["orders"], ["tab_name"]], header: false } });
    const { athena } = clientFor(server);
    const result = await athena.execute("SHOW TABLES IN shop");
    expect(result.rows).toEqual([["orders"], ["tab_name"]]);
  });

  it("splits DESCRIBE's tab-separated text rows into col_name, data_type and comment, as Athena's drivers do", async () => {
    const columns = ["col_name", "data_type", "comment"].map((name) => ({ name, type: "string" }));
    const rows = [[`${"id".padEnd(20)}\t${"bigint".padEnd(20)}\t`], [`${"name".padEnd(20)}\t${"string".padEnd(20)}\tthe name`], ["no tabs here"]];
    server.script(/^DESCRIBE/, { result: { columns, rows, header: false } });
    const { athena } = clientFor(server);
    const result = await athena.execute("DESCRIBE shop.orders");
    expect(result.columns.map((c) => c.name)).toEqual(["col_name", "data_type", "comment"]);
    expect(result.rows).toEqual([["id", "bigint", ""], ["name", "string", "the name"], ["no tabs here", null, null]]);
  });

  it("drops the header of a SELECT whose only data row repeats the column names", async () => {
    server.script(/AS a$/, { result: { columns: [{ name: "a", type: "varchar" }], rows: [["a"]] } });
    const { athena } = clientFor(server);
    expect((await athena.execute("SELECT 'a' AS a")).rows).toEqual([["a"]]);
  });

  it("converts values by column type", async () => {
    const columns = [
      { name: "s", type: "varchar" }, { name: "i", type: "integer" }, { name: "big", type: "bigint" },
      { name: "huge", type: "bigint" }, { name: "d", type: "double" }, { name: "nan", type: "double" },
      { name: "b", type: "boolean" }, { name: "dec", type: "decimal", precision: 38, scale: 9 },
      { name: "ts", type: "timestamp" }, { name: "ts6", type: "timestamp" }, { name: "dt", type: "date" },
      { name: "bin", type: "varbinary" }, { name: "j", type: "json" }, { name: "arr", type: "array" },
      { name: "r", type: "row" }, { name: "n", type: "varchar" },
    ];
    const row = [
      "héllo", "-42", "9007199254740991", "9007199254740993", "1.5", "NaN",
      "true", "12345678901234567890.123456789", "2024-01-02 03:04:05.678", "2024-01-02 03:04:05.678901",
      "2024-02-29", "68 65 6c 6c 6f", "{\"a\":1}", "[1, 2]", "{x=1, y=2}", null,
    ];
    server.script(/FROM typed/, { result: { columns, rows: [row] } });
    const { athena } = clientFor(server);
    const result = await athena.execute("SELECT * FROM typed");
    const [values] = result.rows;
    expect(values).toEqual([
      "héllo", -42, 9007199254740991, 9007199254740993n, 1.5, Number.NaN,
      true, "12345678901234567890.123456789", new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), "2024-02-29", Uint8Array.from(Buffer.from("hello")),
      "{\"a\":1}", "[1, 2]", "{x=1, y=2}", null,
    ]);
    expect(result.columns.find((c) => c.name === "dec")?.type).toBe("decimal(38,9)");
  });

  it("reports the query id, seconds and bytes scanned", async () => {
    server.script(/FROM scanned/, { bytesScanned: 123_456 });
    let clock = 1_000;
    const { athena } = clientFor(server, { now: () => (clock += 250) });
    const { statistics } = await athena.execute("SELECT * FROM scanned");
    expect(statistics.queryId).toMatch(/^q-/);
    expect(statistics.bytesScanned).toBe(123_456);
    expect(statistics.seconds).toBeGreaterThan(0);
  });

  it("is built from resolved config: endpoint_url, keys, work group, catalog and result bucket", async () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const config = resolveConfig({
        projectDir: dir,
        env: {
          DESTINATION__ATHENA__CREDENTIALS__ENDPOINT_URL: server.endpoint,
          DESTINATION__ATHENA__CREDENTIALS__AWS_ACCESS_KEY_ID: "AKIDCONFIG",
          DESTINATION__ATHENA__CREDENTIALS__AWS_SECRET_ACCESS_KEY: "config-secret-value",
          DESTINATION__ATHENA__ATHENA_WORK_GROUP: "analytics",
          DESTINATION__ATHENA__QUERY_RESULT_BUCKET: "s3://query-results",
        },
      });
      const athena = createAthenaSqlClient(config, { database: "shop_data", sleep: async () => {} });
      await athena.execute("SELECT 1");
      await athena.close();
      expect(server.bodiesOf("StartQueryExecution")[0]).toMatchObject({
        WorkGroup: "analytics",
        QueryExecutionContext: { Database: "shop_data", Catalog: "awsdatacatalog" },
        ResultConfiguration: { OutputLocation: "s3://query-results/" },
      });
    } finally {
      cleanup();
    }
  });
});

describe("createAthenaSqlClient", () => {
  it("refuses an endpoint_url that is not an http(s) URL", () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const config = resolveConfig({ projectDir: dir, env: { DESTINATION__ATHENA__CREDENTIALS__ENDPOINT_URL: "127.0.0.1:4566" } });
      expect(() => createAthenaSqlClient(config)).toThrow(expect.objectContaining({ code: "invalid_endpoint_url" }));
    } finally {
      cleanup();
    }
  });
});

describe("the fake endpoint's executor hook", () => {
  it("answers queries from the hook, and a throwing hook makes the query FAIL with its message", async () => {
    const backed = await startAthenaServer({
      executor: (sql, context) => {
        if (sql.includes("missing")) throw new Error("TABLE_NOT_FOUND: line 1:15: Table 'missing' does not exist");
        return { columns: [{ name: "db", type: "varchar" }], rows: [[context.database ?? null]] };
      },
    });
    try {
      const { athena } = clientFor(backed);
      expect((await athena.execute("-- the database\nSELECT current_schema")).rows).toEqual([["shop"]]);
      await expect(athena.execute("SELECT * FROM missing")).rejects.toMatchObject({ code: "undefined_relation" });
    } finally {
      await backed.stop();
    }
  });
});
